package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overparam.analysis.Analysis;
import org.overparam.analysis.Inputs;
import org.overparam.results.RecordedRuns;
import org.overparam.testing.Duck;
import org.overparam.testing.TestSpark;

/**
 * Faults injected into a real results root, each followed by the real command a user would run
 * next ({@code train}, {@code analyze}, {@code report}), through {@link Main}. Every case ends
 * in one of two ways, both checked: the command did its work and no row is lost, duplicated or
 * mixed (every grid run recorded whole, one metrics row per (run, epoch), each analysis cell
 * averaging exactly its own configuration's seeds), or it refused in one line with exit 2 and
 * the results root is byte for byte as it was.
 */
class ResultsFaultTest {
  @TempDir
  static Path tmp;
  /** A results root with the base grid trained, analysed and reported. */
  static Path template;
  static final String NAME = "faults";
  /** The base grid: 2 widths x 2 seeds, 3 evaluated epochs each. */
  static final int RUNS = 4;
  static final int EPOCHS = 3;

  static final String BASE = """
      name: faults
      dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
      train_sizes: [64]
      label_noise: [0.1]
      model: {family: mlp, depths: [1], widths: [4, 8]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 3
      seeds: [0, 1]
      """;

  /** Faults injected and result rows checked, over all cases (for the summary line). */
  static int faults;
  static long rowsChecked;

  @BeforeAll
  static void trainTheTemplate() throws Exception {
    template = tmp.resolve("template");
    Result r = run("train", write(tmp.resolve("base.yaml"), BASE).toString(), "--results",
        template.toString(), "--master", "local[2]");
    assertThat(r.code).as(r.toString()).isZero();
    assertWhole(template, RUNS);
  }

  @AfterAll
  static void summary() {
    System.out.printf("ResultsFaultTest: %d faults injected, %d result rows checked%n", faults,
        rowsChecked);
  }

  /**
   * One case: a fault injected into a copy of the template, the command run next, and what it
   * must leave.
   *
   * @param name what the case tries
   * @param fault changes the copy (its argument is the copy's root)
   * @param args the command, {@code {root}} and {@code {dir}} replaced
   * @param exit the exit code it must end with
   * @param says text its output or error must contain ({@code {root}} replaced)
   * @param after what the root must hold then; {@link #UNCHANGED} for a refusal
   */
  record Case(String name, Consumer<Path> fault, String args, int exit, String says,
      After after) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A check of the root after a case. */
  @FunctionalInterface
  interface After {
    void check(Path root) throws Exception;
  }

  /** Refusals leave the root byte for byte as it was (checked by the test itself). */
  static final After UNCHANGED = root -> {};

  static final String TRAIN = "train {dir}/e.yaml --results {root} --master local[2]";
  static final String TRAIN_ONLY = TRAIN + " --no-report";
  static final String ANALYZE = "analyze --results {root} --experiment faults --bootstrap 0";
  static final String REPORT = "report --results {root} --experiment faults";

  static Stream<Case> cases() {
    return allCases().filter(c -> System.getProperty("case") == null
        || c.name().contains(System.getProperty("case")));
  }

  static Stream<Case> allCases() {
    return Stream.of(
        // --- a recorded run whose files are not whole is trained again
        new Case("metrics file deleted", root -> delete(metricsFile(root, 0)), TRAIN_ONLY, 0,
            "is not whole (", root -> assertWhole(root, RUNS)),
        new Case("metrics file truncated", root -> truncate(metricsFile(root, 0)), TRAIN_ONLY, 0,
            "is not whole (", root -> assertWhole(root, RUNS)),
        new Case("metrics file emptied", root -> writeBytes(metricsFile(root, 1), new byte[0]),
            TRAIN_ONLY, 0, "metrics file unreadable", root -> assertWhole(root, RUNS)),
        new Case("metrics file overwritten with garbage", root -> writeBytes(metricsFile(root, 2),
            "PAR1 not really".getBytes(StandardCharsets.UTF_8)), TRAIN_ONLY, 0, "is not whole (",
            root -> assertWhole(root, RUNS)),
        new Case("metrics file holds another run's rows", root -> copy(metricsFile(root, 1),
            metricsFile(root, 0)), TRAIN_ONLY, 0, "holds rows of run",
            root -> assertWhole(root, RUNS)),
        new Case("metrics page corrupted behind a valid footer", root -> corruptMiddle(
            metricsFile(root, 3)), TRAIN_ONLY, 0, "is not whole (",
            root -> assertWhole(root, RUNS)),
        new Case("runs file deleted: metrics left uncommitted", root -> delete(runsFile(root, 0)),
            TRAIN_ONLY, 0, "have no finished runs row", root -> assertWhole(root, RUNS)),
        new Case("runs file truncated", root -> truncate(runsFile(root, 1)), TRAIN_ONLY, 0,
            "runs file unreadable", root -> assertWhole(root, RUNS)),
        new Case("every runs file deleted", root -> runIds(root).forEach(id -> delete(
            runsFileOf(root, id))), TRAIN_ONLY, 0, "training 4", root -> assertWhole(root, RUNS)),
        new Case("a leftover temporary file of an interrupted write", root -> {
          Path t = metricsFile(root, 0).resolveSibling(".x.parquet.tmp-1234");
          writeBytes(t, new byte[100]);
          age(t);
        }, TRAIN_ONLY, 0, "removed 1 temporary file", root -> {
          assertWhole(root, RUNS);
          assertThat(metricsFile(root, 0).resolveSibling(".x.parquet.tmp-1234")).doesNotExist();
        }),
        new Case("a fresh temporary file of a write in flight is kept", root -> writeBytes(
            metricsFile(root, 0).resolveSibling(".y.parquet.tmp-5678"), new byte[10]),
            TRAIN_ONLY, 0, "training 0", root -> {
              assertWhole(root, RUNS);
              assertThat(metricsFile(root, 0).resolveSibling(".y.parquet.tmp-5678")).exists();
            }),
        new Case("checkpoints of a finished run left behind", root -> writeBytes(root.resolve(
            "_checkpoints/experiment=faults/" + runIds(root).get(0) + "/x"), new byte[5]),
            TRAIN_ONLY, 0, "training 0", root -> {
              assertWhole(root, RUNS);
              assertThat(root.resolve("_checkpoints/experiment=faults/" + runIds(root).get(0)))
                  .doesNotExist();
            }),
        // --- duplicate and foreign files are never read, or are refused
        new Case("metrics file copied under a name of no run", root -> copy(metricsFile(root, 0),
            metricsFile(root, 0).resolveSibling("copy.parquet")), ANALYZE, 0,
            "without a finished runs row", root -> assertAnalysis(root, 2, 2)),
        new Case("a run's two files copied under another run id", root -> {
          copy(metricsFile(root, 0), metricsFile(root, 0).resolveSibling("00000000deadbeef"
              + ".parquet"));
          copy(runsFile(root, 0), runsFile(root, 0).resolveSibling("00000000deadbeef.parquet"));
        }, ANALYZE, 0, "copied under another run's name", root -> assertAnalysis(root, 2, 2)),
        new Case("the same copy, then train", root -> {
          copy(metricsFile(root, 0), metricsFile(root, 0).resolveSibling("00000000deadbeef"
              + ".parquet"));
          copy(runsFile(root, 0), runsFile(root, 0).resolveSibling("00000000deadbeef.parquet"));
        }, TRAIN, 0, "(a copy?)", root -> assertAnalysis(root, 2, 2)),
        new Case("metrics without a runs row are not analysed", root -> delete(runsFile(root, 0)),
            ANALYZE, 0, "1 metrics file(s) without a finished runs row",
            root -> assertAnalysis(root, 2, 1, 2)),
        new Case("another experiment's runs file placed here: analyze refuses",
            ResultsFaultTest::foreignRun, ANALYZE, 2, "belong to another experiment", UNCHANGED),
        new Case("another experiment's runs file placed here: train refuses",
            ResultsFaultTest::foreignRun, TRAIN, 2, "belong to another experiment", UNCHANGED),
        new Case("the results marker deleted", root -> delete(root.resolve("_OVERPARAM")), TRAIN,
            2, "holds files not written by overparam", UNCHANGED),
        new Case("every runs file deleted: nothing to analyse", root -> runIds(root).forEach(
            id -> delete(runsFileOf(root, id))), ANALYZE, 2, "holds no recorded runs", UNCHANGED),
        // --- another configuration under the same name is never averaged in
        new Case("rerun with another learning rate", root -> {}, "train {dir}/lr.yaml --results "
            + "{root} --master local[2]", 0, "optimizer.learning_rate 0.05 -> 0.1", root -> {
              assertAnalysis(root, 4, 2);
              assertLever(root, "optimizer.learning_rate", "0.1", "0.05");
            }),
        new Case("rerun with another number of epochs", root -> {}, "train {dir}/epochs.yaml "
            + "--results {root} --master local[2]", 0, "epochs 3 -> 2",
            root -> assertAnalysis(root, 4, 2)),
        new Case("rerun with another batch size", root -> {}, "train {dir}/batch.yaml --results "
            + "{root} --master local[2]", 0, "optimizer.batch_size 32 -> 16", root -> {
              assertAnalysis(root, 4, 2);
              // The baseline is the lever's first value: the smaller batch, trained second.
              assertLever(root, "optimizer.batch_size", "32", "16");
            }),
        new Case("rerun with another evaluation cadence", root -> {}, "train {dir}/eval.yaml "
            + "--results {root} --master local[2] --no-report", 0, "eval_every 1 -> 3", root -> {
              assertThat(recorded(root).recorded()).hasSize(2 * RUNS);
              analyze(root);
              assertAnalysis(root, 4, 2);
            }),
        new Case("rerun adding a seed stays one configuration", root -> {}, "train "
            + "{dir}/seed.yaml --results {root} --master local[2]", 0, "training 2",
            root -> assertAnalysis(root, 2, 3)),
        new Case("rerun adding a width stays one configuration", root -> {}, "train "
            + "{dir}/width.yaml --results {root} --master local[2]", 0, "training 2",
            root -> assertAnalysis(root, 3, 2)),
        new Case("compression added to a recorded experiment", root -> {}, "train "
            + "{dir}/compress.yaml --results {root} --master local[2] --no-report", 0,
            "trained without this file's compression section", root -> assertWhole(root, RUNS)),
        // --- the analysis is replaced as one unit
        new Case("a staging folder of a killed analysis", root -> writeBytes(root.resolve(
            "_analysis-staging-x/curves/experiment=faults/part-0.parquet"), new byte[3]),
            ANALYZE, 0, "analysis tables in", root -> {
              assertThat(root.resolve("_analysis-staging-x")).doesNotExist();
              assertAnalysis(root, 2, 2);
            }),
        new Case("an analysis killed between its two renames", root -> move(root.resolve(
            "analysis"), root.resolve("_analysis-old-x")), REPORT, 2, "not found", UNCHANGED),
        new Case("an analysis killed between its two renames, then analyze", root -> move(
            root.resolve("analysis"), root.resolve("_analysis-old-x")), ANALYZE, 0,
            "analysis tables in", root -> {
              assertThat(root.resolve("_analysis-old-x")).doesNotExist();
              assertAnalysis(root, 2, 2);
            }),
        new Case("a lock left by a process that is gone", root -> writeString(root.resolve(
            "_analysis.lock"), "host=" + host() + " pid=999999999 since=x"), ANALYZE, 0,
            "analysis tables in", root -> {
              assertThat(root.resolve("_analysis.lock")).doesNotExist();
              assertAnalysis(root, 2, 2);
            }),
        new Case("a lock held by a live analysis", root -> writeString(root.resolve(
            "_analysis.lock"), "host=" + host() + " pid=" + ProcessHandle.current().pid()
            + " since=x"), ANALYZE + " --lock-wait 1", 2, "another analysis holds", UNCHANGED),
        new Case("one table replaced by another analysis's", root -> {
          Path curves = root.resolve("analysis/curves/experiment=faults");
          for (Path f : list(curves)) {
            move(f, f.resolveSibling("part-00000-other.snappy.parquet"));
          }
        }, REPORT, 2, "tables of different analyses", UNCHANGED),
        new Case("the analysis manifest deleted", root -> delete(root.resolve(
            "analysis/_ANALYSIS.json")), REPORT, 2, "_ANALYSIS.json", UNCHANGED),
        new Case("a table of the analysis deleted", root -> deleteTree(root.resolve(
            "analysis/epoch_wise")), REPORT, 2, "tables of different analyses", UNCHANGED),
        // --- exit codes automation can trust
        new Case("train whose report cannot be written exits non-zero", root -> {
          deleteTree(root.resolve("report/faults"));
          writeString(root.resolve("report/faults"), "a file where the report's folder goes");
        }, TRAIN, 1, "", root -> assertWhole(root, RUNS)),
        // --- bad masters and bad files before Spark starts
        new Case("a master URL that is no URL", root -> {}, "train {dir}/e.yaml --results {root} "
            + "--master lcoal[2]", 2, "--master lcoal[2]", UNCHANGED),
        new Case("a master with no one listening", root -> {}, "train {dir}/e.yaml --results "
            + "{root} --master spark://127.0.0.1:9", 2, "no Spark master answers", UNCHANGED),
        new Case("a standalone master without a port", root -> {}, "train {dir}/e.yaml "
            + "--results {root} --master spark://localhost", 2, "not a Spark master URL",
            UNCHANGED),
        new Case("an experiment file with a tab", root -> {}, "train {dir}/tab.yaml --results "
            + "{root} --master local[2]", 2, "experiment file", UNCHANGED),
        new Case("an experiment file of two YAML documents", root -> {}, "train {dir}/two.yaml "
            + "--results {root} --master local[2]", 2, "experiment file", UNCHANGED),
        new Case("an experiment file that is not UTF-8", root -> {}, "train {dir}/latin1.yaml "
            + "--results {root} --master local[2]", 2, "experiment file", UNCHANGED),
        new Case("a grid of a model far beyond memory", root -> {}, "train {dir}/huge.yaml "
            + "--results {root} --master local[2]", 2, "model.widths", UNCHANGED),
        new Case("a corrupt metrics page found by analyze", root -> corruptMiddle(
            metricsFile(root, 3)), ANALYZE, 2, "cannot be read", UNCHANGED),
        new Case("an analysis folder that is a file", root -> {
          deleteTree(root.resolve("analysis"));
          writeString(root.resolve("analysis"), "not a folder");
        }, REPORT, 2, "analysis tables", UNCHANGED));
  }

  /** Experiment files the cases train, each the base with one change. */
  static void experimentFiles(Path dir) {
    write(dir.resolve("e.yaml"), BASE);
    write(dir.resolve("lr.yaml"), BASE.replace("learning_rate: 0.05", "learning_rate: 0.1"));
    write(dir.resolve("epochs.yaml"), BASE.replace("epochs: 3", "epochs: 2"));
    write(dir.resolve("batch.yaml"), BASE.replace("batch_size: 32", "batch_size: 16"));
    write(dir.resolve("eval.yaml"), BASE.replace("epochs: 3", "epochs: 3\neval_every: 3"));
    write(dir.resolve("seed.yaml"), BASE.replace("seeds: [0, 1]", "seeds: [0, 1, 2]"));
    write(dir.resolve("width.yaml"), BASE.replace("widths: [4, 8]", "widths: [4, 8, 16]"));
    write(dir.resolve("compress.yaml"), BASE + "compression: {sparsities: [0.5]}\n");
    write(dir.resolve("tab.yaml"), BASE.replace("epochs: 3", "epochs:\n\t3"));
    write(dir.resolve("two.yaml"), BASE + "---\n" + BASE);
    write(dir.resolve("huge.yaml"), BASE.replace("widths: [4, 8]", "widths: [65536]")
        .replace("depths: [1]", "depths: [64]"));
    writeBytes(dir.resolve("latin1.yaml"), (BASE + "description: caf\u00e9\n")
        .getBytes(StandardCharsets.ISO_8859_1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aFaultLosesDuplicatesAndMixesNothing(Case c) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "case");
    Path root = dir.resolve("results");
    copyTree(template, root);
    experimentFiles(dir);
    c.fault().accept(root);
    faults++;
    Map<String, String> before = BadInputTest.hashes(root);

    String[] args = c.args().replace("{root}", root.toString()).replace("{dir}", dir.toString())
        .split(" ");
    Result r = run(args);

    assertThat(r.code).as(r.toString()).isEqualTo(c.exit());
    assertThat(r.out + r.err).as(r.toString()).contains(c.says());
    if (c.exit() == 2) {
      List<String> lines = r.err.lines().toList();
      assertThat(lines).as(r.toString()).hasSize(1);
      assertThat(lines.get(0)).startsWith("overparam: error: ").doesNotContain("\tat ");
      assertThat(BadInputTest.hashes(root)).as("the results root after a refusal")
          .isEqualTo(before);
    }
    c.after().check(root);
  }

  @Test
  void theTableHoldsAtLeastFortyCases() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(40);
  }

  /** Two analyses of one root at once: the second waits for the first; both end well. */
  @Test
  void twoAnalysesAtOnceBothEndWell() throws Exception {
    Path root = tmp.resolve("concurrent");
    copyTree(template, root);
    Inputs in = Inputs.check(root.toString(), NAME, null);
    List<CompletableFuture<Analysis.Summary>> both = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      both.add(CompletableFuture.supplyAsync(() -> Analysis.run(TestSpark.get(), in,
          new Analysis.Options(0, 0), new PrintStream(new ByteArrayOutputStream()))));
    }
    for (CompletableFuture<Analysis.Summary> f : both) {
      assertThat(f.get().experiments()).containsExactly(NAME);
    }
    assertAnalysis(root, 2, 2);
    Result r = run(REPORT.replace("{root}", root.toString()).split(" "));
    assertThat(r.code).as(r.toString()).isZero();
  }

  /**
   * A full disk (a small tmpfs): train and analyze each refuse in one line naming the path,
   * leave every recorded file and the analysis as they were and no temporary file behind; once
   * space is freed, the same train records the new runs whole.
   */
  @Test
  void aFullDiskDamagesNothing() throws Exception {
    Path mount = Files.createTempDirectory("overparam-tmpfs");
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
        mount.toString()).redirectErrorStream(true).start();
    boolean mounted = p.waitFor() == 0;
    org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "mounting a tmpfs needs root: "
        + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    try {
      Path root = mount.resolve("results");
      copyTree(template, root);
      Path dir = Files.createDirectories(tmp.resolve("full-case"));
      experimentFiles(dir);
      Path filler = mount.resolve("filler");
      long free = Files.getFileStore(mount).getUsableSpace();
      writeBytes(filler, new byte[(int) Math.max(0, free - 2048)]);
      Map<String, String> before = BadInputTest.hashes(root);

      Result train = run(("train " + dir + "/seed.yaml --results " + root + " --master local[2]")
          .split(" "));
      faults++;
      assertThat(train.code).as(train.toString()).isEqualTo(2);
      assertThat(train.err).as(train.toString()).contains("disk full writing " + "file:" + root)
          .doesNotContain("\tat ");
      assertThat(BadInputTest.hashes(root)).as("the results root after a full disk")
          .isEqualTo(before);

      Result analyze = run(ANALYZE.replace("{root}", root.toString()).split(" "));
      faults++;
      assertThat(analyze.code).as(analyze.toString()).isEqualTo(2);
      assertThat(analyze.err).as(analyze.toString()).contains("disk full writing the analysis");
      assertThat(BadInputTest.hashes(root)).as("the results root after a full disk")
          .isEqualTo(before);

      delete(filler);
      Result again = run(("train " + dir + "/seed.yaml --results " + root
          + " --master local[2] --no-report").split(" "));
      assertThat(again.code).as(again.toString()).isZero();
      assertWhole(root, RUNS + 2);
    } finally {
      if (mounted) {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
      }
      Files.deleteIfExists(mount);
    }
  }

  // ---- what a root must hold

  /** Every one of {@code runs} runs recorded whole; one metrics row per (run, epoch). */
  static void assertWhole(Path root, int runs) throws Exception {
    RecordedRuns found = recorded(root);
    assertThat(found.broken()).as("runs not whole").isEmpty();
    assertThat(found.recorded()).as("recorded runs").hasSize(runs);
    String files = found.recorded().values().stream()
        .map(r -> "'" + r.metricsFile().toUri().getPath() + "'")
        .collect(Collectors.joining(", "));
    Map<String, Object> m = Duck.rows("select count(*) as n, count(distinct run_id || '/' || "
        + "epoch) as keys, count(distinct run_id) as ids from read_parquet([" + files + "])")
        .get(0);
    assertThat(((Number) m.get("n")).longValue()).as("metrics rows").isEqualTo(
        (long) runs * EPOCHS);
    assertThat(found.strays()).allSatisfy(x -> assertThat(found.recorded())
        .doesNotContainKey(x.file().getName().replace(".parquet", "")));
    assertThat(((Number) m.get("keys")).longValue()).as("distinct (run, epoch)")
        .isEqualTo((long) runs * EPOCHS);
    assertThat(((Number) m.get("ids")).longValue()).isEqualTo(runs);
    rowsChecked += runs * EPOCHS;
  }

  /** The analysis: {@code cells} cells, each averaging exactly {@code seeds} runs. */
  static void assertAnalysis(Path root, int cells, int seeds) throws Exception {
    assertAnalysis(root, cells, seeds, seeds);
  }

  /** The analysis: {@code cells} cells, averaging between {@code least} and {@code most} runs. */
  static void assertAnalysis(Path root, int cells, int least, int most) throws Exception {
    List<Map<String, Object>> rows = Duck.rows("select config, width, seeds from "
        + Duck.table(root.resolve("analysis"), "curves") + " where experiment = 'faults'");
    assertThat(rows).as("cells of the curves table").hasSize(cells);
    for (Map<String, Object> r : rows) {
      assertThat(((Number) r.get("seeds")).longValue()).as("seeds of %s", r)
          .isBetween((long) least, (long) most);
    }
    // Within a configuration, no two rows are one cell: nothing averaged twice or mixed.
    Set<String> keys = rows.stream().map(r -> r.get("config") + "/" + r.get("width"))
        .collect(Collectors.toSet());
    assertThat(keys).hasSize(cells);
    rowsChecked += rows.size();
  }

  /**
   * Two configurations one field apart: lever_effects compares them (the same noise, train size
   * and depth; seeds 0 and 1 paired), and the page draws the lever's chart.
   */
  static void assertLever(Path root, String lever, String value, String baseline)
      throws Exception {
    List<Map<String, Object>> rows = Duck.rows("select lever, value, baseline_value, config, "
        + "baseline_config, label_noise, train_size, paired, seeds from " + Duck.table(
            root.resolve("analysis"), "lever_effects") + " where experiment = 'faults'");
    assertThat(rows).as("lever_effects").hasSize(1);
    Map<String, Object> r = rows.get(0);
    assertThat(r).containsEntry("lever", lever).containsEntry("value", value)
        .containsEntry("baseline_value", baseline).containsEntry("label_noise", 0.1)
        .containsEntry("train_size", 64).containsEntry("paired", true)
        .containsEntry("seeds", 2);
    assertThat(r.get("config")).isNotEqualTo(r.get("baseline_config"));
    rowsChecked += rows.size();
    String html = Files.readString(root.resolve("report/faults/index.html"));
    assertThat(html).contains("<h3>" + lever + "</h3>", "<img src=\"lever-1.png\"",
        "<li>" + lever + " " + value + " ");
    assertThat(javax.imageio.ImageIO.read(root.resolve("report/faults/lever-1.png").toFile()))
        .isNotNull();
  }

  static RecordedRuns recorded(Path root) {
    return RecordedRuns.check(new org.apache.hadoop.fs.Path(root.toString()), NAME,
        new Configuration(), true);
  }

  static void analyze(Path root) {
    Result r = run(ANALYZE.replace("{root}", root.toString()).split(" "));
    assertThat(r.code).as(r.toString()).isZero();
  }

  // ---- faults

  static List<String> runIds(Path root) {
    return list(root.resolve("runs/experiment=faults")).stream()
        .map(p -> p.getFileName().toString().replace(".parquet", "")).sorted().toList();
  }

  static Path metricsFile(Path root, int i) {
    return root.resolve("metrics/experiment=faults/" + runIds(root).get(i) + ".parquet");
  }

  static Path runsFile(Path root, int i) {
    return runsFileOf(root, runIds(root).get(i));
  }

  static Path runsFileOf(Path root, String id) {
    return root.resolve("runs/experiment=faults/" + id + ".parquet");
  }

  /** A runs file of experiment "elsewhere" (the same run trained under another name). */
  static void foreignRun(Path root) {
    Path other = tmp.resolve("elsewhere-" + System.nanoTime());
    Result r = run("train", write(other.resolve("e.yaml"), BASE.replace("name: faults",
        "name: elsewhere").replace("seeds: [0, 1]", "seeds: [7]").replace("widths: [4, 8]",
        "widths: [4]")).toString(), "--results", other.resolve("results").toString(),
        "--master", "local[2]", "--no-report");
    assertThat(r.code).as(r.toString()).isZero();
    for (Path f : list(other.resolve("results/runs/experiment=elsewhere"))) {
      copy(f, root.resolve("runs/experiment=faults").resolve(f.getFileName()));
    }
  }

  static void truncate(Path f) {
    byte[] b = BadInputTest.readAll(f);
    writeBytes(f, java.util.Arrays.copyOf(b, b.length / 2));
  }

  /** Overwrites bytes in the middle of a file's data pages, leaving its footer whole. */
  static void corruptMiddle(Path f) {
    byte[] b = BadInputTest.readAll(f);
    for (int i = 4; i < Math.min(b.length / 3, 400); i++) {
      b[i] = (byte) 0x5a;
    }
    writeBytes(f, b);
  }

  static void age(Path f) {
    try {
      Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ---- running the CLI

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** Runs the CLI in this JVM, capturing what it prints (System.out and picocli's writers). */
  static synchronized Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    StringWriter err = new StringWriter();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
      code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
          args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    // Spark's and log4j's lines go to System.err; the command's own error lines start so.
    String errors = Stream.concat(err.toString().lines(), sysErr.toString(StandardCharsets.UTF_8)
        .lines().filter(l -> l.startsWith("overparam: "))).collect(Collectors.joining("\n"));
    return new Result(code, out.toString(StandardCharsets.UTF_8), errors);
  }

  // ---- files

  static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")
          && !p.getFileName().toString().startsWith("_")).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void move(Path from, Path to) {
    try {
      Files.move(from, to);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path write(Path file, String content) {
    return BadInputTest.write(file, content);
  }

  static void writeString(Path file, String content) {
    write(file, content);
  }

  static Path writeBytes(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
