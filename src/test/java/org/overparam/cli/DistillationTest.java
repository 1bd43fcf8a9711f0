package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overparam.testing.TestSpark;

/**
 * {@code distillation:} through the real entry point, on real DL4J training of a few hundred
 * Fashion-MNIST images on local[2]: students trained after the grid from their teachers' kept
 * networks, recorded with their teacher's run id, analysed against the label-only runs and
 * reported; a rerun that trains nothing; a teacher recorded without its network trained again
 * to keep it; and both strategies training a student at alpha 0 to the label-only run's numbers.
 */
class DistillationTest {
  @TempDir
  Path tmp;

  static final String TINY = """
      name: distil
      dataset: {kind: fashion-mnist, test_size: 500}
      train_sizes: [300]
      label_noise: [0.2]
      model: {family: mlp, depths: [1], widths: [8, 32]}
      optimizer: {kind: adam, learning_rate: 0.001, batch_size: 50}
      epochs: 3
      seeds: [0, 1]
      strategy: {kind: per-task}
      distillation: {teacher_width: largest, widths: [8, 16], temperature: 4.0, alpha: 0.5}
      """;

  @Test
  void studentsAreRecordedAnalysedAndReportedARerunTrainsNothingAndALostTeacherIsRetrained()
      throws Exception {
    Path yaml = Files.writeString(tmp.resolve("distil.yaml"), TINY);
    Path results = tmp.resolve("results");
    String out = RefineTest.train(yaml, results);
    assertThat(out).contains("overparam: distil: distillation: 4 student run(s) at widths "
            + "[8, 16] of 2 teacher(s) at width 32 (T=4.0, alpha=0.5)")
        .contains("overparam: distil: 8 runs, 0 already recorded, 8 completed, 0 diverged, "
            + "0 failed");

    // Each run's teacher, from the runs table; the grid's runs have none.
    Map<String, Row> runs = rows(results, "runs").stream()
        .collect(Collectors.toMap(r -> r.getAs("run_id"), r -> r));
    Map<String, String> teacherOf = new HashMap<>();
    Map<String, Integer> width = new HashMap<>();
    runs.forEach((id, r) -> {
      width.put(id, json(r, "width"));
      if (r.getAs("teacher_run_id") != null) {
        teacherOf.put(id, r.getAs("teacher_run_id"));
      }
    });
    assertThat(teacherOf).hasSize(4);
    assertThat(teacherOf.values()).allMatch(t -> width.get(t) == 32);
    teacherOf.forEach((s, t) -> assertThat(json(runs.get(s), "seed"))
        .isEqualTo(json(runs.get(t), "seed")));
    assertThat(teacherOf.values().stream().distinct()).hasSize(2);
    // The metrics rows carry the same teacher.
    for (Row m : rows(results, "metrics")) {
      assertThat((String) m.getAs("teacher_run_id")).isEqualTo(teacherOf.get(m.<String>getAs(
          "run_id")));
    }
    // Only the teachers' networks are kept, at the documented path.
    try (var kept = Files.list(results.resolve("_models/experiment=distil"))) {
      assertThat(kept.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(
          teacherOf.values().stream().distinct().map(t -> t + ".zip").toList());
    }

    // The analysis: students against the same width and seed trained on labels alone.
    Map<Integer, Row> table = rows(results, "analysis/distillation").stream()
        .collect(Collectors.toMap(r -> r.getAs("width"), r -> r));
    assertThat(table.keySet()).containsExactlyInAnyOrder(8, 16);
    Map<String, Double> finals = new HashMap<>();
    runs.forEach((id, r) -> finals.put(id, r.getAs("final_test_error")));
    Row eight = table.get(8);
    double[] student = new double[2];
    double[] labels = new double[2];
    double[] teachers = new double[2];
    runs.forEach((id, r) -> {
      int seed = json(r, "seed");
      if (teacherOf.containsKey(id) && width.get(id) == 8) {
        student[seed] = finals.get(id);
        teachers[seed] = finals.get(teacherOf.get(id));
      } else if (!teacherOf.containsKey(id) && width.get(id) == 8) {
        labels[seed] = finals.get(id);
      }
    });
    assertThat(eight.<Double>getAs("student_test_error"))
        .isCloseTo((student[0] + student[1]) / 2, within(1e-12));
    assertThat(eight.<Double>getAs("labels_test_error"))
        .isCloseTo((labels[0] + labels[1]) / 2, within(1e-12));
    double diff = (student[0] - labels[0] + student[1] - labels[1]) / 2;
    assertThat(eight.<Double>getAs("student_minus_labels")).isCloseTo(diff, within(1e-12));
    assertThat(eight.<Double>getAs("student_minus_labels_lo")).isLessThanOrEqualTo(diff);
    assertThat(eight.<Double>getAs("student_minus_labels_hi")).isGreaterThanOrEqualTo(diff);
    assertThat(eight.<Integer>getAs("paired_seeds")).isEqualTo(2);
    assertThat(eight.<Long>getAs("seeds")).isEqualTo(2);
    assertThat(eight.<Double>getAs("teacher_test_error"))
        .isCloseTo((teachers[0] + teachers[1]) / 2, within(1e-12));
    assertThat(eight.<Integer>getAs("teacher_width")).isEqualTo(32);
    assertThat(eight.<String>getAs("note")).isEmpty();
    assertThat(eight.<String>getAs("config")).isNotEqualTo(eight.getAs("teacher_config"));
    Row sixteen = table.get(16);
    assertThat(sixteen.<Double>getAs("labels_test_error")).isNull();
    assertThat(sixteen.<Double>getAs("student_minus_labels")).isNull();
    assertThat(sixteen.<String>getAs("note")).isEqualTo("width 16 was not trained on labels "
        + "alone (not a width of the grid): nothing to compare");
    assertThat(out).contains("overparam: analyze: distil: distillation: noise 0.2, weight decay "
        + "0, dropout 0, 300 training examples, depth 1, width 8 (students of width 32, T 4, "
        + "alpha 0.5): test error ");

    // The report's section: its table and a chart of error against width.
    String html = Files.readString(results.resolve("report/distil/index.html"));
    assertThat(html).contains("<h2>Distillation: students against labels alone</h2>")
        .contains("<img src=\"distillation-1.png\"")
        .contains(String.format(java.util.Locale.ROOT, "<td>%.4f</td>",
            eight.<Double>getAs("student_test_error")));
    assertThat(ImageIO.read(results.resolve("report/distil/distillation-1.png").toFile()))
        .isNotNull();

    // A rerun finds every run recorded, the students included.
    List<String> files = RefineTest.files(results.resolve("runs"));
    String again = RefineTest.train(yaml, results, "--no-report");
    assertThat(again).contains("overparam: distil: 8 runs, 8 already recorded, 0 completed")
        .doesNotContain("overparam: start  run").doesNotContain("recorded run(s) of configuration");
    assertThat(RefineTest.files(results.resolve("runs"))).isEqualTo(files);

    // Teachers recorded without their networks (as before an experiment had a distillation
    // section) are trained again to keep them; a student lost meanwhile trains from them to
    // the numbers it had.
    String lost = teacherOf.keySet().stream().filter(id -> width.get(id) == 8).findFirst()
        .orElseThrow();
    deleteTree(results.resolve("_models"));
    Files.delete(results.resolve("runs/experiment=distil/" + lost + ".parquet"));
    String third = RefineTest.train(yaml, results, "--no-report");
    for (String t : teacherOf.values().stream().distinct().toList()) {
      assertThat(third).contains("distillation: teacher run " + t + " [mlp d=1 w=32 n=300 ")
          .contains("is recorded without its trained network (kept only for the teachers of a "
              + "distillation section): training it again to keep it; its record stays as it is")
          .containsPattern("distillation: teacher run " + t + " trained again \\(completed\\): "
              + "final test error (0\\.\\d{4}), recorded \\1, the same");
      assertThat(results.resolve("_models/experiment=distil/" + t + ".zip")).isRegularFile();
    }
    assertThat(third).contains("overparam: distil: 8 runs, 7 already recorded, 1 completed");
    Row relearnt = rows(results, "runs").stream().filter(r -> r.getAs("run_id").equals(lost))
        .findFirst().orElseThrow();
    assertThat(relearnt.<Double>getAs("final_test_error")).isEqualTo(finals.get(lost));
  }

  /**
   * At alpha 0 a student's targets are its labels exactly, so it trains as the label-only run
   * of its width and seed does, to the same numbers, by either strategy: its targets are built
   * where it trains (the task, or each executor building its minibatches) from its teacher's
   * kept network, in the order of its examples.
   */
  @ParameterizedTest
  @ValueSource(strings = {"{kind: per-task}",
      "{kind: parameter-averaging, workers: 2, batch_per_worker: 50}"})
  void aStudentAtAlphaZeroTrainsAsTheLabelOnlyRunByEitherStrategy(String strategy)
      throws Exception {
    Path yaml = Files.writeString(tmp.resolve("zero.yaml"), TINY.replace("name: distil",
        "name: zero").replace("seeds: [0, 1]", "seeds: [0]")
        .replace("{kind: per-task}", strategy)
        .replace("widths: [8, 16], temperature: 4.0, alpha: 0.5", "widths: [8], temperature: "
            + "4.0, alpha: 0.0"));
    Path results = tmp.resolve("results");
    String out = RefineTest.train(yaml, results, "--no-report");
    assertThat(out).contains("overparam: zero: 3 runs, 0 already recorded, 3 completed");
    Map<String, List<Row>> byRun = rows(results, "metrics").stream()
        .collect(Collectors.groupingBy(r -> r.getAs("teacher_run_id") == null
            ? "w" + r.getAs("width") : "student"));
    assertThat(byRun.get("student")).hasSize(3)
        .allSatisfy(r -> assertThat(r.<String>getAs("strategy")).isEqualTo(
            strategy.contains("per-task") ? "per-task" : "parameter-averaging"));
    assertThat(numbers(byRun.get("student"))).containsExactly(numbers(byRun.get("w8")));
  }

  /** Losses and errors of one run's metrics rows, epoch by epoch. */
  private static double[] numbers(List<Row> rows) {
    return rows.stream().sorted(java.util.Comparator.comparing(r -> r.<Integer>getAs("epoch")))
        .flatMapToDouble(r -> java.util.stream.DoubleStream.of(r.getAs("train_loss"),
            r.getAs("train_error"), r.getAs("test_loss"), r.getAs("test_error"))).toArray();
  }

  private static List<Row> rows(Path results, String table) {
    return TestSpark.get().read().parquet(results.resolve(table).toString()).collectAsList();
  }

  private static int json(Row r, String field) {
    return Integer.parseInt(r.<String>getAs("config_json")
        .replaceAll(".*\"" + field + "\":(\\d+).*", "$1"));
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
