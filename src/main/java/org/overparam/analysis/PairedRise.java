package org.overparam.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * How sure a model-wise double-descent finding is: the test-error peak's rise over the classical
 * minimum and over the largest model of its series, as per-seed paired differences with a
 * bootstrap interval over seeds.
 *
 * <p><b>Pairing.</b> Runs of one seed at different widths share, by construction
 * ({@code data/Seeds}, one stream per purpose derived from the run seed alone): the training
 * subset ("subset") and which of its labels are flipped to which wrong class ("noise"), the
 * order of the examples in every epoch ("order"; by parameter averaging "partition" and
 * "order-&lt;epoch&gt;"), and the seed of the initialisation stream ("init": the same stream,
 * though not the same weights, since the matrices differ in shape); every run of an experiment
 * is evaluated on the same test images. A seed that drew a hard subset or harmful flips is
 * worse at every width, so the difference between two widths of one seed cancels that shared
 * part and varies less than either width's mean does.
 *
 * <p><b>Where the rises are measured.</b> The peak and the classical minimum are where the
 * mean curve is highest and lowest, and on the seeds that chose them their difference is
 * biased upward: a flat, noisy curve still has a highest and a lowest point. So each seed's
 * rises are measured at the locations that the <em>other</em> seeds' mean curve gives (leave
 * one seed out), found by the definitions of {@link DoubleDescent#locate} itself
 * ({@link SeedCurves#places}): threshold, window, peak, least test error below it; the largest
 * model is the series' largest measured size, fixed in advance. A fold that finds no size below
 * its peak counts a rise over the minimum of 0, one whose peak is the largest size a rise over
 * it of 0, one that never interpolates both 0. When
 * every fold finds the full curve's peak and minimum (a clear peak), the rises are the paired
 * mean differences at {@code peak_params} and {@code classical_min_params}; where the folds
 * disagree, the rise shrinks, as it should. {@code PairedRiseTest} measures the effect on
 * simulated flat curves (the quickstart's 11 widths and threshold, a per-seed offset of sd 0.01
 * shared by all widths plus independent noise of sd 0.008, 300 curves each): measured at the
 * full curve's peak and minimum, both 95% lower bounds are above 0 for 46% of flat curves with
 * 2 seeds, 23% with 3, 9% with 4 and 5% with 5 or 8; left out as here, for 17%, 9%, 4%, 1.0%
 * and 1.3%.
 *
 * <p><b>Interval.</b> The seeds are resampled ({@link SeedBootstrap}, the one owner of the
 * resampling) and each rise averaged over the resample (both rises from the same draws), with
 * the generator fresh for every series, so the same data and seed give the same intervals. A
 * plain percentile interval is too narrow with few seeds (with n seeds it never reaches below
 * the smallest per-seed rise); it is expanded as Hesterberg (2015) proposes, which for a mean
 * matches the width of the Student-t interval. With 2-4 seeds this is still about the range of
 * the per-seed rises and a flat curve passes too often (the rates above), so a claim needs
 * {@link #CLAIM_SEEDS} seeds; with 5 seeds the quickstart's own curve (its two-seed means, the
 * same noise) is claimed in 97% of simulated experiments.
 *
 * <p><b>Per seed.</b> Each seed's own rises are kept ({@code bySeed}), so that two settings'
 * peaks can be compared seed by seed ({@link LeverEffects}). They are measured whether or not
 * the mean curve has a peak: a seed whose other seeds' curve has none counts rises of 0, as the
 * folds above do, so a setting whose peak vanished has a height near 0 rather than none.
 *
 * @param largest the series' largest measured size
 * @param seeds seeds whose rises were measured (the n of the interval); 0 without a peak on
 *     the mean curve
 * @param overMin mean rise over the classical minimum; NaN where there is none
 * @param overMinLow lower bound of its 95% interval; NaN with fewer than 2 seeds
 * @param overMinHigh upper bound
 * @param overLargest mean rise over the largest model
 * @param overLargestLow lower bound of its 95% interval
 * @param overLargestHigh upper bound
 * @param verdict what the intervals allow one to say
 * @param bySeed each seed's rises (seeds in ascending order), also where the mean curve has no
 *     peak; seeds that lack a size their rises need are left out
 */
public record PairedRise(Curve largest, int seeds, double overMin, double overMinLow,
    double overMinHigh, double overLargest, double overLargestLow, double overLargestHigh,
    Verdict verdict, List<SeedRise> bySeed) {

  public PairedRise {
    bySeed = List.copyOf(bySeed);
  }

  /**
   * One seed's rises, measured where the other seeds' mean curve puts the peak and the classical
   * minimum.
   *
   * @param seed the run seed
   * @param overMin its test error at the peak minus at the minimum (0 where that curve has no
   *     peak; where it has no size below the peak)
   * @param overLargest its test error at the peak minus at the largest size (0 likewise)
   */
  public record SeedRise(long seed, double overMin, double overLargest) {}
  /** Seeds needed to claim double descent. */
  public static final int CLAIM_SEEDS = 5;

  /** What a series' paired rises allow one to say. */
  public enum Verdict {
    /** Both rises' 95% lower bounds above 0, with at least {@link #CLAIM_SEEDS} seeds. */
    DOUBLE_DESCENT("double descent"),
    /** A rise's 95% interval reaches 0 or below. */
    WITHIN_NOISE("within noise"),
    /** Both lower bounds above 0, but with 2 to {@link #CLAIM_SEEDS} - 1 seeds. */
    TOO_FEW_SEEDS("too few seeds"),
    /** One seed: the rises are single differences, without an interval. */
    ONE_SEED("one seed"),
    /** No seed measured at every size its rises need. */
    UNPAIRED("unpaired"),
    /** The mean curve has no peak with a smaller size below it and a larger one above. */
    NO_PEAK("no peak");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    /** The value of the double_descent table's {@code verdict} column. */
    public String label() {
      return label;
    }
  }

  /** Whether double descent is claimed. */
  public boolean claimed() {
    return verdict == Verdict.DOUBLE_DESCENT;
  }

  /**
   * The paired rises of one finding.
   *
   * @param m the finding on the mean curve (threshold, peak and minimum located there)
   * @param values the series' seeds' own values at its measured sizes (the sizes {@code m} was
   *     located on); seeds and sizes missing are left out
   * @param seed the bootstrap's seed
   */
  static PairedRise of(DoubleDescent.ModelWise m, SeedCurves values, long seed) {
    List<Curve> sizes = values.sizes();
    Curve largest = sizes.get(sizes.size() - 1);
    List<SeedRise> rises = seedRises(m, values);
    if (m.threshold() == null || m.classicalMin() == null
        || m.peak().cell().params() == largest.cell().params()) {
      return new PairedRise(largest, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Verdict.NO_PEAK, rises);
    }
    int used = rises.size();
    if (used == 0) {
      return new PairedRise(largest, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Verdict.UNPAIRED, rises);
    }
    double[] d = rises.stream().mapToDouble(SeedRise::overMin).toArray();
    double[] e = rises.stream().mapToDouble(SeedRise::overLargest).toArray();
    double overMin = mean(d);
    double overLargest = mean(e);
    if (used == 1) {
      return new PairedRise(largest, 1, overMin, Double.NaN, Double.NaN, overLargest,
          Double.NaN, Double.NaN, Verdict.ONE_SEED, rises);
    }
    double[][] ci = SeedBootstrap.meanIntervals(seed, d, e);
    double[] minCi = ci[0];
    double[] largestCi = ci[1];
    boolean above = minCi[0] > 0 && largestCi[0] > 0;
    Verdict v = !above ? Verdict.WITHIN_NOISE
        : used >= CLAIM_SEEDS ? Verdict.DOUBLE_DESCENT : Verdict.TOO_FEW_SEEDS;
    return new PairedRise(largest, used, overMin, minCi[0], minCi[1], overLargest,
        largestCi[0], largestCi[1], v, rises);
  }

  /**
   * Each seed's rises, measured where the other seeds' mean curve puts the peak and minimum
   * (one seed: where its own curve does, the finding's); 0 where that curve has none. A seed
   * that lacks a size its rises need is left out.
   */
  private static List<SeedRise> seedRises(DoubleDescent.ModelWise m, SeedCurves values) {
    int n = values.seedCount();
    double[][] r;
    if (n == 1) {
      // No other seed to locate on: the single seed's differences at the mean curve's places.
      r = new double[3][1];
      int p = m.threshold() == null ? -1 : values.sizeIndex(m.peak().cell().params());
      int a = m.classicalMin() == null ? p : values.sizeIndex(m.classicalMin().cell().params());
      rise(values.testErrors(0), p, a, values.sizes().size() - 1, r, 0);
    } else {
      // Each fold's sums taken afresh (not the total less the seed): the folds' curves are
      // exactly the means of their seeds.
      r = new double[3][n];
      int[] all = new int[n];
      java.util.Arrays.fill(all, 1);
      SeedCurves.Scratch scratch = values.new Scratch();
      for (int s = 0; s < n; s++) {
        values.places(all, s, m.epsilon(), scratch);
        int[] at = scratch.places;
        int p = at[0] < 0 ? -1 : at[1];
        rise(values.testErrors(s), p, at[2] < 0 ? p : at[2], values.sizes().size() - 1, r, s);
      }
    }
    List<SeedRise> out = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      if (!Double.isNaN(r[0][s])) {
        out.add(new SeedRise(values.seed(s), r[0][s], r[1][s]));
      }
    }
    return out;
  }

  /**
   * Each seed's rises with the seeds weighted (one left out of its own locations, a bootstrap
   * resample): {over the minimum, over the largest, test error at the peak}, each by seed of
   * {@code v}, measured where the mean curve of the other seeds of positive weight puts the peak
   * and minimum (a seed with no other: where its own curve does). Rises are 0 where that curve
   * has no peak (the test error then NaN); all three NaN for a seed of weight 0 or one that lacks
   * a size its rises need.
   */
  static double[][] rises(SeedCurves v, int[] weights, double eps) {
    double[][] out = new double[3][v.seedCount()];
    rises(v, weights, eps, out, v.new Scratch());
    return out;
  }

  /** {@link #rises(SeedCurves, int[], double)} into {@code out}, with no allocation. */
  static void rises(SeedCurves v, int[] weights, double eps, double[][] out,
      SeedCurves.Scratch scratch) {
    int n = v.seedCount();
    int last = v.sizes().size() - 1;
    v.foldPlaces(weights, eps, scratch, scratch.folds);
    for (int s = 0; s < n; s++) {
      if (weights[s] == 0) {
        out[0][s] = out[1][s] = out[2][s] = Double.NaN;
        continue;
      }
      int[] at = scratch.folds[s];
      int p = at[0] < 0 ? -1 : at[1];
      rise(v.testErrors(s), p, at[2] < 0 ? p : at[2], last, out, s);
    }
  }

  /**
   * One seed's (rise over the minimum, rise over the largest, test error at the peak) at peak
   * {@code p} and minimum {@code a} (-1: its curve has no peak, both rises 0), into column
   * {@code s} of {@code out}; NaN if the seed lacks a size they need.
   */
  private static void rise(double[] te, int p, int a, int last, double[][] out, int s) {
    if (Double.isNaN(te[last]) || (p >= 0 && (Double.isNaN(te[p]) || Double.isNaN(te[a])))) {
      out[0][s] = out[1][s] = out[2][s] = Double.NaN;
    } else if (p < 0) {
      out[0][s] = 0;
      out[1][s] = 0;
      out[2][s] = Double.NaN;
    } else {
      out[0][s] = te[p] - te[a];
      out[1][s] = te[p] - te[last];
      out[2][s] = te[p];
    }
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }
}
