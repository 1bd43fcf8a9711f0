package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.AnalyzeReportCommandTest.Result;
import org.overparam.testing.MlflowServer;
import org.overparam.testing.TestSpark;

/**
 * {@code train --mlflow} against a real {@code mlflow server} (sqlite store, local artifacts) on
 * 127.0.0.1: what the server holds is read back over REST and compared with the Parquet tables.
 */
class MlflowMirrorTest {
  @TempDir
  static Path serverDir;

  @TempDir
  Path tmp;

  static MlflowServer server;

  /**
   * SGD at learning rate 3 on a depth-4 MLP (DivergenceTest): some seeds overflow, others run all
   * 220 epochs, whose 5 x 220 metrics take two log-batch requests.
   */
  static final String EXPERIMENT = """
      name: %s
      dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 200}
      train_sizes: [256]
      model: {family: mlp, depths: [4], widths: [16]}
      optimizer: {kind: sgd, learning_rate: 3.0, momentum: 0.9, batch_size: 32}
      epochs: %d
      seeds: [0, 3, 4]
      strategy: {kind: per-task}
      """;

  @BeforeAll
  static void startServer() throws Exception {
    Path exe = MlflowServer.executable();
    if (exe == null) {
      return; // the tests that need it skip, saying why
    }
    long t0 = System.nanoTime();
    server = MlflowServer.start(exe, serverDir);
    System.out.printf("mlflow server up at %s in %.1fs%n", server.uri(),
        (System.nanoTime() - t0) / 1e9);
  }

  private static void needServer() {
    assumeTrue(server != null, "no mlflow executable in the MLflow environment (submit/setup "
        + "installs it in .venv-mlflow; or set OVERPARAM_MLFLOW_VENV)");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyRunIsMirroredOnceWithItsParquetMetricsParamsAndTags() throws Exception {
    needServer();
    Path yaml = Files.writeString(tmp.resolve("mirror.yaml"), EXPERIMENT.formatted("mirror",
        220));
    String results = tmp.resolve("results").toString();
    TestSpark.get();
    Result train = shown(AnalyzeReportCommandTest.cli("train", yaml.toString(), "--results", results,
        "--master", "local[2]", "--no-report", "--mlflow", server.uri().toString()));
    assertThat(train.code()).as(train.out() + train.err()).isZero();
    assertThat(train.out()).contains("overparam: mirror: 3 runs, 0 already recorded")
        .contains("; mlflow: 3 mirrored, 0 already there, 0 failed to mirror (");

    SparkSession spark = TestSpark.get();
    List<Row> runsRows = spark.read().parquet(results + "/runs").collectAsList();
    assertThat(runsRows).hasSize(3);
    Map<String, Long> metricRows = new HashMap<>();
    for (Row r : spark.read().parquet(results + "/metrics").groupBy("run_id").count()
        .collectAsList()) {
      metricRows.put(r.getString(0), r.getLong(1));
    }
    assertThat(metricRows.values()).as("a run long enough to need two log-batch requests")
        .anyMatch(n -> n * 5 > 1000);

    String exp = server.experimentId("mirror");
    assertThat(exp).as("the MLflow experiment is named after the experiment").isNotNull();
    List<JsonNode> mlRuns = server.runs(exp);
    assertThat(mlRuns).hasSize(runsRows.size());
    Map<String, JsonNode> byRunId = new HashMap<>();
    for (JsonNode r : mlRuns) {
      byRunId.put(tags(r).get("overparam.run_id"), r);
    }
    for (Row row : runsRows) {
      String id = row.getAs("run_id");
      JsonNode ml = byRunId.get(id);
      assertThat(ml).as("MLflow run of " + id).isNotNull();
      Map<String, String> tags = tags(ml);
      Map<String, String> params = params(ml);
      String status = row.getAs("status");
      assertThat(tags).containsEntry("overparam.experiment", "mirror")
          .containsEntry("overparam.status", status)
          .containsEntry("overparam.config_hash", row.getAs("config_hash"))
          .containsEntry("overparam.git_commit", row.getAs("git_commit"));
      assertThat(ml.path("info").path("status").asText())
          .isEqualTo(status.equals("completed") ? "FINISHED" : "FAILED");
      assertThat(params).containsEntry("family", "mlp").containsEntry("depth", "4")
          .containsEntry("width", "16").containsEntry("train_size", "256")
          .containsEntry("label_noise", "0.0").containsEntry("weight_decay", "0.0")
          .containsEntry("dropout", "0.0").containsEntry("optimizer.kind", "sgd")
          .containsEntry("optimizer.learning_rate", "3.0")
          .containsEntry("optimizer.batch_size", "32").containsEntry("epochs", "220")
          .containsEntry("n_params", String.valueOf((Long) row.getAs("params")));
      assertThat(params.get("seed")).isIn("0", "3", "4");

      List<Row> epochs = spark.read().parquet(results + "/metrics")
          .filter("run_id = '" + id + "'").orderBy("epoch").collectAsList();
      assertThat(epochs).hasSize(metricRows.getOrDefault(id, 0L).intValue());
      for (String key : List.of("train_loss", "train_error", "test_loss", "test_error",
          "epoch_seconds")) {
        List<JsonNode> h = server.history(ml.path("info").path("run_id").asText(), key);
        assertThat(h).as(key + " of " + id).hasSize(epochs.size());
        for (int i = 0; i < h.size(); i++) {
          assertThat(h.get(i).path("step").asInt()).isEqualTo((Integer) epochs.get(i)
              .getAs("epoch"));
          assertThat(h.get(i).path("value").asDouble()).isEqualTo((Double) epochs.get(i)
              .getAs(key));
        }
      }
    }

    // Rerunning the same train trains nothing and mirrors nothing twice.
    Result again = shown(AnalyzeReportCommandTest.cli("train", yaml.toString(), "--results", results,
        "--master", "local[2]", "--no-report", "--mlflow", server.uri().toString()));
    assertThat(again.code()).as(again.out() + again.err()).isZero();
    assertThat(again.out()).contains("overparam: mirror: 3 runs, 3 already recorded")
        .contains("; mlflow: 0 mirrored, 3 already there, 0 failed to mirror (");
    assertThat(server.runs(exp)).hasSize(3);
  }

  @Test
  void aServerThatIsDownNeitherFailsNorSlowsTheSweepAndTheNextTrainMirrorsTheRuns()
      throws Exception {
    needServer();
    TestSpark.get();
    // Warm up (native libraries, JIT) so that neither timed sweep pays for it.
    Path warm = Files.writeString(tmp.resolve("warm.yaml"), EXPERIMENT.formatted("warm", 2));
    assertThat(AnalyzeReportCommandTest.cli("train", warm.toString(), "--results",
        tmp.resolve("warm").toString(), "--master", "local[2]", "--no-report").code()).isZero();
    // The same sweep twice, once without MLflow and once with a port nobody listens on.
    Path plain = Files.writeString(tmp.resolve("plain.yaml"), EXPERIMENT.formatted("plain", 20));
    long t0 = System.nanoTime();
    Result without = AnalyzeReportCommandTest.cli("train", plain.toString(), "--results",
        tmp.resolve("plain").toString(), "--master", "local[2]", "--no-report");
    double plainSeconds = (System.nanoTime() - t0) / 1e9;
    assertThat(without.code()).as(without.out() + without.err()).isZero();

    Path yaml = Files.writeString(tmp.resolve("down.yaml"), EXPERIMENT.formatted("down", 20));
    String results = tmp.resolve("results").toString();
    String down = "http://127.0.0.1:" + MlflowServer.freePort();
    t0 = System.nanoTime();
    Result train = shown(AnalyzeReportCommandTest.cli("train", yaml.toString(), "--results", results,
        "--master", "local[2]", "--no-report", "--mlflow", down));
    double downSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("train without mlflow %.1fs, with mlflow down %.1fs%n", plainSeconds,
        downSeconds);
    assertThat(train.code()).as(train.out() + train.err()).isZero();
    assertThat(train.out()).contains("overparam: down: 3 runs, 0 already recorded")
        .contains("; mlflow: 0 mirrored, 0 already there, 3 failed to mirror (")
        .contains("overparam: mlflow: run ");
    assertThat(downSeconds - plainSeconds).as("seconds MLflow being down added")
        .isLessThan(8.0);

    SparkSession spark = TestSpark.get();
    assertThat(spark.read().parquet(results + "/runs").count()).isEqualTo(3);
    long metrics = spark.read().parquet(results + "/metrics").count();
    assertThat(metrics).isEqualTo(spark.read().parquet(results + "/runs")
        .selectExpr("sum(epochs_recorded)").first().getLong(0));

    // With the server up, the next train trains nothing and mirrors the three recorded runs.
    Result later = shown(AnalyzeReportCommandTest.cli("train", yaml.toString(), "--results", results,
        "--master", "local[2]", "--no-report", "--mlflow", server.uri().toString(),
        "--mlflow-experiment", "down-later"));
    assertThat(later.code()).as(later.out() + later.err()).isZero();
    assertThat(later.out()).contains("overparam: down: 3 runs, 3 already recorded")
        .contains("; mlflow: 3 mirrored, 0 already there, 0 failed to mirror (");
    List<JsonNode> mlRuns = server.runs(server.experimentId("down-later"));
    assertThat(mlRuns).hasSize(3);
    long histories = 0;
    for (JsonNode r : mlRuns) {
      histories += server.history(r.path("info").path("run_id").asText(), "test_loss").size();
    }
    assertThat(histories).isEqualTo(metrics);
  }

  @Test
  void aTrackingUriThatIsNotHttpIsRefusedBeforeSparkStarts() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("bad.yaml"), EXPERIMENT.formatted("bad", 2));
    Result r = AnalyzeReportCommandTest.cli("train", yaml.toString(),
        "--results", tmp.resolve("results").toString(), "--master", "local[2]",
        "--mlflow", "file:///tmp/mlruns");
    assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(r.err().strip()).startsWith("overparam: error: --mlflow file:///tmp/mlruns: "
        + "must be an http:// or https:// tracking server URI").doesNotContain("\n");
    assertThat(tmp.resolve("results")).doesNotExist();
  }

  /** Echoes a train's summary and MLflow lines to the test log. */
  private static Result shown(Result r) {
    r.out().lines().filter(l -> l.contains("; mlflow: ") || l.startsWith("overparam: mlflow:"))
        .forEach(System.out::println);
    return r;
  }

  private static Map<String, String> tags(JsonNode run) {
    return keyValues(run.path("data").path("tags"));
  }

  private static Map<String, String> params(JsonNode run) {
    return keyValues(run.path("data").path("params"));
  }

  private static Map<String, String> keyValues(JsonNode list) {
    Map<String, String> out = new HashMap<>();
    list.forEach(kv -> out.put(kv.path("key").asText(), kv.path("value").asText()));
    return out;
  }
}
