package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.analysis.SyntheticMetrics.Run;
import org.overparam.testing.TestSpark;

/** Analyses metrics tables whose answers are known in advance, on a real local[2] Spark. */
class AnalysisTest {
  static final int[] WIDTHS = {2, 4, 8, 16, 32, 64, 128};
  /** Final mean train error per width: reaches 0.03 at width 8 and 0 at width 16. */
  static final double[] TRAIN = {0.5, 0.3, 0.03, 0, 0, 0, 0};
  /** Final mean test error per width: classical minimum at 4, peak at 16, best at 128. */
  static final double[] TEST = {0.40, 0.30, 0.35, 0.45, 0.33, 0.25, 0.20};
  /** Final mean test loss per width: peaks at 32, not where the error does. */
  static final double[] LOSS = {0.9, 0.7, 0.8, 1.0, 1.2, 0.6, 0.5};
  /** Width 32's test error over epochs 1..10: min at 3, bump at 5, falls to 0.33. */
  static final double[] BUMP = {0.50, 0.40, 0.30, 0.36, 0.42, 0.40, 0.37, 0.35, 0.34, 0.33};
  static final double[] SEED_OFFSET = {-0.01, 0, 0.01};
  static final int EPOCHS = 10;

  @TempDir
  static Path tmp;
  static String results;
  static String printed;

  @BeforeAll
  static void analyse() {
    SparkSession spark = TestSpark.get();
    SyntheticMetrics s = new SyntheticMetrics();
    for (int i = 0; i < WIDTHS.length; i++) {
      for (int seed = 1; seed <= 3; seed++) {
        Run r = new Run("dd", 0.2, 0, 0, 1000, 1, WIDTHS[i], 100L * WIDTHS[i], seed);
        double o = SEED_OFFSET[seed - 1];
        for (int e = 1; e <= EPOCHS; e++) {
          double te = WIDTHS[i] == 32 ? BUMP[e - 1] : TEST[i] + 0.02 * (EPOCHS - e);
          double tl = WIDTHS[i] == 32 ? 2 * BUMP[e - 1] + 0.54 : LOSS[i] + 0.04 * (EPOCHS - e);
          double tr = TRAIN[i] + 0.05 * (EPOCHS - e);
          s.epoch(r, e, EPOCHS, 2 * tr, tr, tl, te + o, "completed");
        }
        s.run(r, "completed", "");
      }
    }
    // A diverged fourth seed of width 2 (left out of the means) and a failed run (no metrics).
    Run diverged = new Run("dd", 0.2, 0, 0, 1000, 1, 2, 200, 4);
    for (int e = 1; e <= 4; e++) {
      s.epoch(diverged, e, EPOCHS, 50, 0.9, 60, 0.9, "diverged");
    }
    s.run(diverged, "diverged", "train loss NaN at epoch 5");
    s.run(new Run("dd", 0.2, 0, 0, 1000, 1, 256, 25600, 1), "failed", "out of memory");
    // Experiment "ci": one cell of three seeds whose final test errors are 0.1, 0.2, 0.3, and one
    // single-seed cell.
    for (int seed = 1; seed <= 3; seed++) {
      Run r = new Run("ci", 0, 0, 0, 100, 1, 4, 40, seed);
      s.epoch(r, 1, 2, 1, 0.5, 1, 0.5, "completed");
      s.epoch(r, 2, 2, 0.5, 0.2, 0.8, seed / 10.0, "completed");
      s.run(r, "completed", "");
    }
    Run single = new Run("ci", 0, 0, 0, 100, 1, 8, 80, 1);
    s.epoch(single, 1, 2, 1, 0.5, 1, 0.5, "completed");
    s.epoch(single, 2, 2, 0.4, 0.1, 0.7, 0.25, "completed");
    s.run(single, "completed", "");
    s.write(spark, tmp);

    results = tmp.toString();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Analysis.run(spark, Inputs.check(results, null, null), new PrintStream(buf, true,
        StandardCharsets.UTF_8));
    printed = buf.toString(StandardCharsets.UTF_8);
  }

  static List<Row> table(String name, String where) {
    return TestSpark.get().read().parquet(results + "/analysis/" + name).filter(where)
        .collectAsList();
  }

  static Row one(String name, String where) {
    List<Row> rows = table(name, where);
    assertThat(rows).as("%s where %s", name, where).hasSize(1);
    return rows.get(0);
  }

  @Test
  void locatesTheKnownThresholdPeakAndMinimaExactly() {
    for (double eps : new double[] {0.0, 0.01}) {
      Row r = one("double_descent", "experiment = 'dd' and epsilon = " + eps);
      assertThat(r.<Long>getAs("threshold_params")).isEqualTo(1600L);
      assertThat(r.<Integer>getAs("threshold_width")).isEqualTo(16);
      assertThat(r.<Double>getAs("threshold_params_per_sample")).isEqualTo(1.6);
      assertThat(r.<Long>getAs("peak_params")).isEqualTo(1600L);
      assertThat(r.<Double>getAs("peak_test_error")).isCloseTo(0.45, within(1e-12));
      assertThat(r.<Long>getAs("loss_peak_params")).isEqualTo(3200L);
      assertThat(r.<Double>getAs("loss_peak_test_loss")).isCloseTo(1.2, within(1e-12));
      assertThat(r.<Long>getAs("classical_min_params")).isEqualTo(400L);
      assertThat(r.<Double>getAs("classical_min_test_error")).isCloseTo(0.30, within(1e-12));
      assertThat(r.<Long>getAs("best_after_params")).isEqualTo(12800L);
      assertThat(r.<Double>getAs("best_after_test_error")).isCloseTo(0.20, within(1e-12));
      assertThat(r.<Double>getAs("peak_height")).isCloseTo(0.15, within(1e-12));
      assertThat(r.<Double>getAs("peak_ratio")).isCloseTo(1.5, within(1e-12));
      assertThat(r.<Boolean>getAs("double_descent")).isTrue();
      // Seeds differ by ±0.01: intervals of half-width 0.0248 separate 0.45 from 0.30 and 0.20.
      assertThat(r.<Boolean>getAs("beyond_ci")).isTrue();
      assertThat(r.<Integer>getAs("sizes")).isEqualTo(7);
    }
    // At ε = 0.05 width 8 (train error 0.03) already interpolates; the peak stays at 16.
    Row loose = one("double_descent", "experiment = 'dd' and epsilon = 0.05");
    assertThat(loose.<Long>getAs("threshold_params")).isEqualTo(800L);
    assertThat(loose.<Long>getAs("peak_params")).isEqualTo(1600L);

    // Seeds differ by a shift of every width: each seed's paired height is the curve's, and its
    // interval and the peak's place are exact.
    Row setting = one("peak_by_setting", "experiment = 'dd'");
    assertThat(setting.<Double>getAs("peak_height")).isCloseTo(0.15, within(1e-12));
    assertThat(setting.<Double>getAs("paired_height")).isCloseTo(0.15, within(1e-12));
    assertThat(setting.<Double>getAs("paired_height_lo")).isCloseTo(0.15, within(1e-12));
    assertThat(setting.<Double>getAs("paired_height_hi")).isCloseTo(0.15, within(1e-12));
    assertThat(setting.<Long>getAs("peak_params_lo")).isEqualTo(1600L);
    assertThat(setting.<Long>getAs("peak_params_hi")).isEqualTo(1600L);
    assertThat(setting.<Integer>getAs("seeds")).isEqualTo(3);
    assertThat(setting.<String>getAs("verdict")).isEqualTo("too few seeds");
    // One setting per experiment: no lever to compare.
    assertThat(tmp.resolve("analysis/lever_effects")).isDirectory();
    assertThat(tmp.resolve("analysis/lever_effects/experiment=dd")).doesNotExist();
    assertThat(printed).contains("threshold (train error <= 0.01) at 1,600 parameters "
        + "(width 16, 1.60 per training example); test-error peak 0.4500 at 1,600 parameters");
  }

  @Test
  void detectsTheEpochWiseRiseThenFallOnlyWhereItIs() {
    Row r = one("epoch_wise", "experiment = 'dd' and width = 32");
    assertThat(r.<Boolean>getAs("happened")).isTrue();
    assertThat(r.<Integer>getAs("first_min_epoch")).isEqualTo(3);
    assertThat(r.<Double>getAs("first_min_test_error")).isCloseTo(0.30, within(1e-12));
    assertThat(r.<Integer>getAs("max_epoch")).isEqualTo(5);
    assertThat(r.<Double>getAs("max_test_error")).isCloseTo(0.42, within(1e-12));
    assertThat(r.<Integer>getAs("later_min_epoch")).isEqualTo(10);
    assertThat(r.<Integer>getAs("final_epoch")).isEqualTo(10);
    assertThat(r.<Double>getAs("rise")).isCloseTo(0.12, within(1e-12));
    assertThat(r.<Double>getAs("fall")).isCloseTo(0.09, within(1e-12));
    List<Row> others = table("epoch_wise", "experiment = 'dd' and width != 32");
    assertThat(others).hasSize(6).allSatisfy(o -> {
      assertThat(o.<Boolean>getAs("happened")).isFalse();
      assertThat(o.<Integer>getAs("max_epoch")).isNull();
    });
    // The best epoch (least test loss) of width 32 is its first minimum, epoch 3.
    Row c = one("curves", "experiment = 'dd' and width = 32");
    assertThat(c.<Integer>getAs("best_epoch")).isEqualTo(3);
    assertThat(c.<Double>getAs("best_test_error")).isCloseTo(0.30, within(1e-12));
    assertThat(c.<Double>getAs("final_test_error")).isCloseTo(0.33, within(1e-12));
    assertThat(table("epoch_curves", "experiment = 'dd'")).hasSize(WIDTHS.length * EPOCHS);
  }

  @Test
  void confidenceIntervalOverSeedsIsTheStudentTInterval() {
    Row r = one("curves", "experiment = 'ci' and width = 4");
    assertThat(r.<Long>getAs("seeds")).isEqualTo(3);
    assertThat(r.<Double>getAs("final_test_error")).isCloseTo(0.2, within(1e-12));
    // Values 0.1, 0.2, 0.3: s = 0.1; Student's t with 2 degrees of freedom has
    // F(t) = 1/2 + t / (2 sqrt(2 + t^2)), so its 0.975 quantile is sqrt(1.805 / 0.0975).
    double half = Math.sqrt(1.805 / 0.0975) * 0.1 / Math.sqrt(3);
    assertThat(r.<Double>getAs("final_test_error_ci95")).isCloseTo(half, within(1e-9));
    assertThat(r.<Double>getAs("final_train_error_ci95")).isCloseTo(0, within(1e-12));
    Row single = one("curves", "experiment = 'ci' and width = 8");
    assertThat(single.<Long>getAs("seeds")).isEqualTo(1);
    assertThat(single.<Double>getAs("final_test_error")).isEqualTo(0.25);
    assertThat(single.<Double>getAs("final_test_error_ci95")).isNull();
  }

  @Test
  void divergedRunsAreCountedAndLeftOutAndFailedRunsReported() {
    Row w2 = one("curves", "experiment = 'dd' and width = 2");
    assertThat(w2.<Long>getAs("seeds")).isEqualTo(3);
    assertThat(w2.<Long>getAs("diverged")).isEqualTo(1);
    assertThat(w2.<Double>getAs("final_test_error")).isCloseTo(0.40, within(1e-12));
    assertThat(w2.<Integer>getAs("final_epoch")).isEqualTo(EPOCHS);
    assertThat(one("run_status", "experiment = 'dd' and status = 'completed'")
        .<Long>getAs("runs")).isEqualTo(21);
    Row div = one("run_status", "experiment = 'dd' and status = 'diverged'");
    assertThat(div.<Long>getAs("runs")).isEqualTo(1);
    assertThat(div.<String>getAs("example_message")).isEqualTo("train loss NaN at epoch 5");
    assertThat(one("run_status", "experiment = 'dd' and status = 'failed'").<Long>getAs("runs"))
        .isEqualTo(1);
    assertThat(printed).contains("overparam: analyze: dd: 23 runs: 21 completed, 1 diverged, "
        + "1 failed");
  }

  @Test
  void sampleWiseRowsPerCellAndPartitionsPerExperiment() {
    assertThat(table("sample_wise", "experiment = 'dd'")).hasSize(WIDTHS.length)
        .allSatisfy(r -> assertThat(r.<Object>getAs("increase")).isNull());
    assertThat(TestSpark.get().read().parquet(results + "/analysis/curves")
        .select("experiment").distinct().orderBy("experiment").collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("ci", "dd");
    assertThat(tmp.resolve("analysis/curves/experiment=dd")).isDirectory();
  }

  @Test
  void aSecondAnalysisOfOneExperimentReplacesOnlyItsPartition() {
    SparkSession spark = TestSpark.get();
    long before = spark.read().parquet(results + "/analysis/curves").count();
    Analysis.run(spark, Inputs.check(results, "ci", null), new PrintStream(
        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(spark.read().parquet(results + "/analysis/curves").count()).isEqualTo(before);
    assertThat(spark.read().parquet(results + "/analysis/curves").filter(col("experiment")
        .equalTo("dd")).count()).isEqualTo(WIDTHS.length);
  }
}
