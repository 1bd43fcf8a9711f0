package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.testing.Duck;
import org.overparam.testing.StandaloneCluster;

/**
 * Spark's GPU scheduling end to end on a standalone cluster without GPUs: a node with four GPUs
 * shared by two workers (two each, reported by a discovery script), the application submitted
 * with conf/spark-defaults-gpu.conf (one GPU per executor and per task). Concurrent one-model
 * tasks must hold different GPUs, and the CPU build must say it trains on the CPU.
 */
class GpuSchedulingIT {
  static final String EXPERIMENT = """
      name: cluster-gpu
      dataset: {kind: teacher-student, input_dim: 16, classes: 4, teacher_width: 16, test_size: 500}
      train_sizes: [2000]
      model: {family: mlp, depths: [1], widths: [16, 32, 64, 128]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 50}
      epochs: 4
      seeds: [0, 1]
      strategy: {kind: per-task}
      """;

  static final Path ROOT = Path.of(System.getProperty("overparam.root", "."));
  static final Pattern FALLBACK = Pattern.compile(
      "overparam: task \\d+ was assigned GPU (\\S+) but ND4J backend is (\\S+); training on the CPU");

  @Test
  void concurrentTasksHoldDistinctGpusAndTheCpuBuildFallsBack() throws Exception {
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(EXPERIMENT, "cluster-gpu.yaml"));
    Path dir = StandaloneCluster.freshDir("gpu");
    // Spark runs this with the worker's environment: each worker reports its own two GPUs.
    Path discovery = Files.writeString(dir.resolve("fake-gpus.sh"), """
        #!/usr/bin/env bash
        printf '{"name":"gpu","addresses":[%s]}\\n' "$FAKE_GPU_ADDRESSES"
        """);
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
    String workerOpts = "-Dspark.worker.resource.gpu.amount=2"
        + " -Dspark.worker.resource.gpu.discoveryScript=" + discovery;
    List<StandaloneCluster.Worker> workers = List.of(
        new StandaloneCluster.Worker(2, 2048, Map.of("SPARK_WORKER_OPTS", workerOpts,
            "FAKE_GPU_ADDRESSES", "\"0\",\"1\"")),
        new StandaloneCluster.Worker(2, 2048, Map.of("SPARK_WORKER_OPTS", workerOpts,
            "FAKE_GPU_ADDRESSES", "\"2\",\"3\"")));

    try (StandaloneCluster cluster = StandaloneCluster.start(dir, workers)) {
      Path yaml = Files.writeString(dir.resolve("cluster-gpu.yaml"), EXPERIMENT);
      Path results = dir.resolve("results");
      StandaloneCluster.Submission s = cluster.submit(List.of(
              ROOT.resolve("submit/spark-submit-standalone.sh").toString(),
              // The GPU configuration as shipped, on workers of two cores: executors of one core
              // and one GPU, two per worker.
              "--conf", "spark.executor.cores=1", "--conf", "spark.task.cpus=1",
              "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=4",
              "--driver-memory", "1g", "--conf", "spark.ui.enabled=false", "--",
              "train", yaml.toString(), "--no-report", "--results", results.toString()),
          Map.of("OVERPARAM_MASTER", cluster.masterUrl(),
              "OVERPARAM_SPARK_CONF", ROOT.resolve("conf/spark-defaults-gpu.conf").toString()),
          "driver", Duration.ofMinutes(10));
      assertThat(s.exitCode()).as("spark-submit output:\n%s", StandaloneCluster.tail(s.output()))
          .isZero();
      // All four executors had registered before the sweep sized its pool of jobs.
      assertThat(s.output()).contains(runs.size() + " per-task on 4 slots");

      List<Map<String, Object>> rows = Duck.rows("select run_id, device, backend, host, status, "
          + "epoch_ms(started_at) as t0, epoch_ms(ended_at) as t1 from "
          + Duck.table(results, "runs") + " order by started_at");
      assertThat(rows).hasSize(runs.size());
      assertThat(rows).extracting(r -> r.get("status")).containsOnly("completed");
      List<String> addresses = new ArrayList<>();
      long first = ((Number) rows.get(0).get("t0")).longValue();
      for (Map<String, Object> r : rows) {
        String device = (String) r.get("device");
        Matcher m = Pattern.compile("cpu \\(gpu:(\\S+) assigned\\)").matcher(device);
        assertThat(m.matches()).as("device of run %s: %s", r.get("run_id"), device).isTrue();
        addresses.add(m.group(1));
        System.out.printf("run %s got GPU %s on %s, trained from %+.1fs to %+.1fs (%s)%n",
            r.get("run_id"), m.group(1), r.get("host"),
            (((Number) r.get("t0")).longValue() - first) / 1e3,
            (((Number) r.get("t1")).longValue() - first) / 1e3, r.get("backend"));
      }
      assertThat(new TreeSet<>(addresses)).as("GPUs used").containsExactly("0", "1", "2", "3");

      // No two runs that overlapped in time held the same GPU; and some did overlap.
      int overlapping = 0;
      for (int i = 0; i < rows.size(); i++) {
        for (int j = i + 1; j < rows.size(); j++) {
          long a0 = ((Number) rows.get(i).get("t0")).longValue();
          long a1 = ((Number) rows.get(i).get("t1")).longValue();
          long b0 = ((Number) rows.get(j).get("t0")).longValue();
          long b1 = ((Number) rows.get(j).get("t1")).longValue();
          if (a0 < b1 && b0 < a1) {
            overlapping++;
            assertThat(addresses.get(j)).as("GPU of runs %s and %s, which ran at the same time",
                rows.get(i).get("run_id"), rows.get(j).get("run_id"))
                .isNotEqualTo(addresses.get(i));
          }
        }
      }
      assertThat(overlapping).as("pairs of runs that trained at the same time").isPositive();
      System.out.println("concurrent pairs checked: " + overlapping);

      // Every executor that trained said once, clearly, that it fell back to the CPU.
      Set<String> announced = new TreeSet<>();
      for (int w = 1; w <= 2; w++) {
        for (Path log : cluster.executorLogs(w)) {
          Matcher m = FALLBACK.matcher(Files.readString(log));
          while (m.find()) {
            announced.add(m.group(1));
            assertThat(m.group(2)).isEqualTo("CpuBackend");
          }
        }
      }
      assertThat(announced).as("GPU addresses named in executor logs")
          .isEqualTo(new TreeSet<>(addresses));
      assertThat(rows).extracting(r -> r.get("backend")).containsOnly("CpuBackend");
    }
  }
}
