package org.overparam.train;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.overparam.data.Examples;

/**
 * Mean cross-entropy and error rate of a network on a whole set, in chunks. For examples of
 * several labels (a window whose every position is predicted), every label counts once: the
 * loss is per predicted token.
 */
public final class Evaluator {
  /** Predictions per chunk: rows of one label, or windows of {@code steps} labels. */
  private static final int CHUNK = 2048;
  /** Floor on a predicted probability, so a confident mistake costs log(1e-30) rather than inf. */
  private static final double MIN_PROB = 1e-30;

  private Evaluator() {}

  /** Loss and error of {@code net} on {@code ex}; {@code x} holds ex's features as one matrix. */
  public static double[] evaluate(MultiLayerNetwork net, INDArray x, Examples ex) {
    int n = ex.count();
    int k = ex.classes();
    int steps = ex.steps();
    int rows = Math.max(1, CHUNK / steps);
    double loss = 0;
    long wrong = 0;
    for (int start = 0; start < n; start += rows) {
      int end = Math.min(n, start + rows);
      // [rows, classes], or [rows, steps, classes] for a sequence output
      INDArray out = net.output(x.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
          false);
      float[] p = out.dup('c').data().asFloat();
      int predictions = (end - start) * steps;
      for (int i = 0; i < predictions; i++) {
        int label = ex.labels()[start * steps + i];
        int arg = 0;
        float best = p[i * k];
        for (int c = 1; c < k; c++) {
          if (p[i * k + c] > best) {
            best = p[i * k + c];
            arg = c;
          }
        }
        if (Float.isNaN(best)) {
          return new double[] {Double.NaN, Double.NaN};
        }
        wrong += arg == label ? 0 : 1;
        loss -= Math.log(Math.max(MIN_PROB, p[i * k + label]));
      }
    }
    long total = (long) n * steps;
    return new double[] {loss / total, (double) wrong / total};
  }

  /** Features as an {@code n x dim} float matrix. */
  public static INDArray features(Examples ex) {
    return matrix(ex.features(), ex.count(), ex.dim());
  }

  /**
   * {@code v} as a c-order {@code rows x cols} float matrix, copied in one move: ND4J's {@code
   * create(float[], ...)} stores the values one at a time (20 ms for 4,000 x 784 floats on a warm
   * JVM, against 10 ms, and far longer before the JIT has compiled its loop).
   */
  static INDArray matrix(float[] v, int rows, int cols) {
    if (v.length != (long) rows * cols) {
      throw new IllegalArgumentException(v.length + " values for a " + rows + " x " + cols
          + " matrix");
    }
    if (v.length == 0) {
      return Nd4j.create(v, new long[] {rows, cols}, 'c'); // an empty array has no memory to fill
    }
    INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
    new FloatPointer(a.data().addressPointer()).put(v, 0, v.length);
    return a;
  }

  /** Labels one-hot, {@code n x classes}. */
  public static INDArray oneHot(Examples ex) {
    float[] y = new float[ex.count() * ex.classes()];
    for (int i = 0; i < ex.count(); i++) {
      y[i * ex.classes() + ex.labels()[i]] = 1f;
    }
    return matrix(y, ex.count(), ex.classes());
  }

  /**
   * Labels as the network is fitted on them, one row per example: one-hot ({@code n x classes})
   * for one label per example, else the class indices of every position ({@code n x steps}),
   * which {@link #minibatchLabels} shapes for a sequence output.
   */
  public static INDArray labels(Examples ex) {
    if (ex.steps() == 1) {
      return oneHot(ex);
    }
    float[] y = new float[ex.labels().length];
    for (int i = 0; i < y.length; i++) {
      y[i] = ex.labels()[i];
    }
    return matrix(y, ex.count(), ex.steps());
  }

  /**
   * Rows of {@link #labels} as a minibatch's labels: unchanged for one label per example, else
   * {@code [rows, steps, 1]}, the sparse labels of a softmax at every position.
   */
  public static INDArray minibatchLabels(INDArray rows, int steps) {
    return steps == 1 ? rows : rows.reshape('c', rows.size(0), steps, 1);
  }
}
