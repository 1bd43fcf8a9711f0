package org.overparam.analysis;

/**
 * The fitting objective of Besiroglu et al. (2024), "Chinchilla Scaling: a replication attempt":
 * the SUM over points of Huber_delta(LSE(a - alpha log N, b - beta log D, e) - log L), where LSE
 * is log-sum-exp, so that exp(LSE) = E + A / N^alpha + B / D^beta with A = exp(a), B = exp(b),
 * E = exp(e). Gradients are exact.
 *
 * <p>Parameter vectors: joint form {@code [a, b, e, alpha, beta]}; single-variable form
 * {@code [a, e, alpha]} (the data term left out). Internally log N and log D are centred on their
 * means (a' = a - alpha mean(log N), likewise b'): a linear change of variables that leaves the
 * objective and its minima unchanged but decorrelates a from alpha, which the optimiser needs;
 * {@link #toCentred} and {@link #fromCentred} convert.
 *
 * <p>Each point carries an integer weight, so that a bootstrap resample is a vector of counts
 * (how often each point was drawn) rather than a copy of the data.
 */
final class HuberLseObjective {
  private final double[] logN; // centred
  private final double[] logD; // centred; null for L(N)
  private final double[] logL;
  private final double centreN;
  private final double centreD;
  private final double delta;
  private final int[] weights; // null: every point once
  private final int[] drawn; // indices of the points of weight > 0; null: every point

  HuberLseObjective(double[] n, double[] d, double[] loss, double delta) {
    this(logs(n), d == null ? null : logs(d), logs(loss), delta, null);
  }

  private HuberLseObjective(double[] logN, double[] logD, double[] logL, double delta,
      int[] weights) {
    this.centreN = mean(logN);
    this.centreD = logD == null ? 0 : mean(logD);
    this.logN = shift(logN, centreN);
    this.logD = logD == null ? null : shift(logD, centreD);
    this.logL = logL;
    this.delta = delta;
    this.weights = weights;
    this.drawn = drawn(weights);
  }

  private HuberLseObjective(HuberLseObjective base, int[] weights) {
    this.logN = base.logN;
    this.logD = base.logD;
    this.logL = base.logL;
    this.centreN = base.centreN;
    this.centreD = base.centreD;
    this.delta = base.delta;
    this.weights = weights;
    this.drawn = drawn(weights);
  }

  private static int[] drawn(int[] weights) {
    return weights == null ? null
        : java.util.stream.IntStream.range(0, weights.length).filter(i -> weights[i] > 0)
            .toArray();
  }

  /** The same objective with point i counted {@code counts[i]} times (same centring). */
  HuberLseObjective reweighted(int[] counts) {
    if (counts.length != logL.length) {
      throw new IllegalArgumentException("counts: " + counts.length + " for " + logL.length
          + " points");
    }
    return new HuberLseObjective(this, counts.clone());
  }

  boolean joint() {
    return logD != null;
  }

  int dimension() {
    return joint() ? 5 : 3;
  }

  int points() {
    return logL.length;
  }

  /** Converts {@code [a, (b,) e, alpha(, beta)]} to the centred coordinates. */
  double[] toCentred(double[] p) {
    double[] c = p.clone();
    if (joint()) {
      c[0] = p[0] - p[3] * centreN;
      c[1] = p[1] - p[4] * centreD;
    } else {
      c[0] = p[0] - p[2] * centreN;
    }
    return c;
  }

  /** Inverse of {@link #toCentred}. */
  double[] fromCentred(double[] c) {
    double[] p = c.clone();
    if (joint()) {
      p[0] = c[0] + c[3] * centreN;
      p[1] = c[1] + c[4] * centreD;
    } else {
      p[0] = c[0] + c[2] * centreN;
    }
    return p;
  }

  /** The objective at centred parameters {@code c}; fills {@code grad} when it is not null. */
  double value(double[] c, double[] grad) {
    boolean j = joint();
    double a = c[0];
    double b = j ? c[1] : 0;
    double e = j ? c[2] : c[1];
    double alpha = j ? c[3] : c[2];
    double beta = j ? c[4] : 0;
    double ga = 0;
    double gb = 0;
    double ge = 0;
    double galpha = 0;
    double gbeta = 0;
    double sum = 0;
    for (int i = 0; i < logL.length; i++) {
      int w = weights == null ? 1 : weights[i];
      if (w == 0) {
        continue;
      }
      // Log-sum-exp of the two or three terms, shifted by their maximum for stability.
      double u1 = a - alpha * logN[i];
      double u2 = j ? b - beta * logD[i] : Double.NEGATIVE_INFINITY;
      double m = Math.max(Math.max(u1, u2), e);
      double x1 = Math.exp(u1 - m);
      double x2 = j ? Math.exp(u2 - m) : 0;
      double x3 = Math.exp(e - m);
      double s = x1 + x2 + x3;
      double r = m + Math.log(s) - logL[i];
      sum += w * huber(r);
      if (grad != null) {
        // dHuber/dr is r clipped to [-delta, delta]; dLSE/du_k is the softmax weight x_k / s.
        double h = w * Math.max(-delta, Math.min(delta, r)) / s;
        ga += h * x1;
        galpha -= h * x1 * logN[i];
        ge += h * x3;
        if (j) {
          gb += h * x2;
          gbeta -= h * x2 * logD[i];
        }
      }
    }
    if (grad != null) {
      pack(grad, ga, gb, ge, galpha, gbeta);
    }
    return sum;
  }

  /**
   * The same objective as a least-squares problem at centred parameters {@code c}: residual i is
   * sign(r) sqrt(2 w Huber(r)), so half the sum of squared residuals equals {@link #value}
   * exactly. Fills the residuals and their Jacobian (rows: points, columns: parameters).
   */
  void residuals(double[] c, double[] rho, double[][] jac) {
    boolean j = joint();
    double a = c[0];
    double b = j ? c[1] : 0;
    double e = j ? c[2] : c[1];
    double alpha = j ? c[3] : c[2];
    double beta = j ? c[4] : 0;
    for (int i = 0; i < logL.length; i++) {
      double sw = Math.sqrt(weights == null ? 1 : weights[i]);
      double u1 = a - alpha * logN[i];
      double u2 = j ? b - beta * logD[i] : Double.NEGATIVE_INFINITY;
      double m = Math.max(Math.max(u1, u2), e);
      double x1 = Math.exp(u1 - m);
      double x2 = j ? Math.exp(u2 - m) : 0;
      double x3 = Math.exp(e - m);
      double s = x1 + x2 + x3;
      double r = m + Math.log(s) - logL[i];
      // rho = r inside [-delta, delta]; beyond, sign(r) sqrt(2 delta |r| - delta^2), whose
      // derivative delta / |rho| joins the inner slope 1 continuously at |r| = delta.
      double ar = Math.abs(r);
      double drho;
      if (ar <= delta) {
        rho[i] = sw * r;
        drho = sw;
      } else {
        double q = Math.sqrt(2 * delta * ar - delta * delta);
        rho[i] = sw * Math.copySign(q, r);
        drho = sw * delta / q;
      }
      double h = drho / s;
      double[] row = jac[i];
      pack(row, h * x1, h * x2, h * x3, -h * x1 * logN[i], j ? -h * x2 * logD[i] : 0);
    }
  }

  /**
   * The least-squares form of {@link #residuals} reduced to its normal equations in one pass over
   * the points, with no per-point storage: fills {@code jtj} (k x k, row-major, k =
   * {@link #dimension}) with J^T J and {@code jtr} with J^T rho, and returns rho^T rho (twice
   * {@link #value}). Points of weight 0 are skipped, so a bootstrap resample costs only the
   * points it drew.
   */
  double normalEquations(double[] c, double[] jtj, double[] jtr) {
    return joint() ? normalJoint(c, jtj, jtr) : normalSingle(c, jtj, jtr);
  }

  // The two forms written out with the products in locals: the JIT keeps them in registers,
  // where loops over a row array cost twice as much per point.
  private double normalJoint(double[] c, double[] jtj, double[] jtr) {
    double a = c[0];
    double b = c[1];
    double e = c[2];
    double alpha = c[3];
    double beta = c[4];
    double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s04 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0;
    double s22 = 0, s23 = 0, s24 = 0, s33 = 0, s34 = 0, s44 = 0;
    double g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0;
    double rr = 0;
    int count = drawn == null ? logL.length : drawn.length;
    for (int t = 0; t < count; t++) {
      // Only the points drawn, so a resample's pass has no branch on its weights.
      int i = drawn == null ? t : drawn[t];
      int w = weights == null ? 1 : weights[i];
      double ln = logN[i];
      double ld = logD[i];
      double u1 = a - alpha * ln;
      double u2 = b - beta * ld;
      double m = Math.max(Math.max(u1, u2), e);
      double x1 = Math.exp(u1 - m);
      double x2 = Math.exp(u2 - m);
      double x3 = Math.exp(e - m);
      double sum = x1 + x2 + x3;
      double r = m + Math.log(sum) - logL[i];
      double ar = Math.abs(r);
      double rho;
      double drho;
      if (ar <= delta) {
        rho = r;
        drho = 1;
      } else {
        double q = Math.sqrt(2 * delta * ar - delta * delta);
        rho = Math.copySign(q, r);
        drho = delta / q;
      }
      double h = drho / sum;
      double j0 = h * x1;
      double j1 = h * x2;
      double j2 = h * x3;
      double j3 = -j0 * ln;
      double j4 = -j1 * ld;
      double w0 = w * j0;
      double w1 = w * j1;
      double w2 = w * j2;
      double w3 = w * j3;
      double w4 = w * j4;
      s00 += w0 * j0;
      s01 += w0 * j1;
      s02 += w0 * j2;
      s03 += w0 * j3;
      s04 += w0 * j4;
      s11 += w1 * j1;
      s12 += w1 * j2;
      s13 += w1 * j3;
      s14 += w1 * j4;
      s22 += w2 * j2;
      s23 += w2 * j3;
      s24 += w2 * j4;
      s33 += w3 * j3;
      s34 += w3 * j4;
      s44 += w4 * j4;
      g0 += w0 * rho;
      g1 += w1 * rho;
      g2 += w2 * rho;
      g3 += w3 * rho;
      g4 += w4 * rho;
      rr += w * rho * rho;
    }
    double[] upper = {s00, s01, s02, s03, s04, s11, s12, s13, s14, s22, s23, s24, s33, s34, s44};
    fill(jtj, upper, 5);
    jtr[0] = g0;
    jtr[1] = g1;
    jtr[2] = g2;
    jtr[3] = g3;
    jtr[4] = g4;
    return rr;
  }

  private double normalSingle(double[] c, double[] jtj, double[] jtr) {
    double a = c[0];
    double e = c[1];
    double alpha = c[2];
    double s00 = 0, s01 = 0, s02 = 0, s11 = 0, s12 = 0, s22 = 0;
    double g0 = 0, g1 = 0, g2 = 0;
    double rr = 0;
    int count = drawn == null ? logL.length : drawn.length;
    for (int t = 0; t < count; t++) {
      // Only the points drawn, so a resample's pass has no branch on its weights.
      int i = drawn == null ? t : drawn[t];
      int w = weights == null ? 1 : weights[i];
      double ln = logN[i];
      double u1 = a - alpha * ln;
      double m = Math.max(u1, e);
      double x1 = Math.exp(u1 - m);
      double x3 = Math.exp(e - m);
      double sum = x1 + x3;
      double r = m + Math.log(sum) - logL[i];
      double ar = Math.abs(r);
      double rho;
      double drho;
      if (ar <= delta) {
        rho = r;
        drho = 1;
      } else {
        double q = Math.sqrt(2 * delta * ar - delta * delta);
        rho = Math.copySign(q, r);
        drho = delta / q;
      }
      double h = drho / sum;
      double j0 = h * x1;
      double j1 = h * x3;
      double j2 = -j0 * ln;
      double w0 = w * j0;
      double w1 = w * j1;
      double w2 = w * j2;
      s00 += w0 * j0;
      s01 += w0 * j1;
      s02 += w0 * j2;
      s11 += w1 * j1;
      s12 += w1 * j2;
      s22 += w2 * j2;
      g0 += w0 * rho;
      g1 += w1 * rho;
      g2 += w2 * rho;
      rr += w * rho * rho;
    }
    fill(jtj, new double[] {s00, s01, s02, s11, s12, s22}, 3);
    jtr[0] = g0;
    jtr[1] = g1;
    jtr[2] = g2;
    return rr;
  }

  /** Fills a symmetric k x k row-major matrix from its upper triangle, row by row. */
  private static void fill(double[] out, double[] upper, int k) {
    int u = 0;
    for (int p = 0; p < k; p++) {
      for (int q = p; q < k; q++) {
        out[p * k + q] = upper[u];
        out[q * k + p] = upper[u];
        u++;
      }
    }
  }

  /** The same objective on the points {@code rows} only (same centring). */
  HuberLseObjective subset(int[] rows) {
    double[] n = new double[rows.length];
    double[] dd = logD == null ? null : new double[rows.length];
    double[] l = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      n[i] = logN[rows[i]];
      if (dd != null) {
        dd[i] = logD[rows[i]];
      }
      l[i] = logL[rows[i]];
    }
    return new HuberLseObjective(this, n, dd, l);
  }

  private HuberLseObjective(HuberLseObjective base, double[] logN, double[] logD,
      double[] logL) {
    this.logN = logN;
    this.logD = logD;
    this.logL = logL;
    this.centreN = base.centreN;
    this.centreD = base.centreD;
    this.delta = base.delta;
    this.weights = null;
    this.drawn = null;
  }

  /** Residuals log L-hat - log L at centred parameters (unweighted, every point). */
  double[] logResiduals(double[] c) {
    double[] out = new double[logL.length];
    boolean j = joint();
    for (int i = 0; i < out.length; i++) {
      double u1 = c[0] - (j ? c[3] : c[2]) * logN[i];
      double u2 = j ? c[1] - c[4] * logD[i] : Double.NEGATIVE_INFINITY;
      double e = j ? c[2] : c[1];
      double m = Math.max(Math.max(u1, u2), e);
      out[i] = m + Math.log(Math.exp(u1 - m) + Math.exp(u2 - m) + Math.exp(e - m)) - logL[i];
    }
    return out;
  }

  double[] logLoss() {
    return logL.clone();
  }

  private double huber(double r) {
    double ar = Math.abs(r);
    return ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
  }

  private void pack(double[] out, double a, double b, double e, double alpha, double beta) {
    if (joint()) {
      out[0] = a;
      out[1] = b;
      out[2] = e;
      out[3] = alpha;
      out[4] = beta;
    } else {
      out[0] = a;
      out[1] = e;
      out[2] = alpha;
    }
  }

  private static double[] logs(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.log(x[i]);
    }
    return out;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double[] shift(double[] x, double by) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - by;
    }
    return out;
  }
}
