package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.analysis.SyntheticMetrics.Run;
import org.overparam.report.Report;
import org.overparam.testing.TestSpark;

/**
 * The double_descent table's paired rises, from metrics tables whose answers are known, through
 * the whole analysis on a real local[2] Spark: each seed's own final values read back from
 * Parquet, the peak located on the mean curve, the rises paired over seeds with a bootstrap
 * interval, the verdict, and the one sentence the analysis prints and the report shows.
 */
class DoubleDescentTest {
  static final int[] WIDTHS = {2, 4, 8, 16, 32, 64, 128};
  /** Mean final train error: first 0 at width 16, the threshold. */
  static final double[] TRAIN = {0.5, 0.3, 0.03, 0, 0, 0, 0};
  /** A clear peak: minimum 0.30 at width 4, peak 0.45 at 16, 0.20 at the largest, 128. */
  static final double[] PEAK = {0.40, 0.30, 0.35, 0.45, 0.33, 0.25, 0.20};
  /** No peak at all: every width has the same expected test error. */
  static final double[] FLAT = {0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30};
  /** A small peak: 0.04 above the minimum at width 4 and 0.05 above the largest. */
  static final double[] SMALL = {0.40, 0.30, 0.32, 0.34, 0.31, 0.30, 0.29};
  /** Six seeds' offsets, each shared by all of a seed's widths (a seed's subset and flips). */
  static final double[] OFFSETS = {-0.06, -0.03, -0.01, 0.01, 0.03, 0.06};

  @TempDir
  static Path tmp;
  static String results;
  static String printed;

  @BeforeAll
  static void analyse() {
    SparkSession spark = TestSpark.get();
    SyntheticMetrics s = new SyntheticMetrics();
    // A clear peak over six seeds: seed offsets of ±0.06 and independent noise of sd 0.005.
    series(s, "peak", PEAK, 6, 0.2, 0.005, false, 1);
    // A flat curve, same seeds, independent noise of sd 0.02: its mean curve still has a
    // highest point in the window and a lower one below it.
    series(s, "flat", FLAT, 6, 0.2, 0.02, false, 2);
    // The clear peak with one seed, and with three.
    series(s, "one", PEAK, 1, 0.2, 0.005, false, 3);
    series(s, "few", PEAK, 3, 0.2, 0.005, false, 4);
    // A small peak under large seed offsets: paired, and with the seed labels rotated at each
    // width so that no width shares a seed's offset with another (the same values per width).
    series(s, "paired", SMALL, 6, 1, 0.003, false, 5);
    series(s, "unpaired", SMALL, 6, 1, 0.003, true, 5);
    // Five seeds of the clear peak and a sixth that completed every width but the peak's, where
    // it diverged after one epoch.
    series(s, "diverged", PEAK, 5, 0.2, 0.005, false, 6);
    for (int i = 0; i < WIDTHS.length; i++) {
      Run r = new Run("diverged", 0.2, 0, 0, 1000, 1, WIDTHS[i], 100L * WIDTHS[i], 5);
      boolean peak = WIDTHS[i] == 16;
      s.epoch(r, 1, 2, 2, 0.6, 2, 0.6, peak ? "diverged" : "completed");
      if (!peak) {
        s.epoch(r, 2, 2, 2 * TRAIN[i], TRAIN[i], 1 + PEAK[i], PEAK[i], "completed");
      }
      s.run(r, peak ? "diverged" : "completed", peak ? "train loss NaN at epoch 2" : "");
    }
    s.write(spark, tmp);
    results = tmp.toString();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Analysis.run(spark, Inputs.check(results, null, null), new Analysis.Options(0, 0),
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    printed = buf.toString(StandardCharsets.UTF_8);
  }

  /**
   * One model-wise series: each seed's final test error at each width is {@code mean} plus
   * the seed's offset ({@code offsetScale} x {@link #OFFSETS}) plus independent noise of sd
   * {@code noise}; {@code rotate} gives seed s at width i the value of seed (s + i) mod n, so
   * every width holds the same values but no two widths share a seed's offset.
   */
  static void series(SyntheticMetrics s, String experiment, double[] mean, int seeds,
      double offsetScale, double noise, boolean rotate, long rngSeed) {
    SplittableRandom rng = new SplittableRandom(rngSeed);
    double[][] te = new double[WIDTHS.length][seeds];
    for (int i = 0; i < WIDTHS.length; i++) {
      for (int o = 0; o < seeds; o++) {
        double offset = seeds == 1 ? 0 : offsetScale * OFFSETS[o * OFFSETS.length / seeds];
        te[i][o] = mean[i] + offset + noise * PairedRiseTest.gaussian(rng);
      }
    }
    for (int i = 0; i < WIDTHS.length; i++) {
      for (int seed = 0; seed < seeds; seed++) {
        double v = te[i][rotate ? (seed + i) % seeds : seed];
        Run r = new Run(experiment, 0.2, 0, 0, 1000, 1, WIDTHS[i], 100L * WIDTHS[i], seed);
        s.epoch(r, 1, 2, 2, 0.6, 2, 0.6, "completed");
        s.epoch(r, 2, 2, 2 * TRAIN[i], TRAIN[i], 1 + v, v, "completed");
        s.run(r, "completed", "");
      }
    }
  }

  static Row dd(String experiment) {
    List<Row> rows = TestSpark.get().read().parquet(results + "/analysis/double_descent")
        .filter("experiment = '" + experiment + "' and epsilon = 0.01").collectAsList();
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void aClearPeaksIntervalExcludesZeroAndHoldsTheTrueRise() {
    Row r = dd("peak");
    assertThat(r.<Long>getAs("peak_params")).isEqualTo(1600L);
    assertThat(r.<Long>getAs("classical_min_params")).isEqualTo(400L);
    assertThat(r.<Integer>getAs("largest_width")).isEqualTo(128);
    assertThat(r.<Long>getAs("largest_params")).isEqualTo(12800L);
    assertThat(r.<Integer>getAs("seeds")).isEqualTo(6);
    // True rises 0.15 and 0.25; with noise of sd 0.005 per run the intervals are ~±0.01.
    assertThat(r.<Double>getAs("rise_over_min_lo")).isPositive().isLessThan(0.15);
    assertThat(r.<Double>getAs("rise_over_min_hi")).isGreaterThan(0.15).isLessThan(0.17);
    assertThat(r.<Double>getAs("rise_over_min")).isCloseTo(0.15, within(0.01));
    assertThat(r.<Double>getAs("rise_over_largest_lo")).isPositive().isLessThan(0.25);
    assertThat(r.<Double>getAs("rise_over_largest_hi")).isGreaterThan(0.25);
    // Every fold finds the full curve's peak and minimum: the paired mean is the difference of
    // the means there.
    assertThat(r.<Double>getAs("rise_over_min")).isCloseTo(r.<Double>getAs("peak_height"),
        within(1e-12));
    assertThat(r.<String>getAs("verdict")).isEqualTo("double descent");
    assertThat(printed).contains("paired over 6 seeds the peak rises "
        + String.format(java.util.Locale.ROOT, "%.4f", r.<Double>getAs("rise_over_min")))
        .contains("(width 128): double descent, both 95% intervals above 0.")
        .contains("claimed by the paired bootstrap over seeds in 1");
  }

  @Test
  void aFlatCurvesMeanPeakIsNotClaimed() {
    Row r = dd("flat");
    // The mean curve shows a "peak": the highest of noisy points, above the lowest below it.
    assertThat(r.<Boolean>getAs("double_descent")).isTrue();
    assertThat(r.<Double>getAs("peak_height")).isPositive();
    assertThat(r.<String>getAs("verdict")).isEqualTo("within noise");
    assertThat(Math.min(r.<Double>getAs("rise_over_min_lo"),
        r.<Double>getAs("rise_over_largest_lo"))).isLessThanOrEqualTo(0);
    // Measured where the other seeds put the peak, the rise is smaller than the mean curve's.
    assertThat(r.<Double>getAs("rise_over_min")).isLessThan(r.<Double>getAs("peak_height"));
    assertThat(printed).contains("no double descent claimed, a 95% interval reaches 0.");
  }

  @Test
  void oneSeedHasNoIntervalAndClaimsNothing() {
    Row r = dd("one");
    assertThat(r.<Integer>getAs("seeds")).isEqualTo(1);
    assertThat(r.<String>getAs("verdict")).isEqualTo("one seed");
    assertThat(r.<Double>getAs("rise_over_min")).isCloseTo(r.<Double>getAs("peak_height"),
        within(1e-12));
    assertThat(r.<Object>getAs("rise_over_min_lo")).isNull();
    assertThat(r.<Object>getAs("rise_over_min_hi")).isNull();
    assertThat(r.<Object>getAs("rise_over_largest_lo")).isNull();
    assertThat(r.<Object>getAs("rise_over_largest_hi")).isNull();
    assertThat(printed).contains("; one seed: the peak rises ").contains("without an interval: "
        + "no double descent claimed.");
  }

  @Test
  void threeSeedsThatAgreeAreTooFewToClaim() {
    Row r = dd("few");
    assertThat(r.<Integer>getAs("seeds")).isEqualTo(3);
    assertThat(r.<Double>getAs("rise_over_min_lo")).isPositive();
    assertThat(r.<Double>getAs("rise_over_largest_lo")).isPositive();
    assertThat(r.<String>getAs("verdict")).isEqualTo("too few seeds");
    assertThat(printed).contains("3 seeds are too few to claim double descent (5 needed).");
  }

  @Test
  void aSeedThatDivergedAtThePeakIsLeftOutOfThePairs() {
    Row r = dd("diverged");
    assertThat(r.<Long>getAs("peak_params")).isEqualTo(1600L);
    assertThat(r.<Integer>getAs("seeds")).isEqualTo(5);
    assertThat(r.<String>getAs("verdict")).isEqualTo("double descent");
    Row peak = TestSpark.get().read().parquet(results + "/analysis/curves")
        .filter("experiment = 'diverged' and width = 16").collectAsList().get(0);
    assertThat(peak.<Long>getAs("seeds")).isEqualTo(5);
    assertThat(peak.<Long>getAs("diverged")).isEqualTo(1);
  }

  @Test
  void pairingBySeedNarrowsTheIntervalAgainstUnpairedNoise() {
    Row paired = dd("paired");
    Row unpaired = dd("unpaired");
    // Each width holds the same values in both: the mean curves and their intervals agree ...
    for (String c : List.of("peak_params", "classical_min_params", "beyond_ci")) {
      assertThat(paired.<Object>getAs(c)).as(c).isEqualTo(unpaired.<Object>getAs(c));
    }
    for (String c : List.of("peak_test_error", "peak_test_error_ci95",
        "classical_min_test_error", "classical_min_test_error_ci95")) {
      assertThat(paired.<Double>getAs(c)).as(c).isCloseTo(unpaired.<Double>getAs(c),
          within(1e-12));
    }
    // ... and the per-width 95% intervals (seed offsets of ±0.06) overlap.
    assertThat(paired.<Boolean>getAs("beyond_ci")).isFalse();
    // Paired, the offsets cancel: a narrow interval above 0. Unpaired, they do not.
    double pw = paired.<Double>getAs("rise_over_min_hi") - paired.<Double>getAs("rise_over_min_lo");
    double uw = unpaired.<Double>getAs("rise_over_min_hi")
        - unpaired.<Double>getAs("rise_over_min_lo");
    assertThat(pw).isLessThan(uw / 5);
    assertThat(paired.<String>getAs("verdict")).isEqualTo("double descent");
    assertThat(unpaired.<String>getAs("verdict")).isEqualTo("within noise");
  }

  @Test
  void theReportShowsTheSentenceTheAnalysisPrinted() throws Exception {
    SparkSession spark = TestSpark.get();
    Report.write(spark, results, Report.check(results, "peak"), new PrintStream(
        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String html = Files.readString(tmp.resolve("report/peak/index.html"));
    String line = printed.lines().filter(l -> l.startsWith("overparam: analyze: peak: noise "))
        .findFirst().orElseThrow();
    String sentence = line.substring("overparam: analyze: peak: ".length());
    assertThat(html).contains("<li>" + sentence.replace("&", "&amp;").replace("<", "&lt;")
        .replace(">", "&gt;") + "</li>");
  }
}
