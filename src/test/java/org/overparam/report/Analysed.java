package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.overparam.analysis.Analysis;
import org.overparam.analysis.Inputs;
import org.overparam.analysis.SyntheticMetrics;
import org.overparam.analysis.SyntheticMetrics.Run;
import org.overparam.testing.TestSpark;

/**
 * A results root analysed once per test JVM by the real analysis on local[2]: experiment "dd"
 * holds a model-wise double descent of known shape (threshold at width 16, 1,600 parameters;
 * peak 0.45 there; classical minimum 0.30 at 400; best after 0.20 at 12,800), an epoch-wise bump
 * at width 32, a diverged and a failed run; experiment "levers" holds the same peak at label noise
 * 0.2 and a lower one at noise 0 (0.36 at width 16: height 0.06), three seeds each, so that the
 * noise raised the peak by exactly 0.09; experiment "none" has no rows in any table.
 */
final class Analysed {
  static final int[] WIDTHS = {2, 4, 8, 16, 32, 64, 128};
  static final double[] TRAIN = {0.5, 0.3, 0.03, 0, 0, 0, 0};
  static final double[] TEST = {0.40, 0.30, 0.35, 0.45, 0.33, 0.25, 0.20};
  static final double[] LOSS = {0.9, 0.7, 0.8, 1.0, 1.2, 0.6, 0.5};
  static final double[] BUMP = {0.50, 0.40, 0.30, 0.36, 0.42, 0.40, 0.37, 0.35, 0.34, 0.33};
  /** The noiseless setting of "levers": the same places as TEST, peak 0.36. */
  static final double[] LOW = {0.40, 0.30, 0.33, 0.36, 0.30, 0.25, 0.20};
  static final int EPOCHS = 10;

  private static String results;
  private static String printed;

  private Analysed() {}

  /** The analysed results root. */
  static synchronized String results() {
    if (results == null) {
      try {
        Path root = Files.createTempDirectory("overparam-report-test");
        root.toFile().deleteOnExit();
        SparkSession spark = TestSpark.get();
        SyntheticMetrics s = new SyntheticMetrics();
        for (int i = 0; i < WIDTHS.length; i++) {
          for (int seed = 1; seed <= 3; seed++) {
            Run r = new Run("dd", 0.2, 0, 0, 1000, 1, WIDTHS[i], 100L * WIDTHS[i], seed);
            double o = 0.01 * (seed - 2);
            for (int e = 1; e <= EPOCHS; e++) {
              double te = WIDTHS[i] == 32 ? BUMP[e - 1] : TEST[i] + 0.02 * (EPOCHS - e);
              double tl = WIDTHS[i] == 32 ? 2 * BUMP[e - 1] + 0.54
                  : LOSS[i] + 0.04 * (EPOCHS - e);
              double tr = TRAIN[i] + 0.05 * (EPOCHS - e);
              s.epoch(r, e, EPOCHS, 2 * tr, tr, tl, te + o, "completed");
            }
            s.run(r, "completed", "");
          }
        }
        Run diverged = new Run("dd", 0.2, 0, 0, 1000, 1, 2, 200, 4);
        for (int e = 1; e <= 4; e++) {
          s.epoch(diverged, e, EPOCHS, 50, 0.9, 60, 0.9, "diverged");
        }
        s.run(diverged, "diverged", "train loss NaN at epoch 5");
        s.run(new Run("dd", 0.2, 0, 0, 1000, 1, 256, 25600, 1), "failed", "out of <memory>");
        for (double noise : new double[] {0, 0.2}) {
          for (int i = 0; i < WIDTHS.length; i++) {
            for (int seed = 1; seed <= 3; seed++) {
              Run r = new Run("levers", noise, 0, 0, 1000, 1, WIDTHS[i], 100L * WIDTHS[i], seed);
              double te = (noise == 0 ? LOW : TEST)[i] + 0.01 * (seed - 2);
              s.epoch(r, 1, 2, 2, 0.6, 2, 0.6, "completed");
              s.epoch(r, 2, 2, 2 * TRAIN[i], TRAIN[i], 1 + te, te, "completed");
              s.run(r, "completed", "");
            }
          }
        }
        s.write(spark, root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Analysis.run(spark, Inputs.check(root.toString(), null, null),
            new PrintStream(out, true, StandardCharsets.UTF_8));
        printed = out.toString(StandardCharsets.UTF_8);
        results = root.toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return results;
  }

  /** What the analysis printed. */
  static synchronized String printed() {
    results();
    return printed;
  }

  /** The inputs of {@code experiment}'s page in the analysed root. */
  static ReportInputs inputs(String experiment) {
    return new ReportInputs(new ReportFiles(TestSpark.get(), results(), experiment));
  }

  /** The inputs of the analysed root's own page, which reads no tables. */
  static ReportInputs root() {
    return new ReportInputs(ReportFiles.root(TestSpark.get(), results()));
  }

  /** The report folder of {@code experiment}. */
  static Path dir(String experiment) {
    return Path.of(results(), "report", experiment);
  }

  /** Each image is linked from {@code html} and is a readable PNG beside it. */
  static void assertPngs(String experiment, String html, List<String> images) throws IOException {
    assertPngs(dir(experiment), html, images);
  }

  /** Each image is linked from {@code html} and is a readable PNG beside the root's page. */
  static void assertRootPngs(String html, List<String> images) throws IOException {
    assertPngs(Path.of(results(), "report"), html, images);
  }

  private static void assertPngs(Path dir, String html, List<String> images) throws IOException {
    for (String f : images) {
      assertThat(html).contains("<img src=\"" + f + "\"");
      Path p = dir.resolve(f);
      assertThat(p).exists();
      byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(p), 8);
      assertThat(head).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      assertThat(ImageIO.read(p.toFile())).isNotNull()
          .satisfies(img -> assertThat(img.getWidth()).isEqualTo(Plots.WIDTH));
    }
  }
}
