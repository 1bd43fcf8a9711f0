package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;

/**
 * Three sweeps write to one results root at once: two of the same experiment, one of another.
 * Each run is recorded once, with one row per (run, epoch), and the other experiment's partition
 * is untouched by the first two.
 */
class ConcurrentSweepsTest {
  @TempDir
  Path tmp;

  static List<RunSpec> runs(String name) {
    return Grid.runs(ExperimentFile.parse("""
        name: %s
        dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}
        train_sizes: [256]
        model: {family: mlp, depths: [1], widths: [4, 8, 16, 32, 64]}
        optimizer: {kind: adam, learning_rate: 0.01, batch_size: 32}
        epochs: 5
        checkpoint_every: 2
        seeds: [0]
        strategy: {kind: per-task}
        """.formatted(name), name + ".yaml"));
  }

  @Test
  void sweepsSharingARootRecordEachRunOnce() throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    String root = tmp.resolve("results").toString();
    List<RunSpec> same = runs("shared");
    List<RunSpec> other = runs("other");

    // Each sweep opens the (new) root itself, as separate processes would.
    List<CompletableFuture<Sweep.Summary>> sweeps = List.of(same, same, other).stream()
        .map(r -> CompletableFuture.supplyAsync(() -> new Sweep(sc, ResultsStore.open(root)
            .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId())),
            new PrintStream(new ByteArrayOutputStream())).run(r))).toList();
    List<Sweep.Summary> s = sweeps.stream().map(CompletableFuture::join).toList();

    // The two sweeps of one experiment: every run done by one of them, skipped by the other
    // (already recorded when it planned, or recorded meanwhile), or trained by both.
    assertThat(s.get(0).failed() + s.get(1).failed() + s.get(2).failed()).isZero();
    assertThat(s.get(0).completed() + s.get(1).completed()).isBetween(5, 10);
    assertThat(s.get(0).completed() + s.get(0).skipped()).isEqualTo(5);
    assertThat(s.get(1).completed() + s.get(1).skipped()).isEqualTo(5);
    assertThat(s.get(2).completed()).isEqualTo(5);

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery("select experiment, count(*), "
            + "count(distinct (run_id, epoch)), count(distinct run_id) from read_parquet('"
            + root + "/metrics/**/*.parquet', hive_partitioning = true) group by experiment "
            + "order by experiment")) {
      for (String exp : List.of("other", "shared")) {
        assertThat(rs.next()).isTrue();
        assertThat(List.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
            .containsExactly(exp, 25L, 25L, 5L);
      }
      assertThat(rs.next()).isFalse();
    }
    assertThat(tmp.resolve("results/_checkpoints")).doesNotExist();
  }
}
