package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.Duck;
import org.overparam.testing.StandaloneCluster;

/** submit/spark-submit-local.sh: the jar under spark-submit, and train's --master winning. */
class SparkSubmitLocalIT {
  static final Path ROOT = Path.of(System.getProperty("overparam.root", "."));

  @TempDir
  Path tmp;

  @Test
  void trainsBothStrategiesUnderSparkSubmitOnTheMasterTrainNames() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("tiny.yaml"), """
        name: submit-local
        dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}
        train_sizes: [256]
        model: {family: mlp, depths: [1], widths: [8, 32]}
        optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
        epochs: 3
        seeds: [3]
        strategy: {kind: by-size, auto_threshold_params: 200, workers: 2, averaging_frequency: 2,
                   batch_per_worker: 32}
        """);
    Path results = tmp.resolve("results");
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("submit/spark-submit-local.sh").toString(),
        "--driver-memory", "1g", "--conf", "spark.ui.enabled=false", "--",
        "train", yaml.toString(), "--no-report", "--results", results.toString(), "--master", "local[1]")
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", StandaloneCluster.sparkHome().toString());
    env.put("OVERPARAM_MASTER", "local[2]");
    env.put("SPARK_LOCAL_DIRS", tmp.resolve("local").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("training 2 (1 per-task on 1 slots in 1 tasks, 0 of them stacks; "
        + "1 by parameter averaging) on local[1]");
    assertThat(out).as("Spark logs at WARN and above through conf/log4j2.properties")
        .doesNotContain(" INFO ");

    List<Map<String, Object>> runs = Duck.rows("select strategy, status, spark_master from "
        + Duck.table(results, "runs") + " order by strategy");
    assertThat(runs).extracting(r -> List.of(r.get("strategy"), r.get("status"),
            r.get("spark_master")))
        .containsExactly(List.of("parameter-averaging", "completed", "local[1]"),
            List.of("per-task", "completed", "local[1]"));
    Map<String, Object> m = Duck.rows("select count(*) as n, count(distinct run_id || ':' || "
        + "epoch) as d from " + Duck.table(results, "metrics")).get(0);
    assertThat(List.of(((Number) m.get("n")).intValue(), ((Number) m.get("d")).intValue()))
        .containsExactly(6, 6);
  }
}
