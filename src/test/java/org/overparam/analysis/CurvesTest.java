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
 * Curves over seeds from a metrics table written as Parquet and read back through
 * {@link Inputs}, on a real local[2] Spark; every cell is told apart by its width.
 */
class CurvesTest {
  @TempDir
  static Path tmp;
  static List<Curve> curves;
  static Map<Integer, Curve> byWidth;

  static Run run(int depth, int width, long seed) {
    return new Run("c", 0, 0, 0, 100, depth, width, 100L * width * depth, seed);
  }

  @BeforeAll
  static void aggregate() {
    SparkSession spark = TestSpark.get();
    SyntheticMetrics s = new SyntheticMetrics();
    // Written out of order: depth 2 first, widths shuffled.
    // Depth 2, width 2: its only run diverged, with NaN losses at its last epoch.
    Run lost = run(2, 2, 1);
    s.epoch(lost, 1, 3, 2, 0.6, 2, 0.7, "diverged");
    s.epoch(lost, 2, 3, Double.NaN, 0.6, Double.NaN, 0.7, "diverged");
    // Width 64: one completed seed, and a diverged one whose NaN rows stay out of the means.
    Run ok = run(1, 64, 1);
    Run nan = run(1, 64, 2);
    for (int e = 1; e <= 3; e++) {
      s.epoch(ok, e, 3, 0.1 * e, 0.05, 1.0 / e, 0.4 / e, "completed");
      s.epoch(nan, e, 3, Double.NaN, 0.9, Double.NaN, 0.9, "diverged");
    }
    // Width 16: three seeds; final test errors 0.1, 0.2, 0.3; test loss least at epoch 2.
    double[] loss = {1.0, 0.5, 0.7};
    for (int seed = 1; seed <= 3; seed++) {
      Run r = run(1, 16, seed);
      for (int e = 1; e <= 3; e++) {
        double testError = e == 3 ? seed / 10.0 : 0.5;
        s.epoch(r, e, 3, 0.2, 0.1, loss[e - 1] + 0.01 * (seed - 2), testError, "completed");
      }
    }
    // Width 4: two seeds, the second stopped after epoch 2 (no rows at epoch 3).
    for (int seed = 1; seed <= 2; seed++) {
      Run r = run(1, 4, seed);
      for (int e = 1; e <= (seed == 1 ? 3 : 2); e++) {
        s.epoch(r, e, 3, 0.3, 0.2, 1.0 - 0.1 * e, 0.3 + 0.1 * seed, "completed");
      }
    }
    // Width 8: one seed whose test loss is NaN at epoch 2: never the best epoch.
    Run holes = run(1, 8, 1);
    s.epoch(holes, 1, 3, 0.3, 0.2, 0.9, 0.35, "completed");
    s.epoch(holes, 2, 3, 0.3, 0.2, Double.NaN, 0.30, "completed");
    s.epoch(holes, 3, 3, 0.3, 0.2, 0.8, 0.25, "completed");
    s.write(spark, tmp);

    curves = Curves.curves(Curves.epochCurves(Inputs.check(tmp.toString(), null, null)
        .metrics(spark)));
    byWidth = curves.stream().collect(Collectors.toMap(c -> c.cell().width(), c -> c));
  }

  @Test
  void cellsComeInTableOrderDepthThenParameters() {
    assertThat(curves).extracting(c -> c.cell().depth() + "x" + c.cell().width())
        .containsExactly("1x4", "1x8", "1x16", "1x64", "2x2");
    assertThat(curves).extracting(c -> c.cell().params())
        .containsExactly(400L, 800L, 1600L, 6400L, 400L);
  }

  @Test
  void aCellOfThreeSeedsHasTheirMeanAndAStudentTInterval() {
    Curve c = byWidth.get(16);
    assertThat(c.seeds()).isEqualTo(3);
    assertThat(c.diverged()).isZero();
    assertThat(c.finalEpoch()).isEqualTo(3);
    assertThat(c.finalTestError().mean()).isCloseTo(0.2, within(1e-12));
    // sd of 0.1, 0.2, 0.3 is 0.1; t(0.975, 2) = 4.302653
    assertThat(c.finalTestError().ci95()).isCloseTo(4.302653 * 0.1 / Math.sqrt(3),
        within(1e-6));
    assertThat(c.finalTestError().low()).isCloseTo(0.2 - c.finalTestError().ci95(),
        within(1e-12));
    assertThat(c.bestEpoch()).isEqualTo(2);
    assertThat(c.bestTestLoss().mean()).isCloseTo(0.5, within(1e-12));
    assertThat(c.bestTestError().mean()).isCloseTo(0.5, within(1e-12));
    assertThat(c.bestTestError().ci95()).isCloseTo(0, within(1e-12));
  }

  @Test
  void aSeedThatStoppedEarlyLeavesTheFinalEpochWithFewerSeeds() {
    Curve c = byWidth.get(4);
    assertThat(c.finalEpoch()).isEqualTo(3);
    assertThat(c.seeds()).isEqualTo(1);
    assertThat(c.finalTestError().mean()).isCloseTo(0.4, within(1e-12));
    assertThat(c.finalTestError().ci95()).isNaN();
    // The least mean test loss is the final epoch's, where only one seed counts.
    assertThat(c.bestEpoch()).isEqualTo(3);
    assertThat(c.bestTestLoss().n()).isEqualTo(1);
    assertThat(Curves.row(c).<Object>getAs(FINAL_TEST_ERROR_CI95.name())).isNull();
  }

  @Test
  void divergedRunsWithNaNLossesAreCountedAndLeftOutOfTheMeans() {
    Curve c = byWidth.get(64);
    assertThat(c.diverged()).isEqualTo(1);
    assertThat(c.seeds()).isEqualTo(1);
    assertThat(c.finalTestLoss().mean()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(c.finalTrainLoss().mean()).isCloseTo(0.3, within(1e-12));
    assertThat(c.bestEpoch()).isEqualTo(3);
  }

  @Test
  void aCellWhoseRunsAllDivergedHasNoMeans() {
    Curve c = byWidth.get(2);
    assertThat(c.measured()).isFalse();
    assertThat(c.diverged()).isEqualTo(1);
    assertThat(c.finalTestError().mean()).isNaN();
    assertThat(c.bestTestLoss().mean()).isNaN();
    Row row = Curves.row(c);
    assertThat(row.<Object>getAs(FINAL_TEST_ERROR.name())).isNull();
    assertThat(row.<Object>getAs(BEST_EPOCH.name())).isNull();
    assertThat(row.<Long>getAs(DIVERGED.name())).isEqualTo(1L);
  }

  @Test
  void aNaNTestLossOfACompletedRunIsNeverTheBestEpoch() {
    Curve c = byWidth.get(8);
    assertThat(c.bestEpoch()).isEqualTo(3);
    assertThat(c.bestTestLoss().mean()).isCloseTo(0.8, within(1e-12));
    assertThat(c.finalTestError().mean()).isCloseTo(0.25, within(1e-12));
  }
}
