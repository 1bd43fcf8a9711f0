package org.overparam.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted scaling law L(N, D) = E + A / N^alpha + B / D^beta, or L(N) = E + A / N^alpha when
 * {@link #joint()} is false (then {@code b} and {@code beta} are NaN).
 */
public record ScalingLaw(double e, double a, double alpha, double b, double beta) {
  public ScalingLaw {
    if (!(e >= 0) || !(a >= 0) || Double.isInfinite(e) || Double.isInfinite(a)
        || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("scaling law: E, A must be finite and >= 0 and alpha "
          + "finite; got E=" + e + " A=" + a + " alpha=" + alpha);
    }
    if (Double.isNaN(b) != Double.isNaN(beta)) {
      throw new IllegalArgumentException("scaling law: B and beta are both given or both NaN");
    }
  }

  /** L(N) = E + A / N^alpha. */
  public static ScalingLaw ofN(double e, double a, double alpha) {
    return new ScalingLaw(e, a, alpha, Double.NaN, Double.NaN);
  }

  /** True for L(N, D), false for L(N). */
  public boolean joint() {
    return !Double.isNaN(b);
  }

  /** Predicted loss; {@code d} is ignored by L(N). */
  public double predict(double n, double d) {
    double l = e + a * Math.pow(n, -alpha);
    return joint() ? l + b * Math.pow(d, -beta) : l;
  }

  /** Predicted loss of L(N). */
  public double predict(double n) {
    if (joint()) {
      throw new IllegalStateException("a joint law L(N, D) needs D as well");
    }
    return predict(n, Double.NaN);
  }

  /** Coefficients by name, in the order E, A, alpha, B, beta (B and beta only when joint). */
  public Map<String, Double> coefficients() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("E", e);
    m.put("A", a);
    m.put("alpha", alpha);
    if (joint()) {
      m.put("B", b);
      m.put("beta", beta);
    }
    return m;
  }

  /** From the log-sum-exp parameters {@code [a, b, e, alpha, beta]} or {@code [a, e, alpha]}. */
  static ScalingLaw fromLse(double[] p) {
    return p.length == 5
        ? new ScalingLaw(Math.exp(p[2]), Math.exp(p[0]), p[3], Math.exp(p[1]), p[4])
        : ofN(Math.exp(p[1]), Math.exp(p[0]), p[2]);
  }
}
