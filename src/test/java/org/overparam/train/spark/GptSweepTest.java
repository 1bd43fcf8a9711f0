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
import org.overparam.model.Gpt;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;

/**
 * A tiny transformer trained for real on Genesis 1-3 by each strategy on local[2], with
 * character and byte tokens: the same metrics rows, per predicted token, read back by Spark.
 */
class GptSweepTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"per-task, char", "parameter-averaging, char", "per-task, byte"})
  void trainsEveryPositionAndRecordsTokensAndCompute(String strategy, String tokens)
      throws Exception {
    String text = Path.of(GptSweepTest.class.getResource("/text/genesis-1-3.kjv").toURI())
        .toString();
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse("""
        name: gpt-%s-%s
        dataset: {kind: text, path: '%s', context: 16, validation_fraction: 0.1, test_size: 800,
                  tokens: %s}
        train_sizes: [4096]
        model: {family: gpt, depths: [1], widths: [16], heads: 2}
        optimizer: {kind: adam, learning_rate: 0.005, batch_size: 16}
        dropout: [0.1]
        epochs: 3
        seeds: [3]
        strategy: {kind: %s, workers: 2, averaging_frequency: 4, batch_per_worker: 16}
        """.formatted(strategy, tokens, text, tokens, strategy), "g.yaml"));
    SparkSession spark = TestSpark.get();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ResultsStore store = ResultsStore.open(tmp.toString())
        .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId()));
    Sweep.Summary s = new Sweep(sc, store, System.out).run(runs);
    assertThat(s.completed()).isEqualTo(1);

    Dataset<Row> m = spark.read().parquet(tmp.resolve("metrics").toString());
    List<Row> rows = m.orderBy("epoch").select("params", "non_embedding_params",
        "flops_per_example", "train_size", "compute_flops", "train_loss", "test_loss",
        "test_bpc", "strategy", "family", "samples_per_second", "epoch_seconds", "dataset")
        .collectAsList();
    assertThat(rows).hasSize(3);
    int vocabulary = tokens.equals("byte") ? 256 : vocabularyOf(text);
    for (Row r : rows) {
      assertThat(r.getLong(0)).isEqualTo(Gpt.params(16, vocabulary, 1, 16));
      assertThat(r.getLong(1)).isEqualTo(Gpt.nonEmbeddingParams(16, vocabulary, 1, 16));
      assertThat(r.getLong(2)).isEqualTo(6 * r.getLong(1) + 12L * 16 * 16);
      assertThat(r.getInt(3)).isEqualTo(4096);
      assertThat(r.getString(8)).isEqualTo(strategy);
      assertThat(r.getString(9)).isEqualTo("gpt");
      assertThat(r.getDouble(7)).isCloseTo(r.getDouble(6) / Math.log(2), within(1e-12));
      // tokens per second: train_size predicted tokens per epoch
      assertThat(r.getDouble(10)).isCloseTo(4096 / r.getDouble(11), within(1e-6 * r.getDouble(10)));
      assertThat(r.getString(12)).endsWith(tokens.equals("byte") ? ",tokens=byte" : "0.1");
    }
    Row last = rows.get(2);
    assertThat(last.getDouble(4)).isEqualTo(3.0 * last.getLong(2) * 4096);
    // Training helped: below a uniform guess over the vocabulary, and falling.
    assertThat(last.getDouble(6)).isLessThan(0.85 * Math.log(vocabulary));
    assertThat(last.getDouble(5)).isLessThan(rows.get(0).getDouble(5));
  }

  private static int vocabularyOf(String path) throws Exception {
    return org.overparam.data.TextCorpus.read(Path.of(path), 16, 0.1).vocabularySize();
  }
}
