package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.overparam.config.Distillation;
import org.overparam.config.ExperimentConfig;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.model.Models;
import org.overparam.results.RecordedRuns;

/**
 * The distillation table from recorded runs' configurations and each seed's final values of
 * known size: means over seeds, differences paired by seed, a student width the grid lacks,
 * a seed whose student did not complete, and tables without configurations.
 */
class DistillationTableTest {
  static final String YAML = """
      name: dt
      dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
      train_sizes: [64]
      label_noise: [0.2]
      model: {family: mlp, depths: [1], widths: [8, 32]}
      optimizer: {kind: adam, batch_size: 32}
      epochs: 2
      seeds: [0, 1, 2]
      distillation: {widths: [8, 16], temperature: 2.0, alpha: 0.7}
      """;

  /** Final test errors by width then seed: label-only runs, then students. */
  static final Map<Integer, double[]> LABELS = Map.of(8, new double[] {.30, .32, .34},
      32, new double[] {.20, .22, .24});
  static final Map<Integer, double[]> STUDENTS = Map.of(8, new double[] {.28, .29, Double.NaN},
      16, new double[] {.25, .26, .27});

  @Test
  void studentsBesideTheirWidthOnLabelsAloneAndTheirTeachersPairedBySeed() {
    ExperimentConfig c = ExperimentFile.parse(YAML, "dt.yaml");
    List<RunSpec> grid = Grid.runs(c);
    List<RunSpec> students = Distillation.students(c, grid);
    Map<String, RecordedRuns.Run> recorded = new TreeMap<>();
    List<SeedFinals.Final> finals = new ArrayList<>();
    for (RunSpec r : grid) {
      add(recorded, finals, r, LABELS.get(r.width())[(int) r.seed()]);
    }
    for (RunSpec s : students) {
      double e = STUDENTS.get(s.width())[(int) s.seed()];
      if (!Double.isNaN(e)) {
        add(recorded, finals, s, e); // the third seed's width-8 student diverged: no final
      }
    }
    RecordedRuns rr = new RecordedRuns("dt", recorded, List.of(), List.of(), List.of(),
        List.of(), List.of());

    DistillationTable.Result t = DistillationTable.compute(List.of(rr), finals, 7);
    assertThat(t.rows()).hasSize(2);
    Row eight = t.rows().get(0);
    assertThat(eight.<Integer>getAs("width")).isEqualTo(8);
    assertThat(eight.<String>getAs("config")).isEqualTo(students.get(0).configId());
    assertThat(eight.<String>getAs("teacher_config")).isEqualTo(grid.get(0).configId());
    assertThat(eight.<Integer>getAs("teacher_width")).isEqualTo(32);
    assertThat(eight.<Double>getAs("temperature")).isEqualTo(2.0);
    assertThat(eight.<Double>getAs("distillation_alpha")).isEqualTo(0.7);
    assertThat(eight.<Long>getAs("seeds")).isEqualTo(2);
    assertThat(eight.<Double>getAs("student_test_error")).isCloseTo(.285, within(1e-12));
    // Labels alone: every seed of the width; the difference: the seeds that have both.
    assertThat(eight.<Double>getAs("labels_test_error")).isCloseTo(.32, within(1e-12));
    double[] d = {.28 - .30, .29 - .32};
    assertThat(eight.<Double>getAs("student_minus_labels")).isCloseTo(-.025, within(1e-12));
    double[] ci = SeedBootstrap.meanIntervals(7, d)[0];
    assertThat(eight.<Double>getAs("student_minus_labels_lo")).isEqualTo(ci[0])
        .isBetween(-.03 - 1e-12, -.025);
    assertThat(eight.<Double>getAs("student_minus_labels_hi")).isEqualTo(ci[1])
        .isBetween(-.025, -.02 + 1e-12);
    assertThat(eight.<Integer>getAs("paired_seeds")).isEqualTo(2);
    // The teachers of the students' seeds (0 and 1).
    assertThat(eight.<Double>getAs("teacher_test_error")).isCloseTo(.21, within(1e-12));
    assertThat(eight.<String>getAs("note")).isEmpty();

    Row sixteen = t.rows().get(1);
    assertThat(sixteen.<Integer>getAs("width")).isEqualTo(16);
    assertThat(sixteen.<Long>getAs("params")).isEqualTo(Models.params(students.get(1)));
    assertThat(sixteen.<Double>getAs("student_test_error")).isCloseTo(.26, within(1e-12));
    assertThat(sixteen.<Double>getAs("labels_test_error")).isNull();
    assertThat(sixteen.<Double>getAs("student_minus_labels")).isNull();
    assertThat(sixteen.<Double>getAs("student_minus_labels_lo")).isNull();
    assertThat(sixteen.<Integer>getAs("paired_seeds")).isZero();
    assertThat(sixteen.<Double>getAs("teacher_test_error")).isCloseTo(.22, within(1e-12));
    assertThat(sixteen.<String>getAs("note")).isEqualTo("width 16 was not trained on labels "
        + "alone (not a width of the grid): nothing to compare");

    assertThat(t.lines()).containsExactly(String.format(java.util.Locale.ROOT, "dt: "
        + "distillation: noise 0.2, weight decay 0, dropout 0, 64 training examples, depth 1, "
        + "width 8 (students of width 32, T 2, alpha 0.7): test error 0.2850, on labels alone "
        + "0.3200, difference -0.0250 [%+.4f, %+.4f] over 2 paired seed(s); teacher 0.2100",
        ci[0], ci[1]), "dt: distillation: noise 0.2, weight decay 0, dropout 0, 64 training "
        + "examples, depth 1, width 16 (students of width 32, T 2, alpha 0.7): test error "
        + "0.2600, no label-only run of that width; teacher 0.2200");

    // One seed paired: a difference without an interval.
    finals.removeIf(f -> f.cell().width() == 8 && f.seed() == 1
        && f.cell().config().equals(grid.get(0).configId()));
    Row one = DistillationTable.compute(List.of(rr), finals, 7).rows().get(0);
    assertThat(one.<Integer>getAs("paired_seeds")).isEqualTo(1);
    assertThat(one.<Double>getAs("student_minus_labels")).isCloseTo(-.02, within(1e-12));
    assertThat(one.<Double>getAs("student_minus_labels_lo")).isNull();
    assertThat(one.<String>getAs("note")).isEqualTo("one paired seed: no interval");

    // Tables that other tools wrote have no configurations, hence no students.
    assertThat(DistillationTable.compute(null, finals, 7).rows()).isEmpty();
    RecordedRuns gridOnly = new RecordedRuns("dt", Map.of(grid.get(0).runId(),
        recorded.get(grid.get(0).runId())), List.of(), List.of(), List.of(), List.of(),
        List.of());
    assertThat(DistillationTable.compute(List.of(gridOnly), finals, 7).rows()).isEmpty();
  }

  /** A recorded run of {@code r} and its final value, as the analysis reads them. */
  private static void add(Map<String, RecordedRuns.Run> recorded,
      List<SeedFinals.Final> finals, RunSpec r, double testError) {
    String json = r.toJson();
    recorded.put(r.runId(), new RecordedRuns.Run(r.runId(), "completed", "", "d", 2, json,
        RunSpec.configId(json), null, null, null));
    finals.add(new SeedFinals.Final(new Cell("dt", RunSpec.configId(json), r.labelNoise(),
        r.weightDecay(), r.dropout(), r.trainSize(), r.depth(), r.width(), Models.params(r)),
        r.seed(), 0.0, testError, 1.0));
  }
}
