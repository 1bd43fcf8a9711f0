package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.overparam.analysis.LeverEffects.Comparison;
import org.overparam.analysis.LeverEffects.Effect;

/**
 * Lever comparisons on the driver alone, from curves and seed values built as {@link Curves}
 * and {@link SeedFinals} would give them: peaks of known height compared exactly, the verdict's
 * rule, how often flat curves are said to change, and which configurations are one lever apart.
 */
class LeverEffectsTest {
  static final int[] WIDTHS = {2, 4, 8, 16, 32, 64, 128};
  /** Mean final train error: first 0 at width 16 (1,600 parameters), the threshold. */
  static final double[] TRAIN = {0.5, 0.3, 0.03, 0, 0, 0, 0};
  /** Peak 0.45 at width 16, classical minimum 0.30 at width 4: height 0.15. */
  static final double[] PEAK = {0.40, 0.30, 0.35, 0.45, 0.33, 0.25, 0.20};
  /** The same places, peak 0.36: height 0.06. */
  static final double[] LOW = {0.40, 0.30, 0.33, 0.36, 0.30, 0.25, 0.20};
  static final double[] FLAT = {0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30};
  /** Six seeds' offsets, each shared by all of a seed's widths and settings. */
  static final double[] OFFSETS = {-0.06, -0.03, -0.01, 0.01, 0.03, 0.06};

  /** One setting: its configuration, weight decay, seeds and test errors te[seed][width]. */
  record Series(String config, double weightDecay, long[] seeds, double[][] te) {}

  /** Test errors of {@code mean} for seeds 0..n-1: the seed's offset plus noise of sd. */
  static double[][] errors(double[] mean, int n, double[] offsets, double sd,
      SplittableRandom rng) {
    double[][] te = new double[n][mean.length];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < mean.length; i++) {
        te[s][i] = mean[i] + offsets[s] + (sd == 0 ? 0 : sd * PairedRiseTest.gaussian(rng));
      }
    }
    return te;
  }

  static long[] seeds(long from, int n) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = from + i;
    }
    return s;
  }

  /** The settings' peaks, located and bootstrapped as the analysis does. */
  static List<SettingPeak> peaks(Series... series) {
    return SettingPeak.of(findings(WIDTHS, TRAIN, series), 0);
  }

  /**
   * The settings' findings at the primary ε, with their seeds' values and paired rises, on a
   * grid of {@code widths} (100 parameters per unit) of mean train error {@code train}.
   */
  static List<DoubleDescent.ModelWise> findings(int[] widths, double[] train,
      Series... series) {
    List<Curve> curves = new ArrayList<>();
    List<SeedFinals.Final> finals = new ArrayList<>();
    for (Series x : series) {
      for (int i = 0; i < widths.length; i++) {
        Cell cell = new Cell("lev", x.config(), 0.2, x.weightDecay(), 0, 1000, 1, widths[i],
            100L * widths[i]);
        double sum = 0;
        double sq = 0;
        int n = x.te().length;
        for (int s = 0; s < n; s++) {
          finals.add(new SeedFinals.Final(cell, x.seeds()[s], train[i], x.te()[s][i], 1.0));
          sum += x.te()[s][i];
          sq += x.te()[s][i] * x.te()[s][i];
        }
        double mean = sum / n;
        double sd = n > 1 ? Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1))) : 0;
        SeedMean none = new SeedMean(Double.NaN, Double.NaN, 0);
        curves.add(new Curve(cell, n, 0, 2, none, SeedMean.of(train[i], 0, n),
            SeedMean.of(1.0, 0, n), SeedMean.of(mean, sd, n), 2, none, none, none, none));
      }
    }
    return DoubleDescent.modelWise(curves, finals, 0).stream()
        .filter(m -> m.epsilon() == DoubleDescent.PRIMARY_EPSILON).toList();
  }

  static List<Comparison> compare(Series... series) {
    return LeverEffects.of(peaks(series), Map.of(), 0);
  }

  @Test
  void peaksOfKnownHeightAreComparedExactlySeedBySeed() {
    Series base = new Series("c", 0, seeds(0, 6), errors(PEAK, 6, OFFSETS, 0, null));
    Series wd = new Series("c", 0.01, seeds(0, 6), errors(LOW, 6, OFFSETS, 0, null));
    List<SettingPeak> peaks = peaks(base, wd);
    // Each seed's offset is shared by its widths: every seed's height is the curve's own.
    assertThat(peaks.get(0).height()).isCloseTo(0.15, within(1e-12));
    assertThat(peaks.get(1).height()).isCloseTo(0.06, within(1e-12));
    assertThat(peaks.get(0).heightLow()).isCloseTo(0.15, within(1e-12));
    assertThat(peaks.get(0).heightHigh()).isCloseTo(0.15, within(1e-12));
    assertThat(peaks.get(0).peakLow()).isEqualTo(1600);
    assertThat(peaks.get(0).peakHigh()).isEqualTo(1600);
    Row row = SettingPeak.row(peaks.get(1));
    assertThat(row.<Double>getAs("paired_height")).isCloseTo(0.06, within(1e-12));
    assertThat(row.<Long>getAs("peak_params_lo")).isEqualTo(1600L);
    assertThat(row.<Integer>getAs("seeds")).isEqualTo(6);
    assertThat(row.<String>getAs("verdict")).isEqualTo("double descent");

    List<Comparison> c = LeverEffects.of(peaks, Map.of(), 0);
    assertThat(c).hasSize(1);
    Comparison x = c.get(0);
    assertThat(x.lever()).isEqualTo("weight_decay");
    assertThat(x.value()).isEqualTo("0.01");
    assertThat(x.baselineValue()).isEqualTo("0");
    assertThat(x.paired()).isTrue();
    assertThat(x.seeds()).isEqualTo(6);
    assertThat(x.heightChange()).isCloseTo(-0.09, within(1e-12));
    assertThat(x.heightChangeLow()).isCloseTo(-0.09, within(1e-12));
    assertThat(x.heightChangeHigh()).isCloseTo(-0.09, within(1e-12));
    assertThat(x.peakErrorChange()).isCloseTo(0.36 - 0.45, within(1e-12));
    assertThat(x.peakShift()).isEqualTo(1.0);
    assertThat(x.peakShiftLow()).isEqualTo(1.0);
    assertThat(x.peakShiftHigh()).isEqualTo(1.0);
    assertThat(x.effect()).isEqualTo(Effect.LOWER);
    assertThat(LeverSentence.line(x)).isEqualTo("weight_decay 0.01 lowered the peak by 0.0900 "
        + "[0.0900, 0.0900] against weight_decay 0 (paired over 6 seeds; noise 0.2, dropout 0, "
        + "1,000 training examples, depth 1); peak at 1,600 parameters vs 1,600 (x1.00 [1.00, "
        + "1.00]).");
  }

  @Test
  void aNoisyLowerPeakIsCoveredByItsIntervalAndTheSeedsAreOnlyPairedWhenShared() {
    SplittableRandom rng = new SplittableRandom(5);
    Series base = new Series("c", 0, seeds(0, 6), errors(PEAK, 6, OFFSETS, 0.01, rng));
    Series wd = new Series("c", 0.01, seeds(0, 6), errors(LOW, 6, OFFSETS, 0.01, rng));
    Comparison x = compare(base, wd).get(0);
    assertThat(x.heightChangeLow()).isLessThan(-0.09);
    assertThat(x.heightChangeHigh()).isGreaterThan(-0.09).isLessThan(0);
    assertThat(x.effect()).isEqualTo(Effect.LOWER);
    // Other seeds' runs: the two sides are resampled apart, and the interval is wider.
    Series apart = new Series("c", 0.01, seeds(10, 6), wd.te());
    Comparison u = compare(base, apart).get(0);
    assertThat(u.paired()).isFalse();
    assertThat(u.heightChange()).isCloseTo(x.heightChange(), within(1e-12));
    assertThat(u.heightChangeHigh() - u.heightChangeLow())
        .isGreaterThan(x.heightChangeHigh() - x.heightChangeLow());
    assertThat(LeverSentence.line(u)).contains("(6 and 6 seeds, unpaired; ");
    // One seed on a side: a difference without an interval.
    Series one = new Series("c", 0.01, seeds(0, 1), new double[][] {wd.te()[0]});
    Comparison o = compare(base, one).get(0);
    assertThat(o.effect()).isEqualTo(Effect.ONE_SEED);
    assertThat(o.heightChangeLow()).isNaN();
  }

  @Test
  void analyzeSaysEachComparisonInALineNamingTheConfigurationOfAGridLever() {
    double[][] te = errors(PEAK, 3, OFFSETS, 0, null);
    List<Comparison> c = compare(new Series("c1", 0, seeds(0, 3), te),
        new Series("c1", 0.01, seeds(0, 3), te), new Series("c2", 0, seeds(0, 3), te),
        new Series("c2", 0.01, seeds(0, 3), te));
    assertThat(Analysis.leverLines("lev", c)).containsExactly(
        "lever config c1, weight_decay 0.01 against weight_decay 0: the peak height changed by "
            + "+0.0000 [+0.0000, +0.0000], no clear change (paired over 3 seeds; noise 0.2, "
            + "dropout 0, 1,000 training examples, depth 1); peak at 1,600 parameters vs 1,600 "
            + "(x1.00 [1.00, 1.00]).",
        "lever config c2, weight_decay 0.01 against weight_decay 0: the peak height changed by "
            + "+0.0000 [+0.0000, +0.0000], no clear change (paired over 3 seeds; noise 0.2, "
            + "dropout 0, 1,000 training examples, depth 1); peak at 1,600 parameters vs 1,600 "
            + "(x1.00 [1.00, 1.00]).");
    assertThat(Analysis.leverLines("other", c)).isEmpty();
  }

  @Test
  void theVerdictNeedsAnIntervalClearOfZeroAndEnoughSeeds() {
    assertThat(Effect.of(6, -0.05, -0.08, -0.01, true)).isEqualTo(Effect.LOWER);
    assertThat(Effect.of(6, 0.05, 0.01, 0.08, true)).isEqualTo(Effect.HIGHER);
    assertThat(Effect.of(6, -0.05, -0.08, 0.0, true)).isEqualTo(Effect.NO_CLEAR_CHANGE);
    assertThat(Effect.of(6, 0, 0, 0, true)).isEqualTo(Effect.NO_CLEAR_CHANGE);
    assertThat(Effect.of(LeverEffects.CLAIM_SEEDS - 1, -0.05, -0.08, -0.01, true))
        .isEqualTo(Effect.TOO_FEW_SEEDS);
    assertThat(Effect.of(1, -0.05, Double.NaN, Double.NaN, true)).isEqualTo(Effect.ONE_SEED);
    assertThat(Effect.of(0, Double.NaN, Double.NaN, Double.NaN, true))
        .isEqualTo(Effect.NOT_MEASURED);
  }

  @Test
  void aRateGivenPerKindMovesWithTheKindAsOneLever() {
    // kind [sgd, adam] with learning_rate {sgd: 0.05, adam: 0.001}, crossed with batch [32, 256].
    SortedMap<String, String> sgd32 = fields("optimizer.kind", "sgd",
        "optimizer.learning_rate", "0.05", "optimizer.batch_size", "32");
    SortedMap<String, String> sgd256 = fields("optimizer.kind", "sgd",
        "optimizer.learning_rate", "0.05", "optimizer.batch_size", "256");
    SortedMap<String, String> adam32 = fields("optimizer.kind", "adam",
        "optimizer.learning_rate", "0.001", "optimizer.batch_size", "32");
    SortedMap<String, String> adam256 = fields("optimizer.kind", "adam",
        "optimizer.learning_rate", "0.001", "optimizer.batch_size", "256");
    List<SortedMap<String, String>> all = List.of(sgd32, sgd256, adam32, adam256);
    assertThat(LeverEffects.lever(sgd32, adam32, all))
        .isEqualTo("optimizer.kind + optimizer.learning_rate");
    assertThat(LeverEffects.value(sgd32, "optimizer.kind + optimizer.learning_rate"))
        .isEqualTo("sgd, 0.05");
    assertThat(LeverEffects.lever(sgd32, sgd256, all)).isEqualTo("optimizer.batch_size");
    // Three fields apart: the batch size follows neither the kind nor the rate.
    assertThat(LeverEffects.lever(sgd32, adam256, all)).isNull();
    // Rates crossed with kinds: each is a lever of its own, and the two together are none.
    SortedMap<String, String> sgdLow = fields("optimizer.kind", "sgd",
        "optimizer.learning_rate", "0.001");
    SortedMap<String, String> adamHigh = fields("optimizer.kind", "adam",
        "optimizer.learning_rate", "0.05");
    SortedMap<String, String> sgdHigh = fields("optimizer.kind", "sgd",
        "optimizer.learning_rate", "0.05");
    SortedMap<String, String> adamLow = fields("optimizer.kind", "adam",
        "optimizer.learning_rate", "0.001");
    assertThat(LeverEffects.lever(sgdLow, adamHigh, List.of(sgdLow, adamHigh, sgdHigh,
        adamLow))).isNull();

    double[][] te = errors(PEAK, 3, OFFSETS, 0, null);
    List<Comparison> c = LeverEffects.of(peaks(new Series("s32", 0, seeds(0, 3), te),
        new Series("s256", 0, seeds(0, 3), te), new Series("a32", 0, seeds(0, 3), te),
        new Series("a256", 0, seeds(0, 3), te)), Map.of("lev", Map.of("s32", sgd32, "s256",
            sgd256, "a32", adam32, "a256", adam256)), 0);
    assertThat(c).extracting(x -> x.lever() + " " + x.value() + " (" + x.setting().series()
        .config() + ") against " + x.baselineValue() + " (" + x.baseline().series().config()
        + ")").containsExactly(
            "optimizer.batch_size 256 (a256) against 32 (a32)",
            "optimizer.batch_size 256 (s256) against 32 (s32)",
            "optimizer.kind + optimizer.learning_rate sgd, 0.05 (s256) against adam, 0.001 "
                + "(a256)",
            "optimizer.kind + optimizer.learning_rate sgd, 0.05 (s32) against adam, 0.001 "
                + "(a32)");
  }

  @Test
  void noChangeIsClaimedWhereASideNeverReachesTheInterpolationThreshold() {
    // A large batch that never fits its noisy labels: train error above 0.01 at every width,
    // so its mean curve has no threshold and no peak, and its height is measured as 0.
    double[] neverFits = {0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1};
    List<DoubleDescent.ModelWise> m = new ArrayList<>(findings(WIDTHS, TRAIN,
        new Series("c", 0, seeds(0, 6), errors(PEAK, 6, OFFSETS, 0, null))));
    m.addAll(findings(WIDTHS, neverFits,
        new Series("c", 0.01, seeds(0, 6), errors(LOW, 6, OFFSETS, 0, null))));
    Comparison x = LeverEffects.of(SettingPeak.of(m, 0), Map.of(), 0).get(0);
    assertThat(x.setting().finding().threshold()).isNull();
    // The interval lies below 0 on six seeds, which would read as "lowered the peak".
    assertThat(x.heightChangeHigh()).isLessThan(0);
    assertThat(x.effect()).isEqualTo(Effect.NEVER_INTERPOLATES);
    assertThat(LeverSentence.line(x)).startsWith("weight_decay 0.01 against weight_decay 0: "
        + "the peak height changed by -0.1500 [-0.1500, -0.1500], no change claimed (paired "
        + "over 6 seeds;").endsWith("; its mean curve never reaches the interpolation "
        + "threshold.");
    assertThat(Effect.of(6, -0.05, -0.08, -0.01, false)).isEqualTo(Effect.NEVER_INTERPOLATES);
    assertThat(Effect.of(1, -0.05, Double.NaN, Double.NaN, false)).isEqualTo(Effect.ONE_SEED);
  }

  /**
   * Over {@code trials} pairs of noisy settings of {@code n} seeds whose mean test errors are
   * {@code base} and {@code other} on the quickstart's grid ({@link PairedRiseTest}'s widths,
   * train errors and noise: a seed offset shared by both settings and all widths, and
   * independent noise): the share of each effect, and the share whose interval excludes 0.
   */
  static Map<Object, Double> rates(double[] base, double[] other, int n, int trials) {
    SplittableRandom rng = new SplittableRandom(11);
    Map<Object, Double> out = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
    for (int t = 0; t < trials; t++) {
      double[] offsets = new double[n];
      for (int s = 0; s < n; s++) {
        offsets[s] = PairedRiseTest.SEED_SD * PairedRiseTest.gaussian(rng);
      }
      Series a = new Series("c", 0, seeds(0, n), errors(base, n, offsets,
          PairedRiseTest.NOISE_SD, rng));
      Series b = new Series("c", 0.01, seeds(0, n), errors(other, n, offsets,
          PairedRiseTest.NOISE_SD, rng));
      // Only the comparison's own bootstrap: the settings' intervals are not needed here.
      List<SettingPeak> p = findings(PairedRiseTest.WIDTHS, PairedRiseTest.TRAIN, a, b).stream()
          .map(m -> new SettingPeak(m, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
              Double.NaN)).toList();
      Comparison c = LeverEffects.compare("weight_decay", "0.01", "0", p.get(1), p.get(0), t);
      out.merge(c.effect(), 1.0 / trials, Double::sum);
      if (c.heightChangeLow() > 0 || c.heightChangeHigh() < 0) {
        out.merge("clear of 0", 1.0 / trials, Double::sum);
      }
    }
    return out;
  }

  @Test
  void flatCurvesAreSaidNotToChangeMostOfTheTimeAndARemovedPeakIsFound() {
    double[] flat = new double[PairedRiseTest.WIDTHS.length];
    java.util.Arrays.fill(flat, 0.25);
    // The quickstart's peak (0.038 above its classical minimum) flattened: 0.2453 from there on.
    double[] noPeak = PairedRiseTest.PEAK.clone();
    for (int i = 3; i < noPeak.length; i++) {
      noPeak[i] = 0.2453;
    }
    StringBuilder rates = new StringBuilder();
    for (int n : new int[] {LeverEffects.CLAIM_SEEDS, 5}) {
      Map<Object, Double> same = rates(flat, flat, n, 50);
      Map<Object, Double> removed = rates(PairedRiseTest.PEAK, noPeak, n, 25);
      rates.append(String.format(Locale.ROOT, "%n  %d seeds: flat %s; peak removed %s", n,
          shares(same), shares(removed)));
      assertThat(same.getOrDefault(Effect.NO_CLEAR_CHANGE, 0.0)).as("flat, %d seeds", n)
          .isGreaterThanOrEqualTo(0.9);
      assertThat(removed.getOrDefault(Effect.LOWER, 0.0)).as("peak removed, %d seeds", n)
          .isGreaterThan(0.7);
    }
    System.out.println("LeverEffectsTest: flat pairs 50 trials, removed peaks 25:" + rates);
  }

  private static String shares(Map<Object, Double> rates) {
    StringBuilder s = new StringBuilder();
    rates.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%.3f", v)));
    return s.toString();
  }

  static SortedMap<String, String> fields(String... kv) {
    SortedMap<String, String> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void configurationsOneFieldApartAreComparedAndOthersAreNot() {
    SortedMap<String, String> c1 = fields("epochs", "3", "optimizer.learning_rate", "0.01",
        "optimizer.batch_size", "128");
    SortedMap<String, String> c2 = fields("epochs", "3", "optimizer.learning_rate", "0.1",
        "optimizer.batch_size", "128");
    SortedMap<String, String> c3 = fields("epochs", "3", "optimizer.learning_rate", "0.1",
        "optimizer.batch_size", "64");
    SortedMap<String, String> c4 = fields("epochs", "3", "optimizer.learning_rate", "0.01",
        "optimizer.batch_size", "128", "augmentation.kind", "flip", "augmentation.p", "0.5");
    List<SortedMap<String, String>> all = List.of(c1, c2, c3, c4);
    assertThat(LeverEffects.lever(c1, c2, all)).isEqualTo("optimizer.learning_rate");
    assertThat(LeverEffects.lever(c1, c3, all)).isNull();
    assertThat(LeverEffects.lever(c1, c1, all)).isNull();
    assertThat(LeverEffects.lever(c1, c4, all)).isEqualTo("augmentation");
    assertThat(LeverEffects.lever(c2, c4, all)).isNull();
    assertThat(LeverEffects.value(c4, "augmentation")).isEqualTo("kind=flip, p=0.5");
    assertThat(LeverEffects.value(c1, "augmentation")).isEqualTo(LeverEffects.NONE);
    List<String> sorted = new ArrayList<>(List.of("sgd", "0.1", "1.0E-4", "(none)", "adam",
        "0.01"));
    sorted.sort(LeverEffects.VALUE_ORDER);
    assertThat(sorted).containsExactly("(none)", "1.0E-4", "0.01", "0.1", "adam", "sgd");

    double[][] te = errors(PEAK, 3, OFFSETS, 0, null);
    List<SettingPeak> peaks = peaks(new Series("c1", 0, seeds(0, 3), te),
        new Series("c2", 0, seeds(0, 3), te), new Series("c3", 0, seeds(0, 3), te),
        new Series("c4", 0, seeds(0, 3), te));
    List<Comparison> c = LeverEffects.of(peaks, Map.of("lev", Map.of("c1", c1, "c2", c2,
        "c3", c3, "c4", c4)), 0);
    assertThat(c).extracting(x -> x.lever() + " " + x.value() + " (" + x.setting().series()
        .config() + ") against " + x.baselineValue() + " (" + x.baseline().series().config()
        + ")").containsExactly(
            "augmentation kind=flip, p=0.5 (c4) against (none) (c1)",
            "optimizer.batch_size 128 (c2) against 64 (c3)",
            "optimizer.learning_rate 0.1 (c2) against 0.01 (c1)");
    // The same curves: no change, and with 3 seeds none could be claimed anyway.
    assertThat(c).allSatisfy(x -> {
      assertThat(x.heightChange()).isCloseTo(0, within(1e-12));
      assertThat(x.effect()).isEqualTo(Effect.NO_CLEAR_CHANGE);
    });
  }
}
