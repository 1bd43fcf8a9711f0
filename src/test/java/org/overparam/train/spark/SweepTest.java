package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;

/** Trains a tiny real grid on a real local[2] Spark with each strategy and reads the rows back. */
class SweepTest {
  @TempDir
  Path tmp;

  static String experiment(String strategy) {
    return """
        name: tiny-%s
        dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}
        train_sizes: [256]
        label_noise: [0.0, 0.1]
        model: {family: mlp, depths: [1], widths: [8, 32]}
        optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
        epochs: 6
        seeds: [3]
        strategy: {kind: %s, workers: 2, averaging_frequency: 2, batch_per_worker: 32}
        """.formatted(strategy, strategy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"per-task", "parameter-averaging"})
  void trainsEveryRunRecordsEveryEpochOnceAndLowersTrainingLoss(String strategy) throws Exception {
    SparkSession spark = TestSpark.get();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(experiment(strategy), "tiny.yaml"));
    ResultsStore store = ResultsStore.open(tmp.toString())
        .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId()));

    Sweep.Summary first = new Sweep(sc, store, System.out).run(runs);
    assertThat(first.completed()).isEqualTo(4);
    assertThat(first.failed()).isZero();

    String metrics = tmp.resolve("metrics").toString();
    Dataset<Row> m = spark.read().parquet(metrics);
    assertThat(m.count()).isEqualTo(4 * 6);
    assertThat(m.select("run_id", "epoch").distinct().count()).isEqualTo(4 * 6);
    assertThat(m.filter("strategy = '" + strategy + "'").count()).isEqualTo(24);
    assertThat(m.select("experiment").distinct().collectAsList().get(0).getString(0))
        .isEqualTo("tiny-" + strategy);
    // Training lowers the training loss: last epoch below first, for every run.
    for (Row r : m.groupBy("run_id").agg(
        org.apache.spark.sql.functions.min_by(m.col("train_loss"), m.col("epoch")).as("first"),
        org.apache.spark.sql.functions.max_by(m.col("train_loss"), m.col("epoch")).as("last"))
        .collectAsList()) {
      assertThat(r.getDouble(2)).as("run %s", r.getString(0)).isLessThan(r.getDouble(1));
    }
    Dataset<Row> runsTable = spark.read().parquet(tmp.resolve("runs").toString());
    assertThat(runsTable.filter("status = 'completed'").count()).isEqualTo(4);
    assertThat(runsTable.select("spark_master").first().getString(0)).isEqualTo("local[2]");

    // A second sweep trains nothing and adds no rows.
    Sweep.Summary second = new Sweep(sc, store, System.out).run(runs);
    assertThat(second.skipped()).isEqualTo(4);
    assertThat(second.completed()).isZero();
    assertThat(spark.read().parquet(metrics).count()).isEqualTo(24);

    // DuckDB reads the same rows.
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery("select count(*), count(distinct run_id) "
            + "from read_parquet('" + metrics + "/**/*.parquet', hive_partitioning = true)")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(24);
      assertThat(rs.getLong(2)).isEqualTo(4);
    }
  }

  @org.junit.jupiter.api.Test
  void runsOfOneShapeTrainInOneTaskAsAStackAndAreRecordedSo() throws Exception {
    SparkSession spark = TestSpark.get();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(experiment("per-task")
        .replace("name: tiny-per-task", "name: tiny-stacked")
        .replace("{kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}",
            "{kind: adam, learning_rate: 0.01, batch_size: 32}")
        .replace("widths: [8, 32]", "widths: [8]").replace("seeds: [3]", "seeds: [3, 4, 5, 6]"),
        "tiny.yaml"));
    ResultsStore store = ResultsStore.open(tmp.toString())
        .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId()));
    // 8 runs of one shape on 2 slots: 2 to a stack, half a slot's share of the sweep each
    assertThat(Planner.plan(runs, 2, r -> 1e-6).units()).hasSize(4)
        .allMatch(u -> u.stacked() && u.runs().size() == 2);

    Sweep.Summary first = new Sweep(sc, store, System.out).run(runs);
    assertThat(first.completed()).isEqualTo(8);

    Dataset<Row> runsTable = spark.read().parquet(tmp.resolve("runs").toString());
    assertThat(runsTable.filter("status = 'completed' and stack_size = 2").count()).isEqualTo(8);
    Dataset<Row> m = spark.read().parquet(tmp.resolve("metrics").toString());
    assertThat(m.select("run_id", "epoch").distinct().count()).isEqualTo(8 * 6);
    assertThat(m.filter("epoch = 6").select("test_loss").distinct().count()).isEqualTo(8);
    assertThat(new Sweep(sc, store, System.out).run(runs).skipped()).isEqualTo(8);
  }
}
