package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.results.Provenance;
import org.overparam.results.RecordedRuns;
import org.overparam.results.ResultsStore;
import org.overparam.model.Models;
import org.overparam.testing.StandaloneCluster;
import org.overparam.testing.TestSpark;
import org.overparam.testing.YarnHdfsCluster;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;
import org.overparam.train.RunStatus;

/**
 * overparam on a real YARN, writing to a real HDFS: an in-process MiniDFSCluster and
 * MiniYARNCluster (one NodeManager) shared by every case, and submit/spark-submit-yarn.sh run as
 * a user runs it, with HADOOP_CONF_DIR naming the cluster's client configuration.
 *
 * <ol>
 *   <li>client mode: a sweep of both strategies loses the executor that trains a per-task run
 *       past its checkpoint (SIGKILL); YARN gives Spark a new container, the retried task resumes
 *       from the checkpoint on HDFS, and every (run, epoch) is recorded once;
 *   <li>cluster mode (the experiment file travels with the application): the application master,
 *       i.e. the driver, is killed with runs recorded and a run checkpointed; a resubmission
 *       skips the recorded runs, resumes from the checkpoints on HDFS and finishes;
 *   <li>analyze (two at once) and report on the hdfs:// root;
 *   <li>the commit protocol against the NameNode: two writers of one root, readers alongside.
 * </ol>
 *
 * While the sweeps run, a reader reads every visible Parquet file of the root in full: none may
 * be partial.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnHdfsIT {
  static final Path ROOT = Path.of(System.getProperty("overparam.root", ".")).toAbsolutePath();
  static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(6);
  static final int EPOCHS = 10;

  /** Per-task below 5000 parameters, parameter averaging from it (width 256: 5380). */
  static String experiment(String name) {
    return """
        name: %s
        dataset: {kind: teacher-student, input_dim: 16, classes: 4, teacher_width: 16, test_size: 500}
        train_sizes: [2000]
        model: {family: mlp, depths: [1], widths: [16, 32, 256]}
        optimizer: {kind: adam, learning_rate: 0.003, batch_size: 50}
        epochs: %d
        checkpoint_every: 2
        seeds: [0]
        strategy: {kind: by-size, auto_threshold_params: 5000, workers: 2, averaging_frequency: 0, batch_per_worker: 50}
        """.formatted(name, EPOCHS);
  }

  static Path dir;
  static YarnHdfsCluster cluster;
  static String results;
  static long t0;
  static final WholeFileReader reader = new WholeFileReader();

  @BeforeAll
  static void startCluster() throws Exception {
    t0 = System.nanoTime();
    dir = StandaloneCluster.freshDir("yarn-hdfs");
    cluster = YarnHdfsCluster.start(dir);
    results = cluster.nameNode() + "/results";
    reader.start(results);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    reader.stop();
    if (cluster != null) {
      cluster.close();
    }
    System.out.printf("yarn+hdfs: %d visible Parquet files read whole while sweeps wrote, 0 "
        + "partial; whole test %.1fs%n", reader.reads.get(), (System.nanoTime() - t0) / 1e9);
  }

  // ---- 1. client mode, an executor lost ------------------------------------------------------

  @Test
  @Order(1)
  void clientModeSweepSurvivesALostExecutor() throws Exception {
    String name = "yarn-client";
    List<RunSpec> runs = runs(name);
    Path yaml = Files.writeString(dir.resolve(name + ".yaml"), experiment(name));
    Set<String> known = cluster.applicationIds();
    Process p = cluster.launch(submit(List.of(), yaml, name), Map.of(), "client");
    String appId = awaitAppId(p, "client", known);

    // The fault: the executor that trains a per-task run past its checkpoint dies.
    String inFlight = awaitThen(p, "client", () -> inFlightWithCheckpoint(name, runs));
    long killed = killExecutorTraining(appId, inFlight);
    System.out.printf("yarn client: killed executor JVM %d while it trained run %s past a "
        + "checkpoint%n", killed, inFlight);

    StandaloneCluster.Submission s = cluster.await(p, "client", SUBMIT_TIMEOUT);
    assertThat(s.exitCode()).as("spark-submit output:\n%s", StandaloneCluster.tail(s.output()))
        .isZero();
    assertThat(s.output()).contains("overparam: " + name + ": " + runs.size() + " runs, 0 "
        + "already recorded, " + runs.size() + " completed, 0 diverged, 0 failed");
    int rows = checkTables(name, runs, appId);

    String logs = cluster.containerLogText(appId);
    assertThat(executorContainers(appId)).as("executor containers (the lost one replaced)")
        .isGreaterThanOrEqualTo(3);
    assertThat(logs).contains("run " + inFlight + " resumes from its checkpoint");
    System.out.printf("yarn client: 1 fault injected, %d rows checked, 0 lost, 0 duplicated; run "
        + "%s resumed from its checkpoint on HDFS%n", rows, inFlight);
  }

  // ---- 2. cluster mode, the driver lost ------------------------------------------------------

  @Test
  @Order(2)
  void clusterModeSweepKilledWithItsDriverFinishesOnResubmission() throws Exception {
    String name = "yarn-cluster";
    List<RunSpec> runs = runs(name);
    Path yaml = Files.writeString(dir.resolve(name + ".yaml"), experiment(name));
    Map<String, String> env = Map.of("OVERPARAM_DEPLOY_MODE", "cluster");
    // One attempt: YARN would otherwise start the master again by itself.
    List<String> once = List.of("--conf", "spark.yarn.maxAppAttempts=1");
    Set<String> known = cluster.applicationIds();
    Process p = cluster.launch(submit(once, yaml, name), env, "cluster-1");
    String first = awaitAppId(p, "cluster-1", known);

    // The fault: runs recorded, an unfinished one checkpointed; SIGKILL to the master.
    Set<String> atKill = new TreeSet<>();
    awaitThen(p, "cluster-1", () -> {
      Set<String> recorded = recorded(name);
      Set<String> pending = new TreeSet<>(checkpointed(name));
      pending.removeAll(recorded);
      if (recorded.isEmpty() || pending.isEmpty()) {
        return null;
      }
      atKill.addAll(pending);
      return "";
    });
    int recordedAtKill = recorded(name).size();
    long am = killProcess(first, "org.apache.spark.deploy.yarn.ApplicationMaster");
    System.out.printf("yarn cluster: killed the application master (JVM %d) of %s with %d runs "
        + "recorded and checkpoints of %s%n", am, first, recordedAtKill, atKill);
    StandaloneCluster.Submission s1 = cluster.await(p, "cluster-1", SUBMIT_TIMEOUT);
    assertThat(s1.exitCode()).as("spark-submit of the killed application").isNotZero();
    assertThat(cluster.state(first)).isEqualTo("FAILED/FAILED");

    known = cluster.applicationIds();
    Process q = cluster.launch(submit(List.of(), yaml, name), env, "cluster-2");
    String second = awaitAppId(q, "cluster-2", known);
    StandaloneCluster.Submission s2 = cluster.await(q, "cluster-2", SUBMIT_TIMEOUT);
    String logs = cluster.containerLogText(second);
    assertThat(s2.exitCode()).as("resubmission; its containers' logs:\n%s",
        StandaloneCluster.tail(logs)).isZero();
    // The driver's own lines are in the master's container log.
    assertThat(logs).contains("overparam: " + name + ": " + runs.size() + " runs, "
        + recordedAtKill + " already recorded");
    assertThat(logs).contains(", 0 failed");
    int rows = checkTables(name, runs, null);
    List<String> resumed = atKill.stream()
        .filter(id -> logs.contains("run " + id + " resumes from its checkpoint")).toList();
    assertThat(resumed).as("runs checkpointed at the kill that resumed (of %s)", atKill)
        .isNotEmpty();
    System.out.printf("yarn cluster: 1 fault injected, %d rows checked, 0 lost, 0 duplicated; "
        + "runs %s resumed from their checkpoints on HDFS%n", rows, resumed);
  }

  // ---- 3. analyze and report on HDFS ---------------------------------------------------------

  @Test
  @Order(3)
  void twoAnalysesAtOnceThenReportOnTheHdfsRoot() throws Exception {
    TestSpark.get(); // analyze and report join this JVM's session
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> both = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        both.add(pool.submit(() -> Main.run("analyze", "--results", results, "--bootstrap",
            "20", "--lock-wait", "300")));
      }
      for (Future<Integer> f : both) {
        assertThat(f.get(5, TimeUnit.MINUTES)).as("exit code of one of two analyses").isZero();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(Main.run("report", "--results", results)).isZero();

    FileSystem fs = cluster.fs();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(results);
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(root, "analysis/_ANALYSIS.json")))
        .isTrue();
    String manifest = new String(fs.open(new org.apache.hadoop.fs.Path(root,
        "analysis/_ANALYSIS.json")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    for (String e : List.of("yarn-client", "yarn-cluster")) {
      assertThat(manifest).contains("\"" + e + "\"");
      assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(root,
          "analysis/curves/experiment=" + e))).as("curves of %s", e).isNotEmpty();
      org.apache.hadoop.fs.Path index = new org.apache.hadoop.fs.Path(root,
          "report/" + e + "/index.html");
      assertThat(fs.exists(index)).as("%s", index).isTrue();
      assertThat(fs.listStatus(index.getParent(), x -> x.getName().endsWith(".png")))
          .as("charts of %s", e).isNotEmpty();
    }
    // Neither analysis left its lock, a staging folder or a folder swapped aside.
    assertThat(names(fs.listStatus(root))).noneMatch(n -> n.startsWith("_analysis"));
    SparkSession spark = TestSpark.get();
    long curves = spark.read().parquet(results + "/analysis/curves").count();
    assertThat(curves).isPositive();
    System.out.printf("yarn+hdfs: two analyses at once and a report on %s; %d curve rows%n",
        results, curves);
  }

  // ---- 4. the commit protocol on HDFS --------------------------------------------------------

  @Test
  @Order(4)
  void twoWritersOfOneHdfsRootLeaveOneWholeRecordPerRun() throws Exception {
    String name = "hdfs-commit";
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(experiment(name).replace(
        "widths: [16, 32, 256]", "widths: [4, 8, 16, 32, 64, 128, 256, 512]"),
        name + ".yaml"));
    String root = cluster.nameNode() + "/commit";
    int rounds = 3;
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger written = new AtomicInteger();
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        String app = "writer-" + w;
        writers.add(pool.submit(() -> {
          // Each writer opens the new root itself, as two sweeps starting at once do.
          together.await(2, TimeUnit.MINUTES);
          ResultsStore store = ResultsStore.open(root).withProvenance(Provenance.of("yarn", app));
          for (int round = 0; round < rounds; round++) {
            for (RunSpec r : runs) {
              together.await(2, TimeUnit.MINUTES); // both write the same run at the same time
              try {
                if (!store.isFinished(name, r.runId())) {
                  store.write(result(r));
                  written.incrementAndGet();
                } else {
                  store.write(result(r)); // a late record of a finished run: dropped
                }
              } catch (RuntimeException e) {
                together.reset(); // the other writer stops waiting
                throw e;
              }
            }
          }
          return null;
        }));
      }
      // The first writer that failed says why (the other then only sees the barrier broken).
      List<Throwable> failures = new ArrayList<>();
      for (Future<?> f : writers) {
        try {
          f.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(e.getCause());
        }
      }
      failures.sort(java.util.Comparator.comparing(t -> t instanceof
          java.util.concurrent.BrokenBarrierException || t instanceof
          java.util.concurrent.TimeoutException));
      if (!failures.isEmpty()) {
        throw new AssertionError("a writer failed", failures.get(0));
      }
    } finally {
      pool.shutdownNow();
    }

    Configuration conf = new Configuration();
    RecordedRuns found = RecordedRuns.check(new org.apache.hadoop.fs.Path(root), name, conf);
    assertThat(found.clean()).as("check of %s: %s", root, found).isTrue();
    assertThat(found.recorded().keySet()).containsExactlyInAnyOrderElementsOf(
        runs.stream().map(RunSpec::runId).toList());
    FileSystem fs = cluster.fs();
    List<String> all = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new org.apache.hadoop.fs.Path(root), true);
    while (it.hasNext()) {
      all.add(it.next().getPath().getName());
    }
    assertThat(all).as("files under %s", root).noneMatch(n -> n.startsWith("."))
        .filteredOn(n -> n.endsWith(".parquet")).hasSize(2 * runs.size());
    SparkSession spark = TestSpark.get();
    List<Row> m = spark.read().parquet(root + "/metrics").selectExpr("count(*)",
        "count(distinct run_id, epoch)").collectAsList();
    assertThat(m.get(0).getLong(0)).isEqualTo((long) runs.size() * EPOCHS)
        .isEqualTo(m.get(0).getLong(1));
    long runsRows = spark.read().parquet(root + "/runs").count();
    assertThat(runsRows).isEqualTo(runs.size());
    System.out.printf("hdfs commit: 2 writers x %d rounds x %d runs at once on %s (%d writes "
            + "taken): %d metrics rows and %d runs rows, one record per run, no temporary files%n",
        rounds, runs.size(), root, written.get(), m.get(0).getLong(0), runsRows);
  }

  // ---- helpers -------------------------------------------------------------------------------

  static List<RunSpec> runs(String name) {
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(experiment(name), name + ".yaml"));
    assertThat(runs.stream().map(r -> r.strategy().resolve(Models.params(r))).distinct())
        .as("the grid exercises both strategies")
        .containsExactlyInAnyOrder("per-task", "parameter-averaging");
    return runs;
  }

  /** A finished run's record, the same whichever writer makes it (as two sweeps would). */
  static RunResult result(RunSpec r) {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int e = 1; e <= r.epochs(); e++) {
      epochs.add(new EpochMetrics(e, 1.0 / e, 0.5 / e, 1.2 / e, 0.6 / e, 0.01, 1000, 0.001));
    }
    return new RunResult(r, "per-task", Models.params(r), Models.params(r), 1000,
        RunStatus.COMPLETED, "", 0, 1, epochs, "CpuBackend", "cpu", "localhost", List.of(), 0);
  }

  /** submit/spark-submit-yarn.sh train EXPERIMENT --results hdfs://.../results, small containers. */
  static List<String> submit(List<String> extra, Path yaml, String name) {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/spark-submit-yarn.sh")
            .toString(),
        // Spark's jars are on the node already: nothing to upload but the application.
        "--conf", "spark.yarn.jars=local:" + cluster.sparkHome() + "/jars/*",
        "--num-executors", "2", "--executor-cores", "1",
        "--executor-memory", "768m", "--conf", "spark.executor.memoryOverhead=1g",
        "--driver-memory", "1g", "--conf", "spark.driver.memoryOverhead=768m",
        "--conf", "spark.yarn.am.memory=512m",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.yarn.submit.waitAppCompletion=true"));
    cmd.addAll(extra);
    cmd.addAll(List.of("--", "train", yaml.toString(), "--no-report", "--results", results));
    return cmd;
  }

  /** The id of the application a submission made: the ResourceManager's new one. */
  static String awaitAppId(Process p, String name, Set<String> known) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      Optional<String> id = cluster.applicationIds().stream().filter(a -> !known.contains(a))
          .findFirst();
      if (id.isPresent()) {
        return id.get();
      }
      if (!p.isAlive()) {
        fail("%s ended before YARN accepted it:%n%s", name,
            StandaloneCluster.tail(Files.readString(cluster.log(name))));
      }
      Thread.sleep(200);
    }
    return fail("no application id from %s within 3 minutes", name);
  }

  interface Probe {
    String value() throws Exception;
  }

  /** Polls {@code probe} until it returns a value, failing if the submission ends first. */
  static String awaitThen(Process p, String name, Probe probe) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      String v = probe.value();
      if (v != null) {
        return v;
      }
      if (!p.isAlive()) {
        fail("%s ended before the fault could be injected:%n%s", name,
            StandaloneCluster.tail(Files.readString(cluster.log(name))));
      }
      if (System.nanoTime() > deadline) {
        fail("no fault point within 5 minutes in %s", name);
      }
      Thread.sleep(100);
    }
  }

  /** A per-task run with a checkpoint on HDFS and no runs file yet, or null. */
  static String inFlightWithCheckpoint(String experiment, List<RunSpec> runs) throws IOException {
    Set<String> perTask = runs.stream().filter(r -> r.strategy().resolve(Models.params(r))
        .equals("per-task")).map(RunSpec::runId).collect(Collectors.toSet());
    Set<String> recorded = recorded(experiment);
    return checkpointed(experiment).stream().filter(id -> perTask.contains(id)
        && !recorded.contains(id)).findFirst().orElse(null);
  }

  /** Run ids with a runs file on HDFS. */
  static Set<String> recorded(String experiment) throws IOException {
    return names(list(results + "/runs/experiment=" + experiment)).stream()
        .filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
        .map(n -> n.substring(0, n.length() - ".parquet".length())).collect(Collectors.toSet());
  }

  /** Run ids with a committed checkpoint (an epoch-*.json) on HDFS. */
  static Set<String> checkpointed(String experiment) throws IOException {
    Set<String> out = new HashSet<>();
    for (FileStatus d : list(results + "/_checkpoints/experiment=" + experiment)) {
      if (names(list(d.getPath().toString())).stream().anyMatch(n -> n.startsWith("epoch-")
          && n.endsWith(".json"))) {
        out.add(d.getPath().getName());
      }
    }
    return out;
  }

  static FileStatus[] list(String path) throws IOException {
    try {
      return cluster.fs().listStatus(new org.apache.hadoop.fs.Path(path));
    } catch (java.io.FileNotFoundException e) {
      return new FileStatus[0];
    }
  }

  static List<String> names(FileStatus[] st) {
    List<String> out = new ArrayList<>();
    for (FileStatus s : st) {
      out.add(s.getPath().getName());
    }
    return out;
  }

  /** SIGKILLs the executor whose container log shows it training {@code runId}. */
  static long killExecutorTraining(String appId, String runId) throws Exception {
    for (Path log : cluster.containerLogs(appId)) {
      if (Files.readString(log).contains("run " + runId + " [")) {
        String container = log.getParent().getFileName().toString();
        return killProcess(container, "CoarseGrainedExecutorBackend");
      }
    }
    return fail("no container log of %s shows run %s training", appId, runId);
  }

  /** SIGKILLs the java process whose command line holds {@code what} and {@code mainClass}. */
  static long killProcess(String what, String mainClass) throws Exception {
    Optional<ProcessHandle> h = ProcessHandle.allProcesses().filter(x -> {
      String cmd = ExecutorLossIT.commandLine(x);
      return cmd.contains(mainClass) && cmd.contains(what) && !cmd.startsWith("bash")
          && !cmd.startsWith("/bin/bash");
    }).findFirst();
    if (h.isEmpty()) {
      return fail("no process %s of %s", mainClass, what);
    }
    assertThat(h.get().destroyForcibly()).isTrue();
    h.get().onExit().get(1, TimeUnit.MINUTES);
    return h.get().pid();
  }

  /** Executor containers YARN started for {@code appId} (all but the master's, _000001). */
  static long executorContainers(String appId) throws IOException {
    return cluster.containerLogs(appId).stream().map(p -> p.getParent().getFileName().toString())
        .filter(c -> !c.endsWith("_000001")).distinct().count();
  }

  /**
   * Every (run, epoch) once, every run completed; {@link RecordedRuns#check} of the experiment
   * clean; returns the rows read.
   */
  static int checkTables(String experiment, List<RunSpec> runs, String appId) throws Exception {
    RecordedRuns found = RecordedRuns.check(new org.apache.hadoop.fs.Path(results), experiment,
        new Configuration());
    assertThat(found.clean()).as("check of %s: %s", experiment, found).isTrue();
    assertThat(found.recorded().keySet()).containsExactlyInAnyOrderElementsOf(
        runs.stream().map(RunSpec::runId).toList());
    SparkSession spark = TestSpark.get();
    String where = "experiment = '" + experiment + "'";
    Row m = spark.read().parquet(results + "/metrics").where(where).selectExpr("count(*)",
        "count(distinct run_id, epoch)", "min(epoch)", "max(epoch)").collectAsList().get(0);
    int expected = runs.size() * EPOCHS;
    assertThat(m.getLong(0)).as("metrics rows").isEqualTo(expected);
    assertThat(m.getLong(1)).as("distinct (run, epoch)").isEqualTo(expected);
    assertThat(List.of(m.getInt(2), m.getInt(3))).containsExactly(1, EPOCHS);
    List<Row> runRows = spark.read().parquet(results + "/runs").where(where)
        .select("run_id", "status", "strategy", "spark_master", "spark_app_id").collectAsList();
    assertThat(runRows).hasSize(runs.size());
    assertThat(runRows).extracting(r -> r.getString(1)).containsOnly("completed");
    assertThat(runRows).extracting(r -> r.getString(2))
        .contains("per-task", "parameter-averaging");
    assertThat(runRows).extracting(r -> r.getString(3)).containsOnly("yarn");
    if (appId != null) {
      assertThat(runRows).extracting(r -> r.getString(4)).containsOnly(appId);
    }
    assertThat(list(results + "/_checkpoints/experiment=" + experiment))
        .as("checkpoints left").isEmpty();
    return expected + runRows.size();
  }

  /**
   * Reads, over and over until stopped, every visible Parquet file under a root in full, as a
   * reader of the tables would; any file it cannot read whole fails the test.
   */
  static final class WholeFileReader {
    final AtomicInteger reads = new AtomicInteger();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Void> loop;

    void start(String root) {
      loop = CompletableFuture.runAsync(() -> {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path r = new org.apache.hadoop.fs.Path(root);
        while (!stop.get()) {
          try {
            FileSystem fs = r.getFileSystem(conf);
            if (fs.exists(r)) {
              RemoteIterator<LocatedFileStatus> it = fs.listFiles(r, true);
              while (it.hasNext() && !stop.get()) {
                org.apache.hadoop.fs.Path f = it.next().getPath();
                if (visible(r, f) && f.getName().endsWith(".parquet")) {
                  readWhole(f, conf);
                }
              }
            }
            Thread.sleep(300);
          } catch (InterruptedException e) {
            return;
          } catch (java.io.FileNotFoundException e) {
            // a file deleted or renamed over between listing and reading: not a partial read
          } catch (Exception e) {
            if (!stop.get()) {
              failures.add(e.toString());
            }
          }
        }
      });
    }

    private void readWhole(org.apache.hadoop.fs.Path f, Configuration conf) throws IOException {
      try (ParquetReader<Group> pr = ParquetReader.builder(new GroupReadSupport(), f)
          .withConf(conf).build()) {
        int n = 0;
        while (pr.read() != null) {
          n++;
        }
        if (n == 0) {
          throw new IOException(f + ": no rows");
        }
        reads.incrementAndGet();
      } catch (java.io.FileNotFoundException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // A file replaced by a rename while being read is read from its old blocks or not at
        // all; anything else is a partial file.
        if (cluster.fs().exists(f)) {
          throw new IOException("reading " + f + ": " + e, e);
        }
      }
    }

    /** Readers skip hidden and underscore names (temporary files, checkpoints, staging). */
    private static boolean visible(org.apache.hadoop.fs.Path root, org.apache.hadoop.fs.Path f) {
      for (org.apache.hadoop.fs.Path p = f; p != null && !p.equals(root); p = p.getParent()) {
        if (p.getName().startsWith(".") || p.getName().startsWith("_")) {
          return false;
        }
      }
      return true;
    }

    void stop() throws Exception {
      stop.set(true);
      if (loop != null) {
        loop.get(1, TimeUnit.MINUTES);
      }
      assertThat(failures).as("partial or unreadable files seen by a reader").isEmpty();
    }
  }
}
