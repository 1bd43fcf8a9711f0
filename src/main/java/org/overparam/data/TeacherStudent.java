package org.overparam.data;

import java.util.SplittableRandom;

/**
 * A fixed random teacher: x ~ N(0, I_d), label = argmax(W2 relu(W1 x)). Students of growing width
 * can learn it exactly, so over-parameterisation effects show without any download.
 */
public final class TeacherStudent {
  private final int dim;
  private final int hidden;
  private final int classes;
  private final double[] w1;
  private final double[] w2;

  public TeacherStudent(int dim, int hidden, int classes, long seed) {
    this.dim = dim;
    this.hidden = hidden;
    this.classes = classes;
    SplittableRandom r = new SplittableRandom(seed);
    w1 = new double[hidden * dim];
    w2 = new double[classes * hidden];
    for (int i = 0; i < w1.length; i++) {
      w1[i] = gaussian(r) / Math.sqrt(dim);
    }
    for (int i = 0; i < w2.length; i++) {
      w2[i] = gaussian(r) / Math.sqrt(hidden);
    }
  }

  /** {@code n} examples drawn with {@code rng}. */
  public Examples sample(int n, SplittableRandom rng) {
    float[] x = new float[n * dim];
    int[] y = new int[n];
    double[] h = new double[hidden];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        x[i * dim + j] = (float) gaussian(rng);
      }
      for (int u = 0; u < hidden; u++) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
          s += w1[u * dim + j] * x[i * dim + j];
        }
        h[u] = Math.max(0, s);
      }
      int best = 0;
      double bestV = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double s = 0;
        for (int u = 0; u < hidden; u++) {
          s += w2[c * hidden + u] * h[u];
        }
        if (s > bestV) {
          bestV = s;
          best = c;
        }
      }
      y[i] = best;
    }
    return new Examples(x, y, dim, classes);
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
