package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.AnalyzeReportCommandTest.Result;
import org.overparam.testing.TestSpark;

/**
 * The small transformer scaling study, conf/experiments/gpt-ci.yaml, on the King James text
 * that setup writes to data/kjv.txt: trained, analysed and reported through the command line
 * on local[2].
 */
class GptCiExperimentTest {
  @TempDir
  Path tmp;

  @Test
  void trainsFitsTheJointLawAndReportsTheFamilyInBitsPerCharacter() throws Exception {
    assertThat(Path.of("data/kjv.txt")).as("the corpus submit/setup writes").isRegularFile();
    String results = tmp.resolve("results").toString();
    TestSpark.get(); // the command reuses the tests' session, and stops it when done
    Result train = AnalyzeReportCommandTest.cli("train", "conf/experiments/gpt-ci.yaml",
        "--results", results, "--master", "local[2]");
    assertThat(train.code()).as(train.out() + train.err()).isZero();
    assertThat(train.out()).contains("gpt-ci: 9 runs, 0 already recorded, 9 completed");

    SparkSession spark = TestSpark.get();
    // Three sizes x three budgets: the joint fit runs and its exponents carry intervals.
    Row joint = spark.read().parquet(results + "/analysis/scaling_fits")
        .filter("law = 'L(N,D)'").first();
    assertThat(joint.<String>getAs("status")).isEqualTo("fitted");
    assertThat(joint.<Integer>getAs("points")).isEqualTo(9);
    for (String k : new String[] {"alpha", "beta"}) {
      double v = joint.getAs(k);
      assertThat(v).as(k).isBetween(0.0, 3.0);
      assertThat(joint.<Double>getAs(k + "_lo")).as(k).isLessThanOrEqualTo(v);
      assertThat(joint.<Double>getAs(k + "_hi")).as(k).isGreaterThanOrEqualTo(v);
    }
    assertThat(spark.read().parquet(results + "/analysis/compute_optimal").count()).isPositive();
    // Bits per character: the metrics' bpc is the loss in nats / ln 2, and training helped.
    Row m = spark.read().parquet(results + "/metrics")
        .selectExpr("max(abs(test_bpc - test_loss / ln(2)))", "max(test_bpc)").first();
    assertThat(m.getDouble(0)).isLessThan(1e-9);
    assertThat(m.getDouble(1)).isLessThan(Math.log(63) / Math.log(2)); // below uniform guessing
    // Every position predicts: train_size counts tokens, and compute is per token times them.
    Row c = spark.read().parquet(results + "/metrics").selectExpr(
        "max(abs(compute_flops - flops_per_example * train_size * epoch))",
        "min(flops_per_example - 6 * non_embedding_params)", "count(distinct family)",
        "min(family)").first();
    assertThat(c.getDouble(0)).isZero();
    assertThat(c.getLong(1)).isPositive(); // the attention term
    assertThat(c.getLong(2)).isEqualTo(1);
    assertThat(c.getString(3)).isEqualTo("gpt");

    String html = Files.readString(Path.of(results, "report", "gpt-ci", "index.html"));
    assertThat(html).contains("in bits per character").contains("frontier-1-nd.png")
        .contains("scaling-1-LND.png").contains("Compute-optimal allocation").contains("gpt");
  }
}
