package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.AnalyzeReportCommandTest.Result;
import org.overparam.testing.TestSpark;

/**
 * The two small language-model scaling studies on the King James text that setup writes to
 * data/kjv.txt, conf/experiments/charlm-ci.yaml (the fixed-window MLP) and gpt-ci.yaml (the
 * decoder-only transformer), trained once for the class through the command line on local[2]
 * into one results root, as a user compares two families: each experiment's joint fit and
 * page, and the root's page that sets their scaling laws and compression side by side.
 */
class LanguageModelCiExperimentsTest {
  @TempDir
  static Path tmp;
  static String results;
  static Result charlm;
  static Result gpt;

  @BeforeAll
  static void trainBothIntoOneRoot() {
    assertThat(Path.of("data/kjv.txt")).as("the corpus submit/setup writes").isRegularFile();
    results = tmp.resolve("results").toString();
    TestSpark.get(); // each command reuses the tests' session, and stops it when done
    charlm = AnalyzeReportCommandTest.cli("train", "conf/experiments/charlm-ci.yaml",
        "--results", results, "--master", "local[2]");
    TestSpark.get();
    gpt = AnalyzeReportCommandTest.cli("train", "conf/experiments/gpt-ci.yaml",
        "--results", results, "--master", "local[2]");
  }

  @Test
  void charlmFitsTheJointLawCompressesAndReportsInBitsPerCharacter() throws Exception {
    assertThat(charlm.code()).as(charlm.out() + charlm.err()).isZero();
    assertThat(charlm.out()).contains("charlm-ci: 9 runs, 0 already recorded, 9 completed");
    checkJointFitAndBitsPerCharacter("charlm-ci", "charlm");
    SparkSession spark = TestSpark.get();
    assertThat(spark.read().parquet(results + "/analysis/compression_tolerance")
        .filter("experiment = 'charlm-ci'").count()).isEqualTo(9);

    assertThat(page("charlm-ci")).contains("in bits per character").contains("frontier-1-nd.png")
        .contains("scaling-1-LND.png").contains("compression-1-sparsity.png")
        .contains("Compute-optimal allocation");
  }

  @Test
  void gptFitsTheJointLawPerTokenCompressesAndReportsInBitsPerCharacter() throws Exception {
    assertThat(gpt.code()).as(gpt.out() + gpt.err()).isZero();
    assertThat(gpt.out()).contains("gpt-ci: 9 runs, 0 already recorded, 9 completed");
    checkJointFitAndBitsPerCharacter("gpt-ci", "gpt");
    SparkSession spark = TestSpark.get();
    // Every position predicts: train_size counts tokens, and compute is per token times them.
    Row c = spark.read().parquet(results + "/metrics").filter("experiment = 'gpt-ci'")
        .selectExpr("max(abs(compute_flops - flops_per_example * train_size * epoch))",
            "min(flops_per_example - 6 * non_embedding_params)", "count(distinct family)",
            "min(family)").first();
    assertThat(c.getDouble(0)).isZero();
    assertThat(c.getLong(1)).isPositive(); // the attention term
    assertThat(c.getLong(2)).isEqualTo(1);
    assertThat(c.getString(3)).isEqualTo("gpt");
    // The transformer's layers are pruned and quantised like any other family's.
    assertThat(spark.read().parquet(results + "/analysis/compression_tolerance")
        .filter("experiment = 'gpt-ci' and family = 'gpt'").count()).isEqualTo(9);

    assertThat(page("gpt-ci")).contains("in bits per character").contains("frontier-1-nd.png")
        .contains("scaling-1-LND.png").contains("Compute-optimal allocation").contains("gpt")
        .contains("compression-1-sparsity.png");
  }

  @Test
  void theScalingLawsCountNonEmbeddingParameters() {
    SparkSession spark = TestSpark.get();
    // Each cell carries its runs' family and N outside the embedding tables...
    List<Row> cells = spark.read().parquet(results + "/metrics").groupBy("experiment", "width",
        "train_size").agg(org.apache.spark.sql.functions.max("non_embedding_params").as("n"),
        org.apache.spark.sql.functions.max("params").as("p"),
        org.apache.spark.sql.functions.max("family").as("f"))
        .join(spark.read().parquet(results + "/analysis/curves"),
            scala.collection.JavaConverters.asScalaBuffer(List.of("experiment", "width",
                "train_size")).toSeq())
        .selectExpr("experiment", "n", "p", "f", "non_embedding_params", "family")
        .collectAsList();
    assertThat(cells).hasSize(18).allSatisfy(r -> {
      assertThat(r.getLong(4)).isEqualTo(r.getLong(1));
      assertThat(r.getString(5)).isEqualTo(r.getString(3));
    });
    // ...the token and position tables are a good part of a small transformer...
    assertThat(cells).filteredOn(r -> r.getString(0).equals("gpt-ci"))
        .allSatisfy(r -> assertThat(r.getLong(1)).isLessThan(r.getLong(2)));
    // ...and the laws are fitted to it: L(D)'s fixed sizes are the cells' N.
    List<Row> fixed = spark.read().parquet(results + "/analysis/scaling_fits")
        .filter("law = 'L(D)'").selectExpr("experiment", "params", "family").collectAsList();
    assertThat(fixed).hasSize(6).allSatisfy(f -> assertThat(cells).anySatisfy(r -> {
      assertThat(r.getString(0)).isEqualTo(f.getString(0));
      assertThat(r.getLong(1)).isEqualTo(f.getLong(1));
      assertThat(r.getString(3)).isEqualTo(f.getString(2));
    }));
  }

  @Test
  void theRootPageSetsBothFamiliesSideBySide() throws Exception {
    assertThat(gpt.out()).contains("overparam: report: 2 experiments side by side: ");
    Path root = Path.of(results, "report");
    String html = Files.readString(root.resolve("index.html"));
    assertThat(html).contains("<a href=\"charlm-ci/index.html\">charlm-ci</a> (charlm)")
        .contains("<a href=\"gpt-ci/index.html\">gpt-ci</a> (gpt)")
        .contains("<h2>Scaling laws compared</h2>")
        .contains("N = non-embedding parameters")
        .contains("the charts share their axes").contains("loss in bits per character")
        .contains("<h2>Compression compared</h2>").doesNotContain("Not compressed");
    // One chart per family, side by side, and one of both families' compression.
    for (String png : List.of("compare-scaling-1.png", "compare-scaling-2.png",
        "compare-compression.png")) {
      assertThat(html).contains("<img src=\"" + png + "\"");
      assertThat(ImageIO.read(root.resolve(png).toFile())).as(png).isNotNull();
    }
    assertThat(html).doesNotContain("compare-scaling-3.png");
    // One table row per family's L(N, D): its coefficients and intervals, or why not.
    String table = html.substring(html.indexOf("<h3>L(N, D) = E + A / N^alpha"));
    for (String[] e : new String[][] {{"charlm-ci", "charlm"}, {"gpt-ci", "gpt"}}) {
      Row f = TestSpark.get().read().parquet(results + "/analysis/scaling_fits")
          .filter("law = 'L(N,D)' and experiment = '" + e[0] + "'").first();
      String row = table.substring(table.indexOf("<tr><td>" + e[0] + " (" + e[1] + ")</td>"));
      row = row.substring(0, row.indexOf("</tr>"));
      if (f.<Boolean>getAs("identified")) {
        assertThat(row).contains("<td>yes</td>");
        for (String k : new String[] {"alpha", "beta"}) {
          assertThat(row).as(k).contains("<td>" + fmt(f.getAs(k)) + " [" + fmt(f.getAs(k + "_lo"))
              + ", " + fmt(f.getAs(k + "_hi")) + "]</td>");
        }
      } else {
        assertThat(row).contains("<td>no</td>")
            .contains("not identified: " + f.<String>getAs("reason").replace("<", "&lt;")
                .replace(">", "&gt;"));
      }
    }
  }

  /** The joint fit ran on 3 sizes x 3 budgets, and the losses are bits per character. */
  private static void checkJointFitAndBitsPerCharacter(String experiment, String family) {
    SparkSession spark = TestSpark.get();
    // Three sizes x three budgets: the joint fit runs and its exponents carry intervals.
    Row joint = spark.read().parquet(results + "/analysis/scaling_fits")
        .filter("law = 'L(N,D)' and experiment = '" + experiment + "'").first();
    assertThat(joint.<String>getAs("status")).isEqualTo("fitted");
    assertThat(joint.<String>getAs("family")).isEqualTo(family);
    assertThat(joint.<Integer>getAs("points")).isEqualTo(9);
    for (String k : new String[] {"alpha", "beta"}) {
      double v = joint.getAs(k);
      assertThat(v).as(k).isBetween(0.0, 3.0);
      assertThat(joint.<Double>getAs(k + "_lo")).as(k).isLessThanOrEqualTo(v);
      assertThat(joint.<Double>getAs(k + "_hi")).as(k).isGreaterThanOrEqualTo(v);
    }
    assertThat(spark.read().parquet(results + "/analysis/compute_optimal")
        .filter("experiment = '" + experiment + "'").count()).isPositive();
    // Bits per character: the metrics' bpc is the loss in nats / ln 2, and training helped.
    Row m = spark.read().parquet(results + "/metrics").filter("experiment = '" + experiment
        + "'").selectExpr("max(abs(test_bpc - test_loss / ln(2)))", "max(test_bpc)").first();
    assertThat(m.getDouble(0)).isLessThan(1e-9);
    assertThat(m.getDouble(1)).isLessThan(Math.log(63) / Math.log(2)); // below uniform guessing
  }

  private static String page(String experiment) throws Exception {
    return Files.readString(Path.of(results, "report", experiment, "index.html"));
  }

  /** A number as the report prints it: four significant digits. */
  private static String fmt(Double x) {
    return String.format(Locale.ROOT, "%.4g", x);
  }
}
