package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.TestSpark;

/**
 * {@code refine:} through the real entry point, on real DL4J training of a small teacher-student
 * task: the widths added after the grid, recorded as ordinary runs that the analysis reads, and
 * a rerun of the same file that derives the same widths from the recorded runs and trains
 * nothing.
 */
class RefineTest {
  @TempDir
  Path tmp;

  /**
   * Widths 8 and 32 both fit 64 clean examples (train error 0 within the epochs), so the
   * threshold is width 8 and the peak one of the two; either way the one gap, ratio 4, is
   * split at 16, and then both gaps (ratio 2) are within the resolution of 2.5.
   */
  static final String TINY = """
      name: refine
      dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}
      train_sizes: [64]
      model: {family: mlp, depths: [1], widths: [8, 32]}
      optimizer: {kind: adam, learning_rate: 0.01, batch_size: 32}
      epochs: 60
      eval_every: 20
      seeds: [0, 1]
      strategy: {kind: per-task}
      refine: {around: peak, resolution: 2.5, max_runs: 10}
      """;

  @Test
  void addsTheWidthBetweenThePeakAndItsNeighbourRecordsItAndARerunAddsNothing()
      throws Exception {
    Path yaml = Files.writeString(tmp.resolve("refine.yaml"), TINY);
    Path results = tmp.resolve("results");

    String first = train(yaml, results);
    assertThat(first).contains("overparam: refine: refine round 1: noise 0, weight decay 0, "
        + "dropout 0, 64 training examples, depth 1: peak at width ")
        .contains(", adding 16\n")
        .contains("overparam: refine: refine: 1 widths (2 runs) added in 1 rounds; stopped: "
            + "every gap next to the peak is within the resolution 2.5")
        .contains("overparam: refine: 6 runs, 0 already recorded, 6 completed, 0 diverged, "
            + "0 failed");
    assertThat(recordedWidths(results)).isEqualTo(Map.of(8, 2, 16, 2, 32, 2));
    // The added runs are ordinary runs: the analysis of the experiment reads them.
    List<Row> curves = TestSpark.get().read().parquet(results + "/analysis/curves")
        .filter("experiment = 'refine'").orderBy("width").collectAsList();
    assertThat(curves).extracting(r -> r.<Integer>getAs("width")).containsExactly(8, 16, 32);
    assertThat(curves).allSatisfy(r -> assertThat(r.<Long>getAs("seeds")).isEqualTo(2));
    Row dd = TestSpark.get().read().parquet(results + "/analysis/double_descent")
        .filter("experiment = 'refine' and epsilon = 0.01").collectAsList().get(0);
    assertThat(dd.<Integer>getAs("sizes")).isEqualTo(3);

    List<String> files = files(results.resolve("runs"));
    String again = train(yaml, results, "--no-report");
    assertThat(again).contains(", adding 16\n")
        .contains("overparam: refine: refine: 1 widths (2 runs) added in 1 rounds; stopped: ")
        .contains("overparam: refine: 6 runs, 6 already recorded, 0 completed, 0 diverged, "
            + "0 failed")
        .doesNotContain("overparam: start  run");
    assertThat(files(results.resolve("runs"))).isEqualTo(files);
    assertThat(recordedWidths(results)).isEqualTo(Map.of(8, 2, 16, 2, 32, 2));
  }

  @Test
  void stopsWhenTheBudgetIsSpent() throws Exception {
    // Widths 4 and 64: round 1 splits the gap at 16 (2 runs); round 2 finds two gaps of ratio
    // 4 next to the peak, or one if it is at an end, and the budget left (2 runs) pays for one.
    Path yaml = Files.writeString(tmp.resolve("budget.yaml"), TINY.replace("name: refine",
        "name: budget").replace("widths: [8, 32]", "widths: [4, 64]")
        .replace("resolution: 2.5, max_runs: 10", "resolution: 1.5, max_runs: 5"));
    Path results = tmp.resolve("results");
    String out = train(yaml, results, "--no-report");
    assertThat(out).contains("overparam: budget: refine round 1: ").contains(", adding 16\n")
        .contains("overparam: budget: refine round 2: ")
        .contains("overparam: budget: refine: 2 widths (4 runs) added in 2 rounds; stopped: the "
            + "budget of 5 added runs is spent (4 added; another width costs 2)")
        .contains("overparam: budget: 8 runs, 0 already recorded, 8 completed");
    Map<Integer, Integer> widths = recordedWidths(results);
    assertThat(widths).hasSize(4).containsEntry(4, 2).containsEntry(16, 2).containsEntry(64, 2);
    assertThat(widths.keySet()).containsAnyOf(8, 32);
  }

  static String train(Path yaml, Path results, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("train", yaml.toString(), "--results",
        results.toString(), "--master", "local[2]"));
    args.addAll(List.of(more));
    return DivergenceTest.captureStdout(() -> Main.run(new PrintWriter(new StringWriter(), true),
        new PrintWriter(System.err, true), args.toArray(String[]::new)));
  }

  /** Runs recorded per width, read back from the runs table's configurations. */
  static Map<Integer, Integer> recordedWidths(Path results) {
    Map<Integer, Integer> out = new TreeMap<>();
    for (Row r : TestSpark.get().read().parquet(results.resolve("runs").toString())
        .filter("status = 'completed'").select("config_json").collectAsList()) {
      int w = Integer.parseInt(r.getString(0).replaceAll(".*\"width\":(\\d+).*", "$1"));
      out.merge(w, 1, Integer::sum);
    }
    return out;
  }

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p) + ":"
          + p.toFile().lastModified()).sorted().toList();
    }
  }
}
