package org.overparam.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.data.Examples;

/** Mean cross-entropy and error rate of a network on a whole set, in chunks. */
public final class Evaluator {
  private static final int CHUNK = 2048;
  /** Floor on a predicted probability, so a confident mistake costs log(1e-30) rather than inf. */
  private static final double MIN_PROB = 1e-30;

  private Evaluator() {}

  /** Loss and error of {@code net} on {@code ex}; {@code x} holds ex's features as one matrix. */
  public static double[] evaluate(MultiLayerNetwork net, INDArray x, Examples ex) {
    int n = ex.count();
    int k = ex.classes();
    double loss = 0;
    long wrong = 0;
    for (int start = 0; start < n; start += CHUNK) {
      int end = Math.min(n, start + CHUNK);
      INDArray out = net.output(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
          org.nd4j.linalg.indexing.NDArrayIndex.all()), false);
      float[] p = out.dup('c').data().asFloat();
      for (int i = 0; i < end - start; i++) {
        int label = ex.labels()[start + i];
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
    return new double[] {loss / n, (double) wrong / n};
  }

  /** Features as an {@code n x dim} float matrix. */
  public static INDArray features(Examples ex) {
    return Nd4j.create(ex.features(), new long[] {ex.count(), ex.dim()}, 'c');
  }

  /** Labels one-hot, {@code n x classes}. */
  public static INDArray oneHot(Examples ex) {
    float[] y = new float[ex.count() * ex.classes()];
    for (int i = 0; i < ex.count(); i++) {
      y[i * ex.classes() + ex.labels()[i]] = 1f;
    }
    return Nd4j.create(y, new long[] {ex.count(), ex.classes()}, 'c');
  }
}
