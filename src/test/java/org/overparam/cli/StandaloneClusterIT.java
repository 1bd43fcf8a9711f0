package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.model.Models;
import org.overparam.testing.Duck;
import org.overparam.testing.StandaloneCluster;

/**
 * submit/spark-submit-standalone.sh on a real standalone cluster of one master and two worker
 * processes (one core each): a Fashion-MNIST sweep whose small models train per-task and whose
 * large ones by parameter averaging, then a small transformer sweep ({@code family: gpt}, its
 * layers' own forward and backward passes shipped to the executors) by both strategies, each
 * read back from Parquet.
 */
class StandaloneClusterIT {
  static final String EXPERIMENT = """
      name: cluster-fashion
      dataset: {kind: fashion-mnist, test_size: 1000}
      train_sizes: [1000]
      label_noise: [0.0, 0.2]
      model: {family: mlp, depths: [1], widths: [8, 16, 64]}
      optimizer: {kind: adam, learning_rate: 0.001, batch_size: 100}
      epochs: 3
      seeds: [0]
      strategy: {kind: by-size, auto_threshold_params: 40000, workers: 2, averaging_frequency: 2,
                 batch_per_worker: 100}
      """;

  static final Path ROOT = Path.of(System.getProperty("overparam.root", "."));

  /**
   * Two tiny transformers on Genesis 1-3, one grid of both strategies in one submission: the
   * smaller per-task, the larger by averaging. As few steps as still make two epochs of each:
   * 64 windows of 16 tokens, so per-task 4 steps an epoch and by averaging one round an epoch
   * (2 workers x 16 windows x 2 minibatches); 16 test windows.
   */
  static final String GPT_EXPERIMENT = """
      name: cluster-gpt
      dataset: {kind: text, path: '%s', context: 16, validation_fraction: 0.1, test_size: 256}
      train_sizes: [1024]
      model: {family: gpt, depths: [1], widths: [8, 16], heads: 2}
      optimizer: {kind: adam, learning_rate: 0.005, batch_size: 16}
      epochs: 2
      seeds: [0]
      strategy: {kind: by-size, auto_threshold_params: 3500, workers: 2, averaging_frequency: 2,
                 batch_per_worker: 16}
      """.formatted(ROOT.resolve("src/test/resources/text/genesis-1-3.kjv").toAbsolutePath());

  @Test
  void sweepOnTwoWorkersRecordsEveryEpochOfEveryRunOnce() throws Exception {
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(EXPERIMENT, "cluster-fashion.yaml"));
    Map<String, Long> byStrategy = runs.stream().collect(Collectors.groupingBy(
        r -> r.strategy().resolve(Models.params(r)), Collectors.counting()));
    assertThat(byStrategy.keySet()).as("the grid exercises both strategies")
        .containsExactlyInAnyOrder("per-task", "parameter-averaging");

    Path dir = StandaloneCluster.freshDir("standalone");
    List<StandaloneCluster.Worker> workers = List.of(
        new StandaloneCluster.Worker(1, 1536, Map.of()),
        new StandaloneCluster.Worker(1, 1536, Map.of()));
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, workers)) {
      Path yaml = Files.writeString(dir.resolve("cluster-fashion.yaml"), EXPERIMENT);
      Path results = dir.resolve("results");
      StandaloneCluster.Submission s = cluster.submit(List.of(
              ROOT.resolve("submit/spark-submit-standalone.sh").toString(),
              // One executor of one core per worker; the driver's UI off (shared machine).
              "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=1g",
              "--conf", "spark.cores.max=2", "--driver-memory", "2g",
              "--conf", "spark.ui.enabled=false", "--",
              "train", yaml.toString(), "--no-report", "--results", results.toString()),
          Map.of("OVERPARAM_MASTER", cluster.masterUrl()), "driver", Duration.ofMinutes(10));
      assertThat(s.exitCode()).as("spark-submit output:\n%s", StandaloneCluster.tail(s.output()))
          .isZero();
      assertThat(s.output()).contains("overparam: cluster-fashion: " + runs.size() + " runs, 0 "
          + "already recorded, " + runs.size() + " completed");
      // The project's log4j2 configuration reached the driver: Spark's INFO lines are gone.
      assertThat(s.output()).doesNotContain(" INFO ");

      int rows = checkTables(runs, byStrategy, results, cluster.masterUrl());
      String appId = (String) Duck.rows("select distinct spark_app_id from "
          + Duck.table(results, "runs")).get(0).get("spark_app_id");
      checkMasterSawTheApplication(cluster, appId);
      checkBothWorkersTrained(cluster, appId);
      checkResultsRootHoldsOnlyTables(results, runs);
      System.out.println("rows checked: " + rows + " (" + (rows - runs.size())
          + " metrics rows, one per run and epoch, and " + runs.size() + " runs rows) from "
          + results);

      trainsTheTransformerFamily(cluster, dir);
    }
  }

  /** The gpt family on the same cluster: one run per strategy, every epoch recorded once. */
  static void trainsTheTransformerFamily(StandaloneCluster cluster, Path dir) throws Exception {
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(GPT_EXPERIMENT, "cluster-gpt.yaml"));
    Map<String, Long> byStrategy = runs.stream().collect(Collectors.groupingBy(
        r -> r.strategy().resolve(Models.params(r)), Collectors.counting()));
    assertThat(byStrategy).as("one gpt run per strategy")
        .containsOnly(Map.entry("per-task", 1L), Map.entry("parameter-averaging", 1L));
    Path yaml = Files.writeString(dir.resolve("cluster-gpt.yaml"), GPT_EXPERIMENT);
    Path results = dir.resolve("results-gpt");
    StandaloneCluster.Submission s = cluster.submit(List.of(
            ROOT.resolve("submit/spark-submit-standalone.sh").toString(),
            "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=1g",
            "--conf", "spark.cores.max=2", "--driver-memory", "2g",
            "--conf", "spark.ui.enabled=false", "--",
            "train", yaml.toString(), "--no-report", "--results", results.toString()),
        Map.of("OVERPARAM_MASTER", cluster.masterUrl()), "driver-gpt", Duration.ofMinutes(5));
    assertThat(s.exitCode()).as("spark-submit output:\n%s", StandaloneCluster.tail(s.output()))
        .isZero();
    assertThat(s.output()).contains("overparam: cluster-gpt: " + runs.size() + " runs, 0 "
        + "already recorded, " + runs.size() + " completed");
    checkTables(runs, byStrategy, results, cluster.masterUrl());
    List<Map<String, Object>> last = Duck.rows("select family, test_loss, train_loss from "
        + Duck.table(results, "metrics") + " where epoch = 2");
    assertThat(last).hasSize(2).allSatisfy(r -> {
      assertThat(r.get("family")).isEqualTo("gpt");
      assertThat(((Number) r.get("test_loss")).doubleValue()).isFinite().isPositive();
    });
    checkResultsRootHoldsOnlyTables(results, runs);
  }

  /** One metrics row per (run, epoch), every run completed on this cluster; returns the rows. */
  static int checkTables(List<RunSpec> runs, Map<String, Long> byStrategy, Path results,
      String master) throws Exception {
    String metrics = Duck.table(results, "metrics");
    int expected = runs.stream().mapToInt(RunSpec::epochs).sum();
    Map<String, Object> m = Duck.rows("select count(*) as n, count(distinct run_id || ':' || epoch) "
        + "as distinct_epochs, count(distinct run_id) as runs, min(experiment) as e1, "
        + "max(experiment) as e2 from " + metrics).get(0);
    assertThat(((Number) m.get("n")).intValue()).isEqualTo(expected);
    assertThat(((Number) m.get("distinct_epochs")).intValue()).isEqualTo(expected);
    assertThat(m.get("e1")).isEqualTo(runs.get(0).experiment()).isEqualTo(m.get("e2"));
    for (Map<String, Object> r : Duck.rows("select run_id, min(epoch) as lo, max(epoch) as hi, "
        + "count(*) as n from " + metrics + " group by run_id")) {
      RunSpec spec = runs.stream().filter(x -> x.runId().equals(r.get("run_id"))).findFirst()
          .orElseThrow(() -> new AssertionError("unknown run " + r.get("run_id")));
      assertThat(List.of(r.get("lo"), r.get("hi"), ((Number) r.get("n")).intValue()))
          .as("epochs of run %s", spec.runId()).containsExactly(1, spec.epochs(), spec.epochs());
    }

    List<Map<String, Object>> runRows = Duck.rows("select run_id, status, strategy, "
        + "spark_master, spark_app_id from " + Duck.table(results, "runs"));
    assertThat(runRows).hasSize(runs.size());
    assertThat(runRows).extracting(r -> r.get("run_id")).containsExactlyInAnyOrderElementsOf(
        runs.stream().map(RunSpec::runId).toList());
    assertThat(runRows).extracting(r -> r.get("status")).containsOnly("completed");
    assertThat(runRows).extracting(r -> r.get("spark_master")).containsOnly(master);
    assertThat(runRows.stream().map(r -> (String) r.get("spark_app_id")).distinct().toList())
        .singleElement().asString().startsWith("app-");
    assertThat(runRows.stream().collect(Collectors.groupingBy(r -> (String) r.get("strategy"),
        Collectors.counting()))).isEqualTo(byStrategy);
    return expected + runRows.size();
  }

  /** The master ran the application with the two one-core executors asked for. */
  static void checkMasterSawTheApplication(StandaloneCluster cluster, String appId)
      throws Exception {
    JsonNode state = cluster.state();
    List<JsonNode> apps = new ArrayList<>();
    state.path("completedapps").forEach(apps::add);
    assertThat(apps).as("completed applications on %s", cluster.masterUrl())
        .anySatisfy(a -> {
          assertThat(a.path("id").asText()).isEqualTo(appId);
          assertThat(a.path("name").asText()).isEqualTo("overparam train cluster-fashion");
          assertThat(a.path("state").asText()).isEqualTo("FINISHED");
        });
  }

  /** Each worker's executor trained runs (its epoch lines) and logged through log4j2's config. */
  static void checkBothWorkersTrained(StandaloneCluster cluster, String appId) throws Exception {
    for (int w = 1; w <= 2; w++) {
      List<Path> logs = cluster.executorLogs(w).stream()
          .filter(p -> p.toString().contains(appId)).toList();
      assertThat(logs).as("executor logs of worker %d", w).isNotEmpty();
      String text = String.join("\n", logs.stream().map(StandaloneClusterIT::read).toList());
      assertThat(text).as("worker %d's executor log", w).containsPattern("run [0-9a-f]{16} \\[");
      assertThat(text).as("worker %d's executor log", w).doesNotContain(" INFO ");
    }
  }

  /** The driver alone wrote the results root: the marker and one file per run and table. */
  static void checkResultsRootHoldsOnlyTables(Path results, List<RunSpec> runs) throws Exception {
    Set<String> expected = new TreeSet<>();
    expected.add("_OVERPARAM");
    for (RunSpec r : runs) {
      for (String table : List.of("metrics", "runs")) {
        expected.add(table + "/experiment=" + r.experiment() + "/" + r.runId() + ".parquet");
      }
    }
    try (Stream<Path> files = Files.walk(results)) {
      Set<String> found = files.filter(Files::isRegularFile)
          .map(p -> results.relativize(p).toString())
          .filter(p -> !Path.of(p).getFileName().toString().endsWith(".crc"))
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(found).isEqualTo(expected);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
