package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;

/**
 * Sweeps of both families with a compression section on a real local[2] Spark: the metrics carry
 * the scaling columns and the compression table is read back by Spark SQL.
 */
class CompressionSweepTest {
  @TempDir
  Path tmp;

  static String experiment(String family, String strategy) throws Exception {
    String text = Path.of(CompressionSweepTest.class.getResource("/text/genesis-1-3.kjv").toURI())
        .toString();
    String data = family.equals("mlp")
        ? "{kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}"
        : "{kind: text, path: '" + text + "', context: 8, test_size: 500}";
    String model = family.equals("mlp") ? "{family: mlp, depths: [1], widths: [8, 32]}"
        : "{family: " + family + ", depths: [1], widths: [8, 32], embedding: 4}";
    return """
        name: squeeze-%s-%s
        dataset: %s
        train_sizes: [512]
        model: %s
        optimizer: {kind: adam, learning_rate: 0.01, batch_size: 32}
        epochs: 3
        seeds: [2]
        strategy: {kind: %s, workers: 2, averaging_frequency: 2, batch_per_worker: 32}
        compression: {sparsities: [0.5, 0.9], quantize_int8: true}
        """.formatted(family, strategy, data, model, strategy);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"charlm, per-task", "charlm, parameter-averaging", "charlstm, per-task",
      "mlp, per-task"})
  void writesCompressionRowsSparkReadsBack(String family, String strategy) throws Exception {
    SparkSession spark = TestSpark.get();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(experiment(family, strategy), "s.yaml"));
    ResultsStore store = ResultsStore.open(tmp.toString())
        .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId()));
    Sweep.Summary s = new Sweep(sc, store, System.out).run(runs);
    assertThat(s.completed()).isEqualTo(2);

    Dataset<Row> m = spark.read().parquet(tmp.resolve("metrics").toString());
    assertThat(m.count()).isEqualTo(2 * 3);
    for (Row r : m.select("params", "non_embedding_params", "embedding", "test_loss", "test_bpc",
        "train_loss", "train_bpc", "train_size", "family").collectAsList()) {
      long embeddingParams = r.getLong(0) - r.getLong(1);
      assertThat(embeddingParams % Math.max(1, r.getInt(2))).isZero();
      assertThat(embeddingParams == 0).isEqualTo(family.equals("mlp"));
      assertThat(r.getDouble(4)).isCloseTo(r.getDouble(3) / Math.log(2), within(1e-12));
      assertThat(r.getDouble(6)).isCloseTo(r.getDouble(5) / Math.log(2), within(1e-12));
      assertThat(r.getInt(7)).isEqualTo(512);
      assertThat(r.getString(8)).isEqualTo(family);
    }

    Dataset<Row> c = spark.read().parquet(tmp.resolve("compression").toString());
    assertThat(c.count()).isEqualTo(2 * 3 * 2);
    assertThat(c.select("experiment").distinct().first().getString(0))
        .isEqualTo("squeeze-" + family + "-" + strategy);
    assertThat(c.filter("variant = 'prune-0.9' and achieved_sparsity >= 0.89").count())
        .isEqualTo(2);
    assertThat(c.filter("variant = 'dense' and achieved_sparsity = 0 and quantization = 'none'")
        .count()).isEqualTo(2);
    // The dense variant is the model as trained: its test loss is the last epoch's.
    List<Row> joined = c.filter("variant = 'dense'").join(m.filter("epoch = 3"), "run_id")
        .select(c.col("test_loss"), m.col("test_loss")).collectAsList();
    assertThat(joined).hasSize(2);
    for (Row r : joined) {
      assertThat(r.getDouble(0)).isCloseTo(r.getDouble(1), within(1e-6));
    }

    // Rerunning trains nothing and leaves the compression rows as they were.
    assertThat(new Sweep(sc, store, System.out).run(runs).skipped()).isEqualTo(2);
    assertThat(spark.read().parquet(tmp.resolve("compression").toString()).count())
        .isEqualTo(12);
  }
}
