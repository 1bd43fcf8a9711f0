package org.overparam.data;

import java.io.Serializable;

/**
 * A block of labelled examples, stored flat so it ships cheaply to executors.
 *
 * @param features row-major {@code count x dim} values
 * @param labels class indices, {@code steps} per row (row-major {@code count x steps})
 * @param dim length of one feature row
 * @param classes number of classes
 * @param steps labels per row: 1 for one label per example; for a model that predicts every
 *     position of a window, one per position ({@code steps == dim})
 */
public record Examples(float[] features, int[] labels, int dim, int classes, int steps)
    implements Serializable {
  /** Examples of one label each. */
  public Examples(float[] features, int[] labels, int dim, int classes) {
    this(features, labels, dim, classes, 1);
  }

  public Examples {
    if (dim <= 0 || classes < 2 || steps < 1) {
      throw new IllegalArgumentException("dim, steps and classes must be positive");
    }
    if (labels.length % steps != 0) {
      throw new IllegalArgumentException("labels length " + labels.length
          + " is not a multiple of " + steps + " steps");
    }
    if (features.length != (long) labels.length / steps * dim) {
      throw new IllegalArgumentException("features length " + features.length + " != "
          + labels.length / steps + " x " + dim);
    }
  }

  /** Rows (examples; windows of a sequence model). */
  public int count() {
    return labels.length / steps;
  }

  /** Labels in all: the predicted tokens of a text. */
  public int predictions() {
    return labels.length;
  }

  /** The rows at {@code idx}, in that order, with labels replaced by {@code newLabels} if given. */
  public Examples rows(int[] idx, int[] newLabels) {
    float[] f = new float[idx.length * dim];
    int[] l = new int[idx.length * steps];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(features, idx[i] * dim, f, i * dim, dim);
      if (newLabels == null) {
        System.arraycopy(labels, idx[i] * steps, l, i * steps, steps);
      } else {
        System.arraycopy(newLabels, i * steps, l, i * steps, steps);
      }
    }
    return new Examples(f, l, dim, classes, steps);
  }

  /** The first {@code n} rows. */
  public Examples head(int n) {
    int[] idx = new int[Math.min(n, count())];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    return rows(idx, null);
  }
}
