package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The paired bootstrap on the driver alone, over many simulated experiments: how often it claims
 * double descent on a flat curve (the selection effect it must not fall for) and on a real
 * peak. Curves and seed values are built as {@link Curves} and {@link SeedFinals} would give
 * them, then located by {@link DoubleDescent#modelWise(List, List, long)}.
 */
class PairedRiseTest {
  /** The quickstart's widths; parameters as its 784-w-10 MLP has. */
  static final int[] WIDTHS = {4, 8, 16, 32, 48, 64, 96, 128, 256, 512, 1024};
  /** Mean final train error per width: first at most 0.01 at width 256, as measured there. */
  static final double[] TRAIN = {0.43, 0.24, 0.17, 0.10, 0.08, 0.034, 0.0155, 0.0115, 0.002, 0,
      0};
  /** The quickstart's measured mean test error (two seeds): peak at 64, 0.031 above 1024. */
  static final double[] PEAK = {0.4245, 0.2538, 0.2453, 0.2543, 0.2625, 0.2837, 0.276, 0.2733,
      0.265, 0.259, 0.2525};
  static final double SEED_SD = 0.01;
  static final double NOISE_SD = 0.008;

  /** One simulated experiment's model-wise finding at ε = 0.01. */
  static DoubleDescent.ModelWise simulate(double[] mean, int seeds, SplittableRandom rng,
      long bootstrapSeed) {
    return finding(testErrors(mean, seeds, rng), TRAIN, bootstrapSeed);
  }

  /** Per-seed final test errors {@code [seed][width]}: mean, a seed offset, and noise. */
  static double[][] testErrors(double[] mean, int seeds, SplittableRandom rng) {
    double[][] te = new double[seeds][WIDTHS.length];
    for (int s = 0; s < seeds; s++) {
      double offset = SEED_SD * gaussian(rng);
      for (int i = 0; i < WIDTHS.length; i++) {
        te[s][i] = mean[i] + offset + NOISE_SD * gaussian(rng);
      }
    }
    return te;
  }

  /** The finding at ε = 0.01 of one series with per-seed test errors {@code te[seed][width]}. */
  static DoubleDescent.ModelWise finding(double[][] te, double[] train, long bootstrapSeed) {
    List<Curve> curves = new ArrayList<>();
    List<SeedFinals.Final> finals = new ArrayList<>();
    for (int i = 0; i < WIDTHS.length; i++) {
      Cell cell = new Cell("sim", "", 0.2, 0, 0, 1000, 1, WIDTHS[i], 795L * WIDTHS[i] + 10);
      double sum = 0;
      double sq = 0;
      for (int s = 0; s < te.length; s++) {
        finals.add(new SeedFinals.Final(cell, s, train[i], te[s][i], 1.0));
        sum += te[s][i];
        sq += te[s][i] * te[s][i];
      }
      int n = te.length;
      double mean = sum / n;
      double sd = n > 1 ? Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1))) : Double.NaN;
      SeedMean none = new SeedMean(Double.NaN, Double.NaN, 0);
      curves.add(new Curve(cell, n, 0, 2, none, SeedMean.of(train[i], 0, n),
          SeedMean.of(1.0, 0, n), SeedMean.of(mean, sd, n), 2, none, none, none, none));
    }
    return DoubleDescent.modelWise(curves, finals, bootstrapSeed).stream()
        .filter(m -> m.epsilon() == DoubleDescent.PRIMARY_EPSILON).findFirst().orElseThrow();
  }

  static double gaussian(SplittableRandom rng) {
    // Box-Muller: SplittableRandom has no nextGaussian before Java 17's RandomGenerator default.
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI
        * rng.nextDouble());
  }

  /**
   * Over {@code trials} simulated experiments: the share whose two lower bounds are both above
   * 0, the share whose verdict claims double descent, and the share whose lower bounds would
   * both be above 0 had every seed been measured where the full mean curve puts the peak and
   * minimum (the same interval, without leaving the seed out).
   */
  static double[] rates(double[] mean, int seeds, int trials) {
    SplittableRandom rng = new SplittableRandom(7);
    int above = 0;
    int claimed = 0;
    int sameSeeds = 0;
    for (int t = 0; t < trials; t++) {
      double[][] te = testErrors(mean, seeds, rng);
      DoubleDescent.ModelWise m = finding(te, TRAIN, t);
      PairedRise p = m.paired();
      above += p.overMinLow() > 0 && p.overLargestLow() > 0 ? 1 : 0;
      claimed += p.claimed() ? 1 : 0;
      if (p.verdict() != PairedRise.Verdict.NO_PEAK) {
        int k = java.util.Arrays.binarySearch(WIDTHS, m.peak().cell().width());
        int a = java.util.Arrays.binarySearch(WIDTHS, m.classicalMin().cell().width());
        double[] d = new double[seeds];
        double[] e = new double[seeds];
        for (int s = 0; s < seeds; s++) {
          d[s] = te[s][k] - te[s][a];
          e[s] = te[s][k] - te[s][WIDTHS.length - 1];
        }
        double[][] ci = SeedBootstrap.meanIntervals(t, d, e);
        sameSeeds += ci[0][0] > 0 && ci[1][0] > 0 ? 1 : 0;
      }
    }
    return new double[] {(double) above / trials, (double) claimed / trials,
        (double) sameSeeds / trials};
  }

  @Test
  void aFlatNoisyCurveIsRarelyClaimedThoughItsMeanCurveAlwaysHasAPeak() {
    double[] flat = new double[WIDTHS.length];
    java.util.Arrays.fill(flat, 0.25);
    // The mean curve of a flat noisy series has a highest point in the window and a lower one
    // below it: the unpaired, same-seed reading would call most of them double descent.
    SplittableRandom rng = new SplittableRandom(3);
    int meanCurvePeaks = 0;
    for (int t = 0; t < 200; t++) {
      if (simulate(flat, 5, rng, t).doubleDescent()) {
        meanCurvePeaks++;
      }
    }
    assertThat(meanCurvePeaks).as("flat curves with a peak on the mean curve").isGreaterThan(100);
    StringBuilder rates = new StringBuilder();
    java.util.Map<Integer, double[]> byN = new java.util.TreeMap<>();
    for (int n : new int[] {2, 3, 4, 5, 8}) {
      double[] r = rates(flat, n, 300);
      byN.put(n, r);
      rates.append(String.format(Locale.ROOT, "%n  %2d seeds: both lower bounds > 0 in %.3f, "
          + "claimed in %.3f; measured where all seeds put the peak: %.3f", n, r[0], r[1],
          r[2]));
    }
    System.out.println("PairedRiseTest: flat curve, 300 trials each:" + rates);
    byN.forEach((n, r) -> {
      if (n < PairedRise.CLAIM_SEEDS) {
        assertThat(r[1]).isZero();
      } else {
        assertThat(r[1]).as("flat curves claimed with %d seeds", n).isLessThanOrEqualTo(0.05);
      }
      // The selection effect that leaving the seed out removes.
      assertThat(r[2]).as("same-seed locations, %d seeds", n).isGreaterThan(r[0]);
    });
  }

  @Test
  void theQuickstartsPeakIsClaimedWithFiveSeeds() {
    StringBuilder rates = new StringBuilder();
    for (int n : new int[] {2, 5}) {
      double[] r = rates(PEAK, n, 100);
      rates.append(String.format(Locale.ROOT, "%n  %2d seeds: both lower bounds > 0 in %.3f, "
          + "claimed in %.3f", n, r[0], r[1]));
      if (n >= PairedRise.CLAIM_SEEDS) {
        assertThat(r[1]).as("claimed with %d seeds", n).isGreaterThan(0.95);
      }
    }
    System.out.println("PairedRiseTest: the quickstart's curve, 100 trials each:" + rates);
  }

  @Test
  void identicalSeedsGiveADegenerateIntervalAtTheExactRise() {
    double[][] te = new double[6][];
    for (int s = 0; s < te.length; s++) {
      te[s] = PEAK.clone();
      for (int i = 0; i < te[s].length; i++) {
        te[s][i] += 0.01 * s; // a seed offset shared by every width: cancels in each difference
      }
    }
    PairedRise p = finding(te, TRAIN, 0).paired();
    assertThat(p.seeds()).isEqualTo(6);
    assertThat(p.overMin()).isCloseTo(0.2837 - 0.2453, within(1e-12));
    assertThat(p.overMinLow()).isCloseTo(p.overMin(), within(1e-12));
    assertThat(p.overMinHigh()).isCloseTo(p.overMin(), within(1e-12));
    assertThat(p.overLargest()).isCloseTo(0.2837 - 0.2525, within(1e-12));
    assertThat(p.largest().cell().width()).isEqualTo(1024);
    assertThat(p.verdict()).isEqualTo(PairedRise.Verdict.DOUBLE_DESCENT);
  }

  @Test
  void theSameDataAndSeedGiveTheSameInterval() {
    DoubleDescent.ModelWise a = simulate(PEAK, 10, new SplittableRandom(11), 0);
    DoubleDescent.ModelWise b = simulate(PEAK, 10, new SplittableRandom(11), 0);
    DoubleDescent.ModelWise c = simulate(PEAK, 10, new SplittableRandom(11), 1);
    assertThat(a.paired()).isEqualTo(b.paired());
    assertThat(c.paired().overMin()).isEqualTo(a.paired().overMin());
    assertThat(c.paired().overMinLow()).isNotEqualTo(a.paired().overMinLow());
  }
}
