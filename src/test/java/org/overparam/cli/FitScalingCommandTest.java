package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitScalingCommandTest {
  /** Chinchilla's Figure 4 points as extracted by Epoch AI, kept beside the repository. */
  private static final Path CHINCHILLA = Path.of(System.getProperty("overparam.root", "."))
      .resolve("../shared/reference/chinchilla_fig4_tokens.csv").normalize();

  @TempDir
  Path dir;

  /** Exit code, stdout and stderr of one command line. */
  private record Run(int code, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void reproducesEpochsRefitOfChinchilla() throws IOException {
    assertThat(CHINCHILLA).as("reference data beside the repository").isRegularFile();
    Run r = run("fit-scaling", "--input", CHINCHILLA.toString(), "--d-col", "tokens",
        "--exclude-top-loss", "5", "--grid", "thin", "--flops", "5.76e23");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("n_points").asInt()).isEqualTo(240);
    assertThat(j.get("form").asText()).isEqualTo("L(N,D)");
    // Besiroglu et al. (2024): E 1.817 (SE 0.026), alpha 0.348 (0.015), beta 0.366 (0.021).
    assertThat(j.at("/E/value").asDouble()).isCloseTo(1.817, within(0.026));
    assertThat(j.at("/alpha/value").asDouble()).isCloseTo(0.348, within(0.015));
    assertThat(j.at("/beta/value").asDouble()).isCloseTo(0.366, within(0.021));
    assertThat(j.at("/A/value").asDouble()).isCloseTo(482.01, within(124.52));
    assertThat(j.at("/B/value").asDouble()).isCloseTo(2085.43, within(1293.28));
    for (String k : List.of("E", "A", "alpha", "B", "beta")) {
      JsonNode c = j.get(k);
      assertThat(c.get("ci95").get(0).asDouble()).as(k).isLessThan(c.get("value").asDouble());
      assertThat(c.get("ci95").get(1).asDouble()).as(k).isGreaterThan(c.get("value").asDouble());
      assertThat(c.get("se").asDouble()).as(k).isPositive();
    }
    // Standard errors of the same order as theirs (4000 resamples there, 200 here).
    assertThat(j.at("/E/se").asDouble()).isBetween(0.013, 0.052);
    assertThat(j.at("/alpha/se").asDouble()).isBetween(0.0075, 0.03);
    assertThat(j.at("/beta/se").asDouble()).isBetween(0.0105, 0.042);
    assertThat(j.at("/bootstrap/resamples").asInt()).isEqualTo(200);
    // The frontier spends Chinchilla's budget: 6 N D = C.
    JsonNode p = j.at("/compute_optimal/frontier/0");
    assertThat(6 * p.get("params").asDouble() * p.get("tokens").asDouble())
        .isCloseTo(5.76e23, within(5.76e23 * 1e-9));
    assertThat(r.err()).contains("240 points");
  }

  @Test
  void fitsPowerLawWithoutDataColumn() throws IOException {
    StringBuilder csv = new StringBuilder("size,err\n");
    for (int i = 0; i < 12; i++) {
      double n = Math.pow(10, 5 + i * 0.4);
      csv.append(n).append(',').append(0.2 + 30 * Math.pow(n, -0.5)).append('\n');
    }
    Path f = Files.writeString(dir.resolve("curve.csv"), csv);
    Run r = run("fit-scaling", "--input", f.toString(), "--n-col", "size", "--loss-col", "err",
        "--bootstrap", "20", "--extrapolate", "2");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("form").asText()).isEqualTo("L(N)");
    assertThat(j.has("B")).isFalse();
    assertThat(j.has("beta")).isFalse();
    assertThat(j.has("compute_optimal")).isFalse();
    assertThat(j.at("/E/value").asDouble()).isCloseTo(0.2, within(1e-4));
    assertThat(j.at("/alpha/value").asDouble()).isCloseTo(0.5, within(1e-4));
    assertThat(j.at("/extrapolation/points").size()).isEqualTo(2);
    assertThat(j.at("/extrapolation/max_abs_relative_error").asDouble()).isLessThan(1e-3);
  }

  @Test
  void badInputIsOneLineNamingFileAndColumnWithExitTwo() throws IOException {
    Path csv = Files.writeString(dir.resolve("p.csv"), "params,loss\n1,2\n2,1.5\n");
    Run missingCol = run("fit-scaling", "--input", csv.toString(), "--d-col", "tokens");
    assertThat(missingCol.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(missingCol.out()).isEmpty();
    assertThat(missingCol.err().strip().lines()).singleElement().asString()
        .contains(csv.toString()).contains("'tokens'");

    Path missing = dir.resolve("absent.parquet");
    Run noFile = run("fit-scaling", "--input", missing.toString());
    assertThat(noFile.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(noFile.err().strip().lines()).singleElement().asString()
        .contains(missing.toString());

    Path bad = Files.writeString(dir.resolve("bad.parquet"), "not parquet");
    Run badFile = run("fit-scaling", "--input", bad.toString());
    assertThat(badFile.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(badFile.err().strip().lines()).singleElement().asString()
        .contains(bad.toString()).contains("not a Parquet file");

    Run tooFew = run("fit-scaling", "--input", csv.toString(), "--bootstrap", "0");
    assertThat(tooFew.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(tooFew.err().strip().lines()).singleElement().asString()
        .contains(csv.toString()).contains("at least 4");

    Run flopsWithoutD = run("fit-scaling", "--input", csv.toString(), "--flops", "1e20");
    assertThat(flopsWithoutD.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(flopsWithoutD.err()).contains("--flops");

    Run badOption = run("fit-scaling", "--input", csv.toString(), "--bootstrap", "many");
    assertThat(badOption.code()).isEqualTo(Main.EXIT_BAD_INPUT);
  }

  /** Exit code, stdout and stderr through {@link Main#run(PrintWriter, PrintWriter, String...)}. */
  private static Run runWith(String... args) {
    java.io.StringWriter o = new java.io.StringWriter();
    java.io.StringWriter e = new java.io.StringWriter();
    int code = Main.run(new java.io.PrintWriter(o, true), new java.io.PrintWriter(e, true), args);
    return new Run(code, o.toString(), e.toString());
  }

  private Path table(String name, double[] n, double[] loss) throws IOException {
    StringBuilder csv = new StringBuilder("params,loss\n");
    for (int i = 0; i < n.length; i++) {
      csv.append(n[i]).append(',').append(loss[i]).append('\n');
    }
    return Files.writeString(dir.resolve(name), csv);
  }

  @Test
  void allEqualLossesAreRefusedInOneLineWithExitTwo() throws IOException {
    Path f = table("flat.csv", new double[] {1e3, 1e4, 1e5, 1e6, 1e7, 1e8},
        new double[] {2, 2, 2, 2, 2, 2});
    Run r = runWith("fit-scaling", "--input", f.toString(), "--bootstrap", "20");
    assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).singleElement().asString().contains(f.toString())
        .contains("all losses equal");
  }

  @Test
  void aSingleModelSizeIsRefusedInOneLineWithExitTwo() throws IOException {
    Path f = table("one-n.csv", new double[] {1e6, 1e6, 1e6, 1e6, 1e6, 1e6},
        new double[] {3.1, 3.0, 2.9, 2.85, 2.8, 2.78});
    Run r = runWith("fit-scaling", "--input", f.toString());
    assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(r.err().strip().lines()).singleElement().asString().contains(f.toString())
        .contains("single model size");
  }

  @Test
  void aDoubleDescentCurveIsFittedButNotIdentified() throws IOException {
    int k = 16;
    double[] n = new double[k];
    double[] l = new double[k];
    for (int i = 0; i < k; i++) {
      n[i] = Math.pow(10, 3 + 3.0 * i / (k - 1));
      double z = (Math.log10(n[i]) - 4.5) / 0.3;
      l[i] = (0.5 + 20 * Math.pow(n[i], -0.5)) * (1 + 0.3 * Math.exp(-z * z));
    }
    Run r = runWith("fit-scaling", "--input", table("dd.csv", n, l).toString(), "--grid", "thin",
        "--bootstrap", "20");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("identified").asBoolean()).isFalse();
    assertThat(j.get("reason").asText()).startsWith("loss not monotone in size")
        .contains("double descent");
    // The reference fit is identified.
    Run ref = runWith("fit-scaling", "--input", CHINCHILLA.toString(), "--d-col", "tokens",
        "--exclude-top-loss", "5", "--grid", "thin", "--bootstrap", "50");
    assertThat(ref.json().get("identified").asBoolean()).as(ref.json().get("reason").asText())
        .isTrue();
    assertThat(ref.json().get("reason").asText()).isEmpty();
  }

  /**
   * A table over --max-points rows is refused before fitting (the default and most,
   * ScalingFit.MAX_POINTS = 2·10^6, takes the same path); a large table is fitted with
   * progress on stderr: the grid on a sample, refined on all points, then the bootstrap.
   * (10^6 rows with the full grid and 200 resamples take minutes: too long for a test.)
   */
  @Test
  void largeTablesAreFittedWithProgressOrRefusedOverTheLimit() throws IOException {
    java.util.Random rng = new java.util.Random(5);
    StringBuilder csv = new StringBuilder("params,tokens,loss\n");
    int rows = 20_000;
    for (int i = 0; i < rows; i++) {
      double n = Math.pow(10, 6 + 4 * rng.nextDouble());
      double d = Math.pow(10, 8 + 4 * rng.nextDouble());
      double l = (1.69 + 406.4 * Math.pow(n, -0.34) + 410.7 * Math.pow(d, -0.28))
          * Math.exp(0.01 * rng.nextGaussian());
      csv.append(n).append(',').append(d).append(',').append(l).append('\n');
    }
    Path f = Files.writeString(dir.resolve("big.csv"), csv);
    Run refused = runWith("fit-scaling", "--input", f.toString(), "--d-col", "tokens",
        "--max-points", String.valueOf(rows - 1));
    assertThat(refused.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err().strip().lines()).singleElement().asString()
        .contains(f.toString()).contains("more than " + (rows - 1) + " data rows");
    Run tooHigh = runWith("fit-scaling", "--input", f.toString(), "--max-points", "2000001");
    assertThat(tooHigh.code()).isEqualTo(Main.EXIT_BAD_INPUT);

    Run r = runWith("fit-scaling", "--input", f.toString(), "--d-col", "tokens", "--grid",
        "thin", "--bootstrap", "10");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("overparam: fit-scaling: start grid: 243 starts on a sample "
        + "of 500 of 20000 points").contains("overparam: fit-scaling: refining: ")
        .contains("overparam: fit-scaling: bootstrap: 10 resamples of 20000 points");
    JsonNode j = r.json();
    assertThat(j.get("screen_points").asInt()).isEqualTo(500);
    assertThat(j.get("identified").asBoolean()).as(j.get("reason").asText()).isTrue();
    assertThat(j.at("/alpha/value").asDouble()).isCloseTo(0.34, within(0.01));
    assertThat(j.at("/beta/value").asDouble()).isCloseTo(0.28, within(0.01));
    assertThat(j.at("/bootstrap/converged").asInt()).isEqualTo(10);
  }
}
