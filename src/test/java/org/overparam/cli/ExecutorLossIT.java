package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.testing.Duck;
import org.overparam.testing.StandaloneCluster;

/**
 * Executors die: a sweep on a standalone cluster of two one-core workers loses an executor
 * (SIGKILL to its CoarseGrainedExecutorBackend JVM) while two per-task runs are in flight past
 * their checkpoints, and another while the parameter-averaging run trains. The master relaunches
 * executors, Spark retries the lost tasks, per-task retries resume from the checkpoints their
 * first attempts saved, and the sweep completes with exactly one row per (run, epoch).
 */
class ExecutorLossIT {
  static final Path ROOT = Path.of(System.getProperty("overparam.root", ".")).toAbsolutePath();

  static final String EXPERIMENT = """
      name: executor-loss
      dataset: {kind: teacher-student, input_dim: 16, classes: 4, teacher_width: 16, test_size: 500}
      train_sizes: [2000]
      model: {family: mlp, depths: [1], widths: [16, 32, 64, 128, 256]}
      optimizer: {kind: adam, learning_rate: 0.003, batch_size: 50}
      epochs: 20
      checkpoint_every: 3
      seeds: [0]
      strategy: {kind: by-size, auto_threshold_params: 5000, workers: 2, averaging_frequency: 2, batch_per_worker: 50}
      """;

  @Test
  void sweepSurvivesLostExecutorsOfBothStrategiesWithOneRowPerRunAndEpoch() throws Exception {
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(EXPERIMENT, "executor-loss.yaml"));
    String averaged = runs.stream().filter(r -> r.width() == 256).findFirst().orElseThrow()
        .runId();
    Path dir = StandaloneCluster.freshDir("executor-loss");
    List<StandaloneCluster.Worker> workers = List.of(
        new StandaloneCluster.Worker(1, 1536, Map.of()),
        new StandaloneCluster.Worker(1, 1536, Map.of()));
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, workers)) {
      Path yaml = Files.writeString(dir.resolve("executor-loss.yaml"), EXPERIMENT);
      Path results = dir.resolve("results");
      CompletableFuture<StandaloneCluster.Submission> sweep = CompletableFuture.supplyAsync(
          () -> submit(cluster, yaml, results));

      // --- fault 1: both slots train per-task runs that have checkpoints; worker 1 loses its executor
      awaitThen(sweep, () -> inFlightWithCheckpoint(results, averaged) >= 2);
      long first = killExecutor(cluster, 1);
      // --- fault 2: the parameter-averaging run is past its first checkpoint; worker 2's executor
      awaitThen(sweep, () -> DriverLossIT.checkpointed(results, "executor-loss")
          .contains(averaged));
      long second = killExecutor(cluster, 2);
      System.out.printf("executor loss: killed executor JVMs %d (worker 1, per-task phase) and "
          + "%d (worker 2, parameter averaging)%n", first, second);

      StandaloneCluster.Submission s = sweep.get(15, TimeUnit.MINUTES);
      assertThat(s.exitCode()).as("spark-submit output:\n%s", StandaloneCluster.tail(s.output()))
          .isZero();
      assertThat(s.output()).contains("overparam: executor-loss: " + runs.size() + " runs, 0 "
          + "already recorded, " + runs.size() + " completed, 0 diverged, 0 failed");

      // Exactly one row per (run, epoch), every run completed once.
      Map<String, Object> m = Duck.rows("select count(*) as n, count(distinct run_id || ':' || "
          + "epoch) as keys from " + Duck.table(results, "metrics")).get(0);
      assertThat(((Number) m.get("n")).intValue()).isEqualTo(runs.size() * 20);
      assertThat(((Number) m.get("keys")).intValue()).isEqualTo(runs.size() * 20);
      List<Map<String, Object>> runRows = Duck.rows("select run_id, status, epochs_recorded "
          + "from " + Duck.table(results, "runs"));
      assertThat(runRows).extracting(r -> r.get("run_id")).containsExactlyInAnyOrderElementsOf(
          runs.stream().map(RunSpec::runId).toList());
      assertThat(runRows).allSatisfy(r -> {
        assertThat(r.get("status")).isEqualTo("completed");
        assertThat(r.get("epochs_recorded")).isEqualTo(20);
      });
      assertThat(results.resolve("_checkpoints")).doesNotExist();
      DriverLossIT.assertReadersSeeWholeFilesOnly(results);

      // The master relaunched the lost executors, and a retried per-task run resumed.
      String executorLogs = executorLogs(cluster);
      assertThat(launchedExecutors(cluster)).as("executors launched").isGreaterThanOrEqualTo(4);
      assertThat(executorLogs).containsPattern("run [0-9a-f]{16} resumes from its checkpoint");
      System.out.printf("executor loss: 2 faults injected, %d (run, epoch) rows checked, 0 lost, "
          + "0 duplicated; %d executors launched in all%n", runs.size() * 20,
          launchedExecutors(cluster));
    }
  }

  static StandaloneCluster.Submission submit(StandaloneCluster cluster, Path yaml, Path results) {
    try {
      return cluster.submit(List.of(
              ROOT.resolve("submit/spark-submit-standalone.sh").toString(),
              "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=1g",
              "--conf", "spark.cores.max=2", "--driver-memory", "2g",
              "--conf", "spark.ui.enabled=false", "--",
              "train", yaml.toString(), "--no-report", "--results", results.toString()),
          Map.of("OVERPARAM_MASTER", cluster.masterUrl()), "driver", Duration.ofMinutes(15));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Per-task runs with a checkpoint and no result yet: trained right now by an executor. */
  static long inFlightWithCheckpoint(Path results, String averaged) {
    Set<String> recorded = DriverLossIT.recorded(results, "executor-loss");
    return DriverLossIT.checkpointed(results, "executor-loss").stream()
        .filter(id -> !id.equals(averaged) && !recorded.contains(id)).count();
  }

  static void awaitThen(CompletableFuture<StandaloneCluster.Submission> sweep,
      BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (sweep.isDone()) {
        fail("the sweep ended before the fault could be injected:%n%s",
            StandaloneCluster.tail(sweep.join().output()));
      }
      if (System.nanoTime() > deadline) {
        fail("no fault point within 10 minutes");
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILLs the executor JVM that worker {@code i} started; returns its process id. */
  static long killExecutor(StandaloneCluster cluster, int i) throws Exception {
    String workDir = cluster.workDir(i).toString();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      Optional<ProcessHandle> executor = ProcessHandle.allProcesses()
          .filter(h -> commandLine(h).contains("CoarseGrainedExecutorBackend"))
          .filter(h -> h.parent().map(p -> commandLine(p).contains(workDir)).orElse(false))
          .findFirst();
      if (executor.isPresent()) {
        ProcessHandle h = executor.get();
        assertThat(h.destroyForcibly()).isTrue();
        h.onExit().get(1, TimeUnit.MINUTES);
        return h.pid();
      }
      if (System.nanoTime() > deadline) {
        fail("worker %d runs no executor (work dir %s)", i, workDir);
      }
      Thread.sleep(200); // a relaunched executor may still be starting
    }
  }

  /** The full command line of a process, from /proc (empty if it is gone). */
  static String commandLine(ProcessHandle h) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")),
          StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Executor folders (app-*&#47;N) the two workers created: one per executor launched. */
  static int launchedExecutors(StandaloneCluster cluster) throws IOException {
    int n = 0;
    for (int w = 1; w <= 2; w++) {
      try (Stream<Path> s = Files.walk(cluster.workDir(w), 2)) {
        n += (int) s.filter(p -> p.getParent() != null
            && p.getParent().getFileName().toString().startsWith("app-")
            && p.getFileName().toString().matches("\\d+")).count();
      }
    }
    return n;
  }

  static String executorLogs(StandaloneCluster cluster) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int w = 1; w <= 2; w++) {
      for (Path p : cluster.executorLogs(w)) {
        sb.append(Files.readString(p)).append('\n');
      }
    }
    return sb.toString();
  }
}
