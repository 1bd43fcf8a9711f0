package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.analysis.SyntheticMetrics.Run;
import org.overparam.report.Report;
import org.overparam.testing.TestSpark;

/**
 * Scaling tables on cells whose least test loss follows a known law
 * L(N, D) = 1.7 + 300 N^-0.35 + 50 D^-0.3 exactly, through the real fitter, then the report.
 */
class ScalingTablesTest {
  static final double E = 1.7;
  static final double A = 300;
  static final double ALPHA = 0.35;
  static final double B = 50;
  static final double BETA = 0.3;
  static final long[] N = {100_000, 300_000, 1_000_000, 3_000_000, 10_000_000};
  static final int[] D = {10_000, 30_000, 100_000, 300_000};
  /** The runs' data source: a text corpus, so the report shows bits per character. */
  static final String TEXT = "text:corpus.txt,context=8,validation=0.1";

  @TempDir
  static Path tmp;
  static String results;
  static String printed;

  static double law(double n, double d) {
    return E + A * Math.pow(n, -ALPHA) + B * Math.pow(d, -BETA);
  }

  @BeforeAll
  static void analyse() {
    SparkSession spark = TestSpark.get();
    SyntheticMetrics s = new SyntheticMetrics();
    for (long n : N) {
      for (int d : D) {
        for (long seed = 1; seed <= 2; seed++) {
          // The least test loss (epoch 2) is the law's value; epoch 3 overfits.
          Run r = new Run("law", 0, 0, 0, d, 1, (int) (n / 1000), n, seed);
          double l = law(n, d);
          s.epoch(r, 1, 3, 3, 0.5, l + 1, 0.5, "completed");
          s.epoch(r, 2, 3, 2, 0.2, l, 0.3, "completed");
          s.epoch(r, 3, 3, 1, 0.0, l + 0.2, 0.35, "completed");
          s.run(r, "completed", "", TEXT);
        }
      }
    }
    // A setting (noise 0.2) whose loss against N has a double-descent bump at one data size
    // and rises at large N at the others: its L(N) fits are fitted but not identified.
    long[] wide = {10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000};
    for (int i = 0; i < wide.length; i++) {
      for (int d : new int[] {1000, 3000}) {
        Run r = new Run("law", 0.2, 0, 0, d, 1, (int) (wide[i] / 1000), wide[i], 1);
        double l = law(wide[i], d) * (i == 3 ? 1.25 : 1);
        s.epoch(r, 1, 1, 1, 0.1, l, 0.3, "completed").run(r, "completed", "", TEXT);
      }
    }
    // A setting with three model sizes and one data size: every fit is skipped.
    for (int w : new int[] {4, 8, 16}) {
      Run r = new Run("law", 0.1, 0, 0, 1000, 1, w, 100L * w, 1);
      s.epoch(r, 1, 1, 1, 0.1, 2, 0.3, "completed").run(r, "completed", "", TEXT);
    }
    s.write(spark, tmp);
    results = tmp.toString();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Analysis.run(spark, Inputs.check(results, null, null), new PrintStream(buf, true,
        StandardCharsets.UTF_8));
    printed = buf.toString(StandardCharsets.UTF_8);
  }

  static List<Row> rows(String table, String where) {
    return TestSpark.get().read().parquet(results + "/analysis/" + table).filter(where)
        .collectAsList();
  }

  @Test
  void theJointFitRecoversTheLawWithIntervalsAroundIt() {
    List<Row> joint = rows("scaling_fits", "law = 'L(N,D)' and label_noise = 0");
    assertThat(joint).hasSize(1);
    Row f = joint.get(0);
    assertThat(f.<String>getAs("status")).isEqualTo("fitted");
    assertThat(f.<Integer>getAs("points")).isEqualTo(20);
    double[][] truth = {{E, 0}, {A, 0}, {ALPHA, 0}, {B, 0}, {BETA, 0}};
    String[] names = {"e", "a", "alpha", "b", "beta"};
    for (int i = 0; i < names.length; i++) {
      double v = f.getAs(names[i]);
      assertThat(v).as(names[i]).isCloseTo(truth[i][0], within(1e-3 * truth[i][0]));
      assertThat(f.<Double>getAs(names[i] + "_lo")).as(names[i]).isLessThanOrEqualTo(v);
      assertThat(f.<Double>getAs(names[i] + "_hi")).as(names[i]).isGreaterThanOrEqualTo(v);
    }
    assertThat(f.<Double>getAs("r2_log_loss")).isGreaterThan(0.9999);
    assertThat(f.<Integer>getAs("bootstrap_resamples")).isEqualTo(HuberFitter.RESAMPLES);
    assertThat(f.<Long>getAs("seed")).isEqualTo(Analysis.BOOTSTRAP_SEED);
    // Fitted on N up to 3e6, the law predicts the cells at N = 1e7.
    assertThat(f.<Double>getAs("holdout_scale")).isEqualTo(1e7);
    assertThat(f.<Double>getAs("holdout_relative_error")).isLessThan(1e-3);
    assertThat(printed).contains("law: noise 0.0, wd 0.0, dropout 0.0: L(N, D) = 1.70 + 300 "
        + "N^-0.350 + 50.0 D^-0.300");
  }

  @Test
  void oneScaleFitsHaveTheLawsExponentsAtEachFixedSize() {
    List<Row> byD = rows("scaling_fits", "law = 'L(N)' and label_noise = 0");
    assertThat(byD).hasSize(D.length).allSatisfy(f -> {
      assertThat(f.<String>getAs("status")).isEqualTo("fitted");
      assertThat(f.<Double>getAs("alpha")).isCloseTo(ALPHA, within(1e-3));
      // At fixed D the irreducible term absorbs B D^-beta.
      int d = f.getAs("train_size");
      assertThat(f.<Double>getAs("e")).isCloseTo(E + B * Math.pow(d, -BETA), within(1e-3));
    });
    List<Row> byN = rows("scaling_fits", "law = 'L(D)' and label_noise = 0");
    assertThat(byN).hasSize(N.length).allSatisfy(f -> {
      assertThat(f.<Double>getAs("alpha")).isCloseTo(BETA, within(1e-3));
      // Four data sizes: too few to hold the largest out and still fit three coefficients.
      assertThat(f.<Object>getAs("holdout_scale")).isNull();
    });
  }

  @Test
  void computeOptimalAllocationFollowsTheClosedForm() {
    List<Row> opt = rows("compute_optimal", "label_noise = 0");
    assertThat(opt).isNotEmpty();
    double g = Math.pow(ALPHA * A / (BETA * B), 1 / (ALPHA + BETA));
    for (Row r : opt) {
      double c = r.getAs("budget_flops");
      double n = g * Math.pow(c / 6, BETA / (ALPHA + BETA));
      assertThat(r.<Double>getAs("params_opt")).isCloseTo(n, within(0.02 * n));
      assertThat(r.<Double>getAs("data_opt") * r.<Double>getAs("params_opt") * 6)
          .isCloseTo(c, within(1e-6 * c));
    }
    // Decades from the smallest measured 6 N D (6e9) to ten times the largest (1.8e13).
    assertThat(opt).extracting(r -> r.<Double>getAs("budget_flops"))
        .containsExactly(1e10, 1e11, 1e12, 1e13, 1e14);
  }

  @Test
  void tooFewSizesAreSkippedSayingWhy() {
    List<Row> skipped = rows("scaling_fits", "label_noise = 0.1");
    assertThat(skipped).isNotEmpty().allSatisfy(f -> assertThat(f.<String>getAs("status"))
        .isEqualTo("skipped"));
    assertThat(skipped).anySatisfy(f -> assertThat(f.<String>getAs("reason"))
        .isEqualTo("3 distinct model sizes; L(N) needs at least 4"));
    assertThat(printed).contains("law: noise 0.1, wd 0.0, dropout 0.0: scaling fits skipped: 3 "
        + "distinct model sizes and 1 training-set sizes");
  }

  @Test
  void fitsSayWhetherTheyAreIdentified() {
    Row joint = rows("scaling_fits", "law = 'L(N,D)' and label_noise = 0").get(0);
    assertThat(joint.<Boolean>getAs("identified")).isTrue();
    assertThat(joint.<String>getAs("reason")).isEmpty();
    List<Row> bump = rows("scaling_fits", "law = 'L(N)' and label_noise = 0.2");
    assertThat(bump).hasSize(2).allSatisfy(f -> {
      assertThat(f.<String>getAs("status")).isEqualTo("fitted");
      assertThat(f.<Boolean>getAs("identified")).isFalse();
      assertThat(f.<String>getAs("reason")).startsWith("loss not monotone in size: mean loss "
          + "rises").contains("double descent");
    });
    assertThat(rows("scaling_fits", "status = 'skipped'")).isNotEmpty().allSatisfy(f ->
        assertThat(f.<Boolean>getAs("identified")).isFalse());
  }

  @Test
  void theReportDrawsTheFitsAndListsTheCoefficients() throws Exception {
    List<String> pages = Report.write(TestSpark.get(), results, List.of("law"),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Path index = Path.of(java.net.URI.create(pages.get(0)).getPath());
    String html = Files.readString(index);
    assertThat(html).contains("<h2>Scaling laws</h2>").contains("Fitted coefficients")
        .contains("Compute-optimal allocation").contains("scaling-1-LN.png")
        .contains("scaling-1-LND.png")
        .contains("1 fit skipped: 3 distinct model sizes; L(N) needs at least 4");
    // Skipped fits: one line per reason, not one per fit.
    assertThat(html).containsOnlyOnce("fits skipped: single training-set size</li>");
    // A fit not identified shows why instead of its numbers.
    assertThat(html).contains("<td colspan=\"8\">not identified: loss not monotone in size");
    // The frontier's table says whether the joint fit it comes from is identified.
    assertThat(html).contains("<th>L_opt</th><th>L(N, D) identified</th></tr>");
    for (String png : List.of("scaling-1-LN.png", "scaling-1-LND.png", "scaling-1-LD.png",
        "frontier-1-nd.png", "frontier-1-loss.png")) {
      assertThat(Files.size(index.resolveSibling(png))).as(png).isGreaterThan(5000);
    }
    // Text runs: losses in bits per character; E, A and B scale by 1 / ln 2, exponents do not.
    assertThat(html).contains("in bits per character (the loss in nats / ln 2");
    String joint = html.lines().filter(l -> l.contains("<td>L(N,D)</td>")).findFirst()
        .orElseThrow();
    assertThat(joint).contains("<td>" + String.format(java.util.Locale.ROOT, "%.4g",
        E / Math.log(2))).contains("<td>0.3500");
  }
}
