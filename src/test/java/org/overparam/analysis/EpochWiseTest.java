package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.overparam.results.Columns.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.analysis.SyntheticMetrics.Run;
import org.overparam.testing.TestSpark;

/**
 * Epoch-wise bumps of test-error curves of known shape, written as Parquet and read back through
 * {@link Inputs} and {@link Curves#epochCurves}, on a real local[2] Spark; one cell per width.
 */
class EpochWiseTest {
  static final double MIN = EpochWise.MIN_CHANGE;

  @TempDir
  static Path tmp;
  static List<Row> rows;
  static Map<Integer, Row> byWidth;

  /** Adds a cell of width {@code width}: seed i's test error is curve[t] + offsets[i]. */
  static void cell(SyntheticMetrics s, int width, double[] curve, double... offsets) {
    for (int i = 0; i < offsets.length; i++) {
      Run r = new Run("ew", 0, 0, 0, 100, 1, width, 100L * width, i + 1);
      for (int t = 0; t < curve.length; t++) {
        s.epoch(r, t + 1, curve.length, 0.1, 0.05, 1, curve[t] + offsets[i], "completed");
      }
    }
  }

  @BeforeAll
  static void detect() {
    SparkSession spark = TestSpark.get();
    SyntheticMetrics s = new SyntheticMetrics();
    // Falls to 0.30 at epoch 3, rises to 0.42 at epoch 5, falls again to 0.33.
    cell(s, 2, new double[] {0.50, 0.40, 0.30, 0.36, 0.42, 0.40, 0.37, 0.35, 0.34, 0.33}, 0);
    // Rise and fall exactly MIN_CHANGE (0.01 - 0 is exact).
    cell(s, 4, new double[] {0.05, 0, MIN, 0}, 0);
    // The rise one ulp short of MIN_CHANGE.
    cell(s, 8, new double[] {0.05, 0, Math.nextDown(MIN), 0}, 0);
    // The fall short of MIN_CHANGE.
    cell(s, 16, new double[] {0.05, 0, MIN, 1e-17}, 0);
    // Only falls.
    cell(s, 32, new double[] {0.5, 0.4, 0.3}, 0);
    // Three seeds close together: the bump stands out of their intervals.
    cell(s, 64, new double[] {0.30, 0.20, 0.30, 0.10}, -0.001, 0, 0.001);
    // Three seeds far apart: a rise of 0.05 lies within their intervals.
    cell(s, 128, new double[] {0.50, 0.30, 0.35, 0.20}, -0.1, 0, 0.1);
    // Ties: the earliest epoch of least error on either side.
    cell(s, 256, new double[] {0.3, 0.2, 0.2, 0.4, 0.1, 0.1}, 0);
    s.write(spark, tmp);

    rows = EpochWise.table(Curves.epochCurves(Inputs.check(tmp.toString(), null, null)
        .metrics(spark)));
    byWidth = rows.stream().collect(Collectors.toMap(r -> r.<Integer>getAs(WIDTH.name()),
        r -> r));
  }

  static double num(Row r, org.overparam.results.Column c) {
    return r.<Double>getAs(c.name());
  }

  static int epoch(Row r, org.overparam.results.Column c) {
    return r.<Integer>getAs(c.name());
  }

  static boolean happened(int width) {
    return byWidth.get(width).<Boolean>getAs(HAPPENED.name());
  }

  @Test
  void oneRowPerCellInCellOrder() {
    assertThat(rows).extracting(r -> r.<Integer>getAs(WIDTH.name()))
        .containsExactly(2, 4, 8, 16, 32, 64, 128, 256);
    assertThat(rows.get(0).schema()).isEqualTo(EpochWise.SCHEMA);
  }

  @Test
  void aCurveThatFallsRisesAndFallsHasItsBumpFound() {
    Row r = byWidth.get(2);
    assertThat(r.<Long>getAs(EVALUATED_EPOCHS.name())).isEqualTo(10L);
    assertThat(epoch(r, FIRST_MIN_EPOCH)).isEqualTo(3);
    assertThat(num(r, FIRST_MIN_TEST_ERROR)).isEqualTo(0.30);
    assertThat(epoch(r, MAX_EPOCH)).isEqualTo(5);
    assertThat(num(r, MAX_TEST_ERROR)).isEqualTo(0.42);
    assertThat(epoch(r, LATER_MIN_EPOCH)).isEqualTo(10);
    assertThat(num(r, LATER_MIN_TEST_ERROR)).isEqualTo(0.33);
    assertThat(num(r, RISE)).isCloseTo(0.12, within(1e-12));
    assertThat(num(r, FALL)).isCloseTo(0.09, within(1e-12));
    assertThat(epoch(r, FINAL_EPOCH)).isEqualTo(10);
    assertThat(num(r, FINAL_TEST_ERROR)).isEqualTo(0.33);
    assertThat(r.<Object>getAs(MAX_CI95.name())).as("one seed: no interval").isNull();
    assertThat(happened(2)).isTrue();
  }

  @Test
  void aRiseAndFallOfExactlyMinChangeCount() {
    Row r = byWidth.get(4);
    assertThat(num(r, RISE)).isEqualTo(MIN);
    assertThat(num(r, FALL)).isEqualTo(MIN);
    assertThat(happened(4)).isTrue();
  }

  @Test
  void aRiseOrFallJustShortOfMinChangeDoesNot() {
    Row rise = byWidth.get(8);
    assertThat(epoch(rise, MAX_EPOCH)).as("the bump is still reported").isEqualTo(3);
    assertThat(num(rise, RISE)).isLessThan(MIN);
    assertThat(happened(8)).isFalse();
    Row fall = byWidth.get(16);
    assertThat(num(fall, RISE)).isEqualTo(MIN);
    assertThat(num(fall, FALL)).isLessThan(MIN);
    assertThat(happened(16)).isFalse();
  }

  @Test
  void aCurveThatOnlyFallsHasNoBump() {
    Row r = byWidth.get(32);
    assertThat(r.<Long>getAs(EVALUATED_EPOCHS.name())).isEqualTo(3L);
    for (org.overparam.results.Column c : List.of(FIRST_MIN_EPOCH, MAX_EPOCH, LATER_MIN_EPOCH,
        RISE, FALL, MAX_CI95)) {
      assertThat(r.<Object>getAs(c.name())).as(c.name()).isNull();
    }
    assertThat(num(r, FINAL_TEST_ERROR)).isEqualTo(0.3);
    assertThat(happened(32)).isFalse();
  }

  @Test
  void overSeedsTheBumpMustStandOutOfTheIntervals() {
    // sd 0.001 over three seeds: half-width t(0.975, 2) * 0.001 / sqrt(3).
    Row tight = byWidth.get(64);
    assertThat(num(tight, MAX_CI95)).isCloseTo(4.302653 * 0.001 / Math.sqrt(3), within(1e-6));
    assertThat(num(tight, RISE)).isCloseTo(0.10, within(1e-12));
    assertThat(happened(64)).isTrue();
    Row wide = byWidth.get(128);
    assertThat(num(wide, RISE)).isCloseTo(0.05, within(1e-12)).isGreaterThan(MIN);
    assertThat(num(wide, MAX_CI95)).isCloseTo(4.302653 * 0.1 / Math.sqrt(3), within(1e-6));
    assertThat(happened(128)).isFalse();
  }

  @Test
  void tiesTakeTheEarliestEpochOnEitherSide() {
    Row r = byWidth.get(256);
    assertThat(epoch(r, FIRST_MIN_EPOCH)).isEqualTo(2);
    assertThat(epoch(r, MAX_EPOCH)).isEqualTo(4);
    assertThat(epoch(r, LATER_MIN_EPOCH)).isEqualTo(5);
    assertThat(happened(256)).isTrue();
  }
}
