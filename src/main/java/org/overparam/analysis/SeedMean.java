package org.overparam.analysis;

import org.hipparchus.distribution.continuous.TDistribution;

/**
 * A mean over seeds with its 95% Student-t confidence interval, {@code mean ± ci95}.
 *
 * @param mean mean of the n values (NaN if n = 0)
 * @param ci95 half-width t(0.975, n-1) · s / sqrt(n), s the sample standard deviation
 *     (NaN if n &lt; 2)
 * @param n number of values (seeds)
 */
public record SeedMean(double mean, double ci95, long n) {
  public SeedMean {
    if (n < 0) {
      throw new IllegalArgumentException("n: must be >= 0, got " + n);
    }
  }

  /** From a mean, a sample standard deviation and a count (as Spark's avg, stddev_samp, count). */
  public static SeedMean of(double mean, double sd, long n) {
    if (n == 0) {
      return new SeedMean(Double.NaN, Double.NaN, 0);
    }
    if (n == 1) {
      return new SeedMean(mean, Double.NaN, 1);
    }
    return new SeedMean(mean, tQuantile975(n - 1) * sd / Math.sqrt(n), n);
  }

  private static final java.util.Map<Long, Double> T975 =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The 0.975 quantile of Student's t with {@code df} degrees of freedom (memoised). */
  public static double tQuantile975(long df) {
    return T975.computeIfAbsent(df,
        k -> new TDistribution(k).inverseCumulativeProbability(0.975));
  }

  public double low() {
    return mean - ci95;
  }

  public double high() {
    return mean + ci95;
  }

  /** The mean as a nullable column value. */
  Double meanOrNull() {
    return Double.isNaN(mean) ? null : mean;
  }

  /** The half-width as a nullable column value. */
  Double ci95OrNull() {
    return Double.isNaN(ci95) ? null : ci95;
  }
}
