package org.overparam.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * The one owner of resampling seeds: every interval "over seeds" of the double-descent tables
 * ({@link PairedRise}, {@link SettingPeak}, {@link LeverEffects}) comes from here.
 *
 * <p>The seeds are drawn with replacement ({@link #RESAMPLES} or
 * {@link #REMEASURED_RESAMPLES} times) from one {@link SplittableRandom} of the analysis seed,
 * fresh for every series or comparison, so the same data and seed give the same intervals. A
 * resample is a count per seed (how often it was drawn). Two kinds of statistic are resampled:
 * <ul>
 *   <li>a mean of fixed per-seed values ({@link #meanIntervals}: PairedRise's rises): the
 *       interval is read at the percentiles α' and 1 - α' with α' = Φ(-sqrt(n / (n - 1))
 *       t(0.975, n - 1)), the expanded percentile interval that Hesterberg (2015, "What teachers
 *       should know about the bootstrap") proposes, since a plain percentile interval of a mean
 *       is too narrow with few seeds (with n seeds it never reaches below the smallest per-seed
 *       value); for a mean it matches the width of the Student-t interval;</li>
 *   <li>a statistic measured again on each resample ({@link #resample}: heights located anew
 *       on the drawn seeds, a peak's size): the plain 2.5th and 97.5th percentiles
 *       ({@link #interval}, {@link #gridInterval}). Its resampled values already carry how the
 *       locations move with the seeds drawn (a resample of few distinct seeds locates on fewer
 *       curves), and expanding them as well was far too wide: on simulated pairs of settings
 *       ({@code LeverEffectsTest}: the quickstart's grid and noise, 200 pairs each) the plain
 *       interval of a height change excluded 0 for 34.5%, 2.0%, 1.5%, 0.5% and 0% of pairs of
 *       flat curves with 2, 3, 4, 5 and 8 seeds, and found the quickstart's peak removed in 87%
 *       with 3 or 4 seeds, 94% with 5 and 99.5% with 8; the expanded one found it in 70% with 5
 *       seeds.</li>
 * </ul>
 * Means are read with linear interpolation between resamples (as numpy's percentile); a
 * statistic on the grid of sizes by the order statistic itself, so that a bound is a size that
 * was measured.
 */
final class SeedBootstrap {
  /**
   * Resamples of the seeds behind an interval of a mean: its expanded percentiles lie far out
   * (the 0.1th with 5 seeds), where fewer draws would leave a handful of values.
   */
  static final int RESAMPLES = 10_000;
  /**
   * Resamples behind an interval of a statistic measured again on each: its 2.5th and 97.5th
   * percentiles stand on 50 draws each, and each draw locates every seed's peak anew.
   */
  static final int REMEASURED_RESAMPLES = 2_000;
  /** Each tail of a 95% interval. */
  private static final double ALPHA = 0.025;

  private SeedBootstrap() {}

  /**
   * The 95% intervals {low, high} of the means of each of {@code values} (arrays of the same
   * n &ge; 2 seeds, index by index), all from the same draws: paired statistics share them.
   */
  static double[][] meanIntervals(long seed, double[]... values) {
    int n = values[0].length;
    for (double[] v : values) {
      if (v.length != n) {
        throw new IllegalArgumentException("paired values of " + n + " and " + v.length
            + " seeds");
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int k = values.length;
    double[][] boot = new double[k][RESAMPLES];
    double[] sums = new double[k];
    for (int b = 0; b < RESAMPLES; b++) {
      Arrays.fill(sums, 0);
      for (int i = 0; i < n; i++) {
        int j = rng.nextInt(n);
        for (int v = 0; v < k; v++) {
          sums[v] += values[v][j];
        }
      }
      for (int v = 0; v < k; v++) {
        boot[v][b] = sums[v] / n;
      }
    }
    double alpha = expandedAlpha(n);
    double[][] out = new double[k][];
    for (int v = 0; v < k; v++) {
      out[v] = new double[] {percentile(boot[v], alpha), percentile(boot[v], 1 - alpha)};
    }
    return out;
  }

  /** Statistics of one group of seeds on a resample. */
  @FunctionalInterface
  interface Statistics {
    /**
     * Writes the statistics of the resample whose seed i was drawn {@code counts[i]} times into
     * {@code out} (NaN: the statistic has no value on it).
     */
    void of(int[] counts, double[] out);
  }

  /** Statistics of two unpaired groups of seeds, each drawn apart on a resample. */
  @FunctionalInterface
  interface TwoGroupStatistics {
    void of(int[] first, int[] second, double[] out);
  }

  /**
   * {@code k} statistics of {@code n} seeds measured again on each of
   * {@link #REMEASURED_RESAMPLES} resamples: [statistic][resample].
   */
  static double[][] resample(int n, int k, long seed, Statistics statistics) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] out = new double[k][REMEASURED_RESAMPLES];
    double[] one = new double[k];
    for (int b = 0; b < REMEASURED_RESAMPLES; b++) {
      statistics.of(draw(rng, n), one);
      for (int v = 0; v < k; v++) {
        out[v][b] = one[v];
      }
    }
    return out;
  }

  /** {@code k} statistics of two groups of {@code n} and {@code m} seeds, drawn apart. */
  static double[][] resample(int n, int m, int k, long seed, TwoGroupStatistics statistics) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] out = new double[k][REMEASURED_RESAMPLES];
    double[] one = new double[k];
    for (int b = 0; b < REMEASURED_RESAMPLES; b++) {
      int[] first = draw(rng, n);
      statistics.of(first, draw(rng, m), one);
      for (int v = 0; v < k; v++) {
        out[v][b] = one[v];
      }
    }
    return out;
  }

  /**
   * The mean of {@code x} with seed i counted {@code counts[i]} times, over the seeds where it
   * has a value (not NaN); NaN if none.
   */
  static double mean(double[] x, int[] counts) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (counts[i] > 0 && !Double.isNaN(x[i])) {
        s += counts[i] * x[i];
        n += counts[i];
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** How many times each of {@code n} seeds is drawn in one resample of n draws. */
  private static int[] draw(SplittableRandom rng, int n) {
    int[] counts = new int[n];
    for (int i = 0; i < n; i++) {
      counts[rng.nextInt(n)]++;
    }
    return counts;
  }

  /**
   * The 95% interval {low, high} of a statistic measured again on each resample (the 2.5th and
   * 97.5th percentiles of its resampled values, interpolated between them); resamples without a
   * value (NaN) are left out. {NaN, NaN} when none has one.
   */
  static double[] interval(double[] resampled) {
    double[] x = Arrays.stream(resampled).filter(v -> !Double.isNaN(v)).toArray();
    if (x.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {percentile(x, ALPHA), percentile(x, 1 - ALPHA)};
  }

  /**
   * The 95% interval {low, high} of a statistic measured again on each resample that takes
   * values on a grid (a peak's size), each bound one of the resampled values (the order
   * statistic at 2.5% and 97.5%); resamples without a value (NaN) are left out. {NaN, NaN} when
   * none has one.
   */
  static double[] gridInterval(double[] resampled) {
    double[] x = Arrays.stream(resampled).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (x.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int lo = (int) Math.floor(ALPHA * (x.length - 1));
    int hi = (int) Math.ceil((1 - ALPHA) * (x.length - 1));
    return new double[] {x[lo], x[hi]};
  }

  /** α' of the expanded percentile interval for n &ge; 2 seeds (0.025 as n grows). */
  static double expandedAlpha(int n) {
    return new NormalDistribution().cumulativeProbability(
        -Math.sqrt(n / (n - 1.0)) * SeedMean.tQuantile975(n - 1));
  }

  /** The {@code q}-quantile of the resampled means (the smallest or largest when q rounds off). */
  private static double percentile(double[] x, double q) {
    return Bootstrap.percentile(x, Math.min(100, Math.max(1e-9, 100 * q)));
  }
}
