package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.analysis.Identification;
import org.overparam.cli.AnalyzeReportCommandTest.Result;
import org.overparam.testing.Duck;
import org.overparam.testing.TestSpark;

/**
 * The two small language-model scaling studies on the King James text that setup writes to
 * data/kjv.txt, conf/experiments/charlm-ci.yaml (the fixed-window MLP) and gpt-ci.yaml (the
 * decoder-only transformer), trained once for the class through the command line on local[2]
 * into one results root, as a user compares two families: each experiment's joint fit and
 * page, and the root's page that sets their scaling laws and compression side by side. The
 * tables are read back with DuckDB, which answers in milliseconds where each Spark query, after
 * the commands stopped the tests' session, would start one again.
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
    assertThat(one("select count(*) as n from " + table("analysis/compression_tolerance")
        + " where experiment = 'charlm-ci'").get("n")).isEqualTo(9L);

    assertThat(page("charlm-ci")).contains("in bits per character").contains("frontier-1-nd.png")
        .contains("scaling-1-LND.png").contains("compression-1-sparsity.png")
        .contains("Compute-optimal allocation");
  }

  @Test
  void gptFitsTheJointLawPerTokenCompressesAndReportsInBitsPerCharacter() throws Exception {
    assertThat(gpt.code()).as(gpt.out() + gpt.err()).isZero();
    assertThat(gpt.out()).contains("gpt-ci: 9 runs, 0 already recorded, 9 completed");
    checkJointFitAndBitsPerCharacter("gpt-ci", "gpt");
    // Every position predicts: train_size counts tokens, and compute is per token times them.
    Map<String, Object> c = one("select max(abs(compute_flops - flops_per_example * train_size "
        + "* epoch)) as flops, min(flops_per_example - 6 * non_embedding_params) as attention, "
        + "count(distinct family) as families, min(family) as family from " + table("metrics")
        + " where experiment = 'gpt-ci'");
    assertThat(((Number) c.get("flops")).doubleValue()).isZero();
    assertThat(((Number) c.get("attention")).longValue()).isPositive(); // the attention term
    assertThat(c.get("families")).isEqualTo(1L);
    assertThat(c.get("family")).isEqualTo("gpt");
    // The transformer's layers are pruned and quantised like any other family's.
    assertThat(one("select count(*) as n from " + table("analysis/compression_tolerance")
        + " where experiment = 'gpt-ci' and family = 'gpt'").get("n")).isEqualTo(9L);

    assertThat(page("gpt-ci")).contains("in bits per character").contains("frontier-1-nd.png")
        .contains("scaling-1-LND.png").contains("Compute-optimal allocation").contains("gpt")
        .contains("compression-1-sparsity.png");
  }

  @Test
  void theScalingLawsCountNonEmbeddingParameters() throws Exception {
    // Each cell carries its runs' family and N outside the embedding tables...
    List<Map<String, Object>> cells = Duck.rows("select c.experiment, c.family, "
        + "c.non_embedding_params as n, m.n as metrics_n, m.p, m.f from "
        + table("analysis/curves") + " c join (select experiment, width, train_size, "
        + "max(non_embedding_params) as n, max(params) as p, max(family) as f from "
        + table("metrics") + " group by all) m using (experiment, width, train_size)");
    assertThat(cells).hasSize(18).allSatisfy(r -> {
      assertThat(r.get("n")).isEqualTo(r.get("metrics_n"));
      assertThat(r.get("family")).isEqualTo(r.get("f"));
    });
    // ...the token and position tables are a good part of a small transformer...
    assertThat(cells).filteredOn(r -> r.get("experiment").equals("gpt-ci"))
        .allSatisfy(r -> assertThat((Long) r.get("n")).isLessThan((Long) r.get("p")));
    // ...and the laws are fitted to it: L(D)'s fixed sizes are the cells' N.
    List<Map<String, Object>> fixed = Duck.rows("select experiment, params, family from "
        + table("analysis/scaling_fits") + " where law = 'L(D)'");
    assertThat(fixed).hasSize(6).allSatisfy(f -> assertThat(cells).anySatisfy(r -> {
      assertThat(r.get("experiment")).isEqualTo(f.get("experiment"));
      assertThat(r.get("n")).isEqualTo(f.get("params"));
      assertThat(r.get("family")).isEqualTo(f.get("family"));
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
      Map<String, Object> f = joint(e[0]);
      String row = table.substring(table.indexOf("<tr><td>" + e[0] + " (" + e[1] + ")</td>"));
      row = row.substring(0, row.indexOf("</tr>"));
      String reason = ((String) f.get("reason")).replace("<", "&lt;").replace(">", "&gt;");
      // coefficients are shown when identified, and when only an interval is too wide
      boolean shown = (Boolean) f.get("identified")
          || reason.startsWith(Identification.INTERVAL_TOO_WIDE + ":");
      if (shown) {
        assertThat(row).contains((Boolean) f.get("identified") ? "<td>yes</td>"
            : "<td>no: " + Identification.INTERVAL_TOO_WIDE + "</td>");
        for (String k : new String[] {"alpha", "beta"}) {
          assertThat(row).as(k).contains("<td>" + fmt(f.get(k)) + " [" + fmt(f.get(k + "_lo"))
              + ", " + fmt(f.get(k + "_hi")) + "]</td>");
        }
      } else {
        assertThat(row).contains("<td>no</td>").contains("not identified: " + reason);
      }
    }
  }

  /** The joint fit ran on 3 sizes x 3 budgets, and the losses are bits per character. */
  private static void checkJointFitAndBitsPerCharacter(String experiment, String family)
      throws Exception {
    // Three sizes x three budgets: the joint fit runs and its exponents carry intervals.
    Map<String, Object> joint = joint(experiment);
    assertThat(joint.get("status")).isEqualTo("fitted");
    assertThat(joint.get("family")).isEqualTo(family);
    assertThat(joint.get("points")).isEqualTo(9);
    for (String k : new String[] {"alpha", "beta"}) {
      double v = (Double) joint.get(k);
      assertThat(v).as(k).isBetween(0.0, 3.0);
      assertThat((Double) joint.get(k + "_lo")).as(k).isLessThanOrEqualTo(v);
      assertThat((Double) joint.get(k + "_hi")).as(k).isGreaterThanOrEqualTo(v);
    }
    assertThat((Long) one("select count(*) as n from " + table("analysis/compute_optimal")
        + " where experiment = '" + experiment + "'").get("n")).isPositive();
    // Bits per character: the metrics' bpc is the loss in nats / ln 2, and training helped.
    Map<String, Object> m = one("select max(abs(test_bpc - test_loss / ln(2))) as d, "
        + "max(test_bpc) as bpc from " + table("metrics") + " where experiment = '" + experiment
        + "'");
    assertThat((Double) m.get("d")).isLessThan(1e-9);
    assertThat((Double) m.get("bpc")).isLessThan(Math.log(63) / Math.log(2)); // below uniform
  }

  /** The L(N, D) row of scaling_fits of {@code experiment}. */
  private static Map<String, Object> joint(String experiment) throws Exception {
    return one("select * from " + table("analysis/scaling_fits") + " where law = 'L(N,D)' and "
        + "experiment = '" + experiment + "'");
  }

  /** The single row of {@code sql}, read by DuckDB from the Parquet files. */
  private static Map<String, Object> one(String sql) throws Exception {
    List<Map<String, Object>> rows = Duck.rows(sql);
    assertThat(rows).as(sql).hasSize(1);
    return rows.get(0);
  }

  private static String table(String name) {
    return Duck.table(Path.of(results), name);
  }

  private static String page(String experiment) throws Exception {
    return Files.readString(Path.of(results, "report", experiment, "index.html"));
  }

  /** A number as the report prints it: four significant digits. */
  private static String fmt(Object x) {
    return String.format(Locale.ROOT, "%.4g", (Double) x);
  }
}
