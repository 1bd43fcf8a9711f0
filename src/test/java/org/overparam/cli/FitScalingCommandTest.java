package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
}
