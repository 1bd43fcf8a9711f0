package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;

/**
 * The driver dies: {@code submit/overparam train} (the real launcher, embedded local[2] Spark) is
 * killed with SIGKILL twice in one sweep, first with a run recorded and per-task runs in flight
 * past a checkpoint, then with the parameter-averaging run past a checkpoint; a third launch
 * finishes. The rows must equal those of an uninterrupted sweep into another results root: the
 * same (run, epoch) keys, none twice, the same losses, and nothing a reader could trip over.
 */
class DriverLossIT {
  static final Path HOME = Path.of(System.getProperty("overparam.root", ".")).toAbsolutePath();
  static final long PHASE_MINUTES = 8;

  static final String EXPERIMENT = """
      name: driver-loss
      dataset: {kind: teacher-student, input_dim: 16, classes: 4, teacher_width: 16, test_size: 500}
      train_sizes: [2000]
      model: {family: mlp, depths: [1], widths: [16, 32, 64, 128, 256]}
      optimizer: {kind: adam, learning_rate: 0.003, batch_size: 50}
      epochs: 20
      checkpoint_every: 3
      seeds: [0]
      strategy: {kind: by-size, auto_threshold_params: 5000, workers: 2, averaging_frequency: 2, batch_per_worker: 50}
      """;

  @TempDir
  Path tmp;

  @Test
  void aSweepKilledTwiceEndsWithTheRowsOfAnUninterruptedOne() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("driver-loss.yaml"), EXPERIMENT);
    List<RunSpec> runs = Grid.runs(ExperimentFile.read(yaml));
    String averaged = runs.stream().filter(r -> r.width() == 256).findFirst().orElseThrow()
        .runId(); // 5380 parameters: above the threshold, so parameter averaging
    Path results = tmp.resolve("results");

    // --- fault 1: one run recorded, a per-task run in flight past its checkpoint
    Launch first = new Launch(yaml, results, "first");
    first.killWhen(() -> !recorded(results).isEmpty() && checkpointed(results).stream()
        .anyMatch(id -> !id.equals(averaged) && !recorded(results).contains(id)));
    int recordedAtFirstKill = recorded(results).size();
    System.out.printf("driver loss: first kill with %d runs recorded, checkpoints %s%n",
        recordedAtFirstKill, checkpointEpochs(results));
    assertThat(recordedAtFirstKill).isBetween(1, runs.size() - 1);
    assertReadersSeeWholeFilesOnly(results);

    // --- fault 2: the parameter-averaging run (trained by the driver) past its checkpoint
    Launch second = new Launch(yaml, results, "second");
    second.killWhen(() -> checkpointed(results).contains(averaged));
    System.out.printf("driver loss: second kill with %d runs recorded, checkpoints %s%n",
        recorded(results).size(), checkpointEpochs(results));
    assertThat(second.stderr()).contains("resumes from its checkpoint");
    assertThat(second.stdout()).contains(recordedAtFirstKill + " already recorded");
    assertReadersSeeWholeFilesOnly(results);

    // --- the rerun finishes, resuming the averaged run where the driver saved it
    Launch third = new Launch(yaml, results, "third");
    assertThat(third.await()).as("exit code; stderr:%n%s", third.stderr()).isZero();
    assertThat(third.stderr()).contains("run " + averaged + " resumes from its checkpoint");
    assertThat(third.stdout()).contains(", 0 failed");

    // --- an uninterrupted sweep of the same experiment in another root
    Path reference = tmp.resolve("reference");
    Launch whole = new Launch(yaml, reference, "reference");
    assertThat(whole.await()).as("exit code; stderr:%n%s", whole.stderr()).isZero();

    Map<String, double[]> got = metrics(results);
    Map<String, double[]> want = metrics(reference);
    assertThat(want).hasSize(runs.size() * 20);
    assertThat(got.keySet()).isEqualTo(want.keySet());
    for (String key : want.keySet()) {
      assertThat(got.get(key)).as("losses and errors of %s", key).containsExactly(want.get(key));
    }
    assertThat(statuses(results)).containsOnlyKeys(runs.stream().map(RunSpec::runId)
        .collect(Collectors.toSet())).allSatisfy((id, status) -> assertThat(status)
        .isEqualTo("completed"));
    assertThat(results.resolve("_checkpoints")).doesNotExist();
    assertReadersSeeWholeFilesOnly(results);
    System.out.printf("driver loss: %d faults injected, %d (run, epoch) rows checked against "
        + "the uninterrupted sweep, 0 lost, 0 duplicated%n", 2, want.size());
  }

  // ---------------------------------------------------------------------------------------

  /** One launch of {@code submit/overparam train} with its output in files. */
  final class Launch {
    final Process process;
    final Path out;
    final Path err;

    Launch(Path yaml, Path results, String name) throws IOException {
      out = tmp.resolve(name + ".out");
      err = tmp.resolve(name + ".err");
      Path work = Files.createDirectories(tmp.resolve("work-" + name));
      ProcessBuilder pb = new ProcessBuilder(HOME.resolve("submit/overparam").toString(),
          "train", yaml.toString(), "--no-report", "--results", results.toString(), "--master", "local[2]")
          .directory(work.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      pb.environment().put("OVERPARAM_HEAP", "2g");
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      process = pb.start(); // the launcher execs java: this process is the driver's JVM
    }

    /** Polls {@code condition}; once true, kills the driver with SIGKILL. */
    void killWhen(BooleanSupplier condition) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(PHASE_MINUTES);
      while (!condition.getAsBoolean()) {
        if (!process.isAlive()) {
          fail("the sweep ended (exit %d) before the fault could be injected; stderr:%n%s",
              process.exitValue(), stderr());
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          fail("no fault point within %d minutes; stderr:%n%s", PHASE_MINUTES, stderr());
        }
        Thread.sleep(100);
      }
      process.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    int await() throws Exception {
      if (!process.waitFor(PHASE_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("sweep did not finish within %d minutes; stderr:%n%s", PHASE_MINUTES, stderr());
      }
      return process.exitValue();
    }

    String stdout() throws IOException {
      return Files.readString(out);
    }

    String stderr() throws IOException {
      return Files.readString(err);
    }
  }

  static Set<String> recorded(Path results) {
    return recorded(results, "driver-loss");
  }

  static Set<String> checkpointed(Path results) {
    return checkpointed(results, "driver-loss");
  }

  /** Run ids of {@code experiment} with a runs file. */
  static Set<String> recorded(Path results, String experiment) {
    return names(results.resolve("runs/experiment=" + experiment), ".parquet");
  }

  /** Run ids of {@code experiment} with a committed checkpoint. */
  static Set<String> checkpointed(Path results, String experiment) {
    Path dir = results.resolve("_checkpoints/experiment=" + experiment);
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(d -> !names(d, ".json").isEmpty())
          .map(d -> d.getFileName().toString()).collect(Collectors.toSet());
    } catch (IOException | RuntimeException e) {
      return Set.of(); // not there yet, or deleted while listing
    }
  }

  /** Run id to the epochs of its committed checkpoints, for the log. */
  static Map<String, Set<String>> checkpointEpochs(Path results) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String id : checkpointed(results)) {
      out.put(id, names(results.resolve("_checkpoints/experiment=driver-loss/" + id), ".json"));
    }
    return out;
  }

  static Set<String> names(Path dir, String ext) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(ext) && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - ext.length())).collect(Collectors.toSet());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  /**
   * What a reader of the tables sees is whole: every visible file is a Parquet file or the
   * marker, DuckDB reads all of them, and no (run, epoch) appears twice.
   */
  static void assertReadersSeeWholeFilesOnly(Path results) throws Exception {
    try (Stream<Path> s = Files.walk(results)) {
      List<String> visible = s.filter(Files::isRegularFile).map(p -> results.relativize(p)
          .toString()).filter(rel -> Stream.of(rel.split(File.separator)).noneMatch(part ->
              part.startsWith(".") || part.startsWith("_"))).toList();
      assertThat(visible).allMatch(rel -> rel.endsWith(".parquet"));
    }
    if (!Files.exists(results.resolve("metrics"))) {
      return;
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery("select count(*), count(distinct "
            + "(run_id, epoch)) from " + table(results, "metrics"))) {
      rs.next();
      assertThat(rs.getLong(1)).as("metrics rows, all distinct").isEqualTo(rs.getLong(2));
    }
  }

  /** (run_id, epoch) to {train loss, train error, test loss, test error}; fails on duplicates. */
  static Map<String, double[]> metrics(Path results) throws SQLException {
    Map<String, double[]> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery("select run_id, epoch, train_loss, "
            + "train_error, test_loss, test_error from " + table(results, "metrics"))) {
      while (rs.next()) {
        String key = rs.getString(1) + "/" + rs.getInt(2);
        double[] v = {rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)};
        assertThat(out.put(key, v)).as("duplicate row %s", key).isNull();
      }
    }
    return out;
  }

  static Map<String, String> statuses(Path results) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery("select run_id, status from "
            + table(results, "runs"))) {
      while (rs.next()) {
        assertThat(out.put(rs.getString(1), rs.getString(2))).isNull();
      }
    }
    return out;
  }

  static String table(Path results, String name) {
    return "read_parquet('" + results.resolve(name) + "/**/*.parquet', hive_partitioning = true)";
  }
}
