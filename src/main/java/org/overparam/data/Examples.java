package org.overparam.data;

import java.io.Serializable;

/**
 * A block of labelled examples, stored flat so it ships cheaply to executors.
 *
 * @param features row-major {@code count x dim} values
 * @param labels class index per row
 * @param dim length of one feature row
 * @param classes number of classes
 */
public record Examples(float[] features, int[] labels, int dim, int classes)
    implements Serializable {
  public Examples {
    if (dim <= 0 || classes < 2) {
      throw new IllegalArgumentException("dim and classes must be positive");
    }
    if (features.length != (long) labels.length * dim) {
      throw new IllegalArgumentException("features length " + features.length + " != "
          + labels.length + " x " + dim);
    }
  }

  public int count() {
    return labels.length;
  }

  /** The rows at {@code idx}, in that order, with labels replaced by {@code newLabels} if given. */
  public Examples rows(int[] idx, int[] newLabels) {
    float[] f = new float[idx.length * dim];
    int[] l = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(features, idx[i] * dim, f, i * dim, dim);
      l[i] = newLabels == null ? labels[idx[i]] : newLabels[i];
    }
    return new Examples(f, l, dim, classes);
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
