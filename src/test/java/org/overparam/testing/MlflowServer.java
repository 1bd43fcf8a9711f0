package org.overparam.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real {@code mlflow server} from PyPI on 127.0.0.1, on a free port, with a sqlite store and a
 * local artifact root in {@code dir}; and the REST reads the tests check it with. The executable
 * comes from the environment submit/setup builds for it: {@code $OVERPARAM_MLFLOW_VENV}, else
 * the {@code overparam.mlflow.venv} system property, else {@code .venv-mlflow} in the project.
 */
public final class MlflowServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final URI uri;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private MlflowServer(Process process, URI uri, Path log) {
    this.process = process;
    this.uri = uri;
    this.log = log;
  }

  /** The mlflow executable, or null when the environment has none. */
  public static Path executable() {
    String venv = System.getenv("OVERPARAM_MLFLOW_VENV");
    if (venv == null || venv.isBlank()) {
      venv = System.getProperty("overparam.mlflow.venv", Path.of(System.getProperty(
          "overparam.root", ".")).resolve(".venv-mlflow").toString());
    }
    Path exe = Path.of(venv, "bin", "mlflow");
    return Files.isExecutable(exe) ? exe : null;
  }

  /** A port nothing listens on (just closed). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Starts a server and waits until it answers /health. */
  public static MlflowServer start(Path exe, Path dir) throws Exception {
    int port = freePort();
    Files.createDirectories(dir);
    Path log = dir.resolve("server.log");
    ProcessBuilder pb = new ProcessBuilder(exe.toString(), "server", "--host", "127.0.0.1",
        "--port", String.valueOf(port), "--workers", "1",
        "--backend-store-uri", "sqlite:///" + dir.resolve("mlflow.db").toAbsolutePath(),
        "--artifacts-destination", dir.resolve("artifacts").toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("MLFLOW_DISABLE_TELEMETRY", "true");
    pb.environment().put("DO_NOT_TRACK", "true");
    MlflowServer s = new MlflowServer(pb.start(), URI.create("http://127.0.0.1:" + port), log);
    long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    while (System.nanoTime() < deadline) {
      if (!s.process.isAlive()) {
        throw new IllegalStateException("mlflow server exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(s.uri.resolve("/health"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return s;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(300);
    }
    s.close();
    throw new IllegalStateException("mlflow server did not answer within 240 s");
  }

  public URI uri() {
    return uri;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** GET or POST one REST call; the answer's JSON. */
  public JsonNode call(String method, String path, Object body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri.resolve(path))
        .timeout(Duration.ofSeconds(30));
    if (body == null) {
      b.GET();
    } else {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The id of an MLflow experiment, or null when there is none of that name. */
  public String experimentId(String name) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri.resolve(
        "/api/2.0/mlflow/experiments/get-by-name?experiment_name="
            + URLEncoder.encode(name, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 404 ? null
        : JSON.readTree(r.body()).path("experiment").path("experiment_id").asText();
  }

  /** Every active run of an experiment (runs/search, all pages). */
  public List<JsonNode> runs(String experimentId) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String token = "";
    do {
      JsonNode r = call("POST", "/api/2.0/mlflow/runs/search", Map.of("experiment_ids",
          List.of(experimentId), "max_results", 100, "page_token", token));
      r.path("runs").forEach(out::add);
      token = r.path("next_page_token").asText("");
    } while (!token.isEmpty());
    return out;
  }

  /** A metric's history, ordered by step. */
  public List<JsonNode> history(String runId, String key) throws Exception {
    JsonNode r = call("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" + runId
        + "&metric_key=" + key, null);
    List<JsonNode> out = new ArrayList<>();
    r.path("metrics").forEach(out::add);
    out.sort(java.util.Comparator.comparingLong(m -> m.path("step").asLong()));
    return out;
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
