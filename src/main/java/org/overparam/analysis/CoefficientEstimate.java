package org.overparam.analysis;

/**
 * A fitted quantity with its bootstrap standard error and 95% percentile interval
 * [{@code lo}, {@code hi}]; without a bootstrap the last three are NaN.
 */
public record CoefficientEstimate(double value, double se, double lo, double hi) {
  public CoefficientEstimate {
    if (!Double.isNaN(lo) && !Double.isNaN(hi) && lo > hi) {
      throw new IllegalArgumentException("estimate: interval [" + lo + ", " + hi + "] is reversed");
    }
  }

  /** A value with no interval. */
  public static CoefficientEstimate point(double value) {
    return new CoefficientEstimate(value, Double.NaN, Double.NaN, Double.NaN);
  }

  /** True when {@code lo < value < hi}. */
  public boolean covers() {
    return lo < value && value < hi;
  }
}
