package org.overparam.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overparam.config.ConfigException;

/**
 * The few calls of MLflow's REST API (2.0) that mirroring needs, over {@code java.net.http} with
 * Jackson: every request has a connect and a request timeout, and transport errors, 429 and 5xx
 * are retried a few times with backoff; any other answer fails at once.
 */
final class MlflowRest {
  /** A request MLflow refused or could not be reached for; {@code transport} when unreachable. */
  static final class MlflowException extends IOException {
    final boolean transport;

    MlflowException(String message, boolean transport, Throwable cause) {
      super(message, cause);
      this.transport = transport;
    }
  }

  /** An MLflow run as search returns it. */
  record Run(String id, String status, java.util.Map<String, String> tags) {}

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int attempts;
  private final long backoffMillis;

  MlflowRest(URI base, Duration connectTimeout, Duration requestTimeout, int attempts,
      long backoffMillis) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .version(HttpClient.Version.HTTP_1_1).build();
    this.requestTimeout = requestTimeout;
    this.attempts = attempts;
    this.backoffMillis = backoffMillis;
  }

  /**
   * Checks a tracking URI as given on the command line: http or https, with a host. Throws a
   * one-line {@link ConfigException} otherwise.
   */
  static URI checkUri(String uri) {
    URI u;
    try {
      u = new URI(uri.trim());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("--mlflow " + uri + ": not a URI (" + e.getReason() + ")");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException("--mlflow " + uri + ": must be an http:// or https:// tracking "
          + "server URI (file stores and databricks are not supported)");
    }
    if (u.getHost() == null || u.getHost().isBlank()) {
      throw new ConfigException("--mlflow " + uri + ": has no host");
    }
    if (u.getQuery() != null || u.getFragment() != null) {
      throw new ConfigException("--mlflow " + uri + ": must not have a query or fragment");
    }
    return u;
  }

  /** The id of experiment {@code name}, created if missing. */
  String experimentId(String name) throws MlflowException {
    JsonNode r = call("GET", "api/2.0/mlflow/experiments/get-by-name?experiment_name="
        + URLEncoder.encode(name, StandardCharsets.UTF_8), null, true);
    if (r != null) {
      return r.path("experiment").path("experiment_id").asText();
    }
    ObjectNode body = JSON.createObjectNode().put("name", name);
    try {
      return call("POST", "api/2.0/mlflow/experiments/create", body, false)
          .path("experiment_id").asText();
    } catch (MlflowException e) {
      // another sweep created it meanwhile
      JsonNode again = call("GET", "api/2.0/mlflow/experiments/get-by-name?experiment_name="
          + URLEncoder.encode(name, StandardCharsets.UTF_8), null, true);
      if (again == null) {
        throw e;
      }
      return again.path("experiment").path("experiment_id").asText();
    }
  }

  /** Active runs of an experiment that match {@code filter}, every page. */
  List<Run> searchRuns(String experimentId, String filter) throws MlflowException {
    List<Run> out = new ArrayList<>();
    String token = null;
    do {
      ObjectNode body = JSON.createObjectNode();
      body.putArray("experiment_ids").add(experimentId);
      body.put("filter", filter).put("max_results", 1000).put("run_view_type", "ACTIVE_ONLY");
      if (token != null) {
        body.put("page_token", token);
      }
      JsonNode r = call("POST", "api/2.0/mlflow/runs/search", body, false);
      for (JsonNode run : r.path("runs")) {
        java.util.Map<String, String> tags = new java.util.HashMap<>();
        for (JsonNode t : run.path("data").path("tags")) {
          tags.put(t.path("key").asText(), t.path("value").asText());
        }
        out.add(new Run(run.path("info").path("run_id").asText(),
            run.path("info").path("status").asText(), tags));
      }
      token = r.path("next_page_token").asText(null);
    } while (token != null && !token.isEmpty());
    return out;
  }

  /** Creates a run; returns its id. */
  String createRun(String experimentId, String name, long startMillis, ArrayNode tags)
      throws MlflowException {
    ObjectNode body = JSON.createObjectNode().put("experiment_id", experimentId)
        .put("run_name", name).put("start_time", startMillis);
    body.set("tags", tags);
    return call("POST", "api/2.0/mlflow/runs/create", body, false).path("run").path("info")
        .path("run_id").asText();
  }

  /** One log-batch request; the caller keeps it within the server's limits. */
  void logBatch(String runId, ArrayNode metrics, ArrayNode params, ArrayNode tags)
      throws MlflowException {
    ObjectNode body = JSON.createObjectNode().put("run_id", runId);
    body.set("metrics", metrics);
    body.set("params", params);
    body.set("tags", tags);
    call("POST", "api/2.0/mlflow/runs/log-batch", body, false);
  }

  void finishRun(String runId, String status, long endMillis) throws MlflowException {
    call("POST", "api/2.0/mlflow/runs/update", JSON.createObjectNode().put("run_id", runId)
        .put("status", status).put("end_time", endMillis), false);
  }

  void deleteRun(String runId) throws MlflowException {
    call("POST", "api/2.0/mlflow/runs/delete", JSON.createObjectNode().put("run_id", runId),
        false);
  }

  /**
   * Sends one request with retries. Returns the parsed answer; null for a 404 when
   * {@code missingIsNull}.
   */
  private JsonNode call(String method, String path, JsonNode body, boolean missingIsNull)
      throws MlflowException {
    URI uri = base.resolve(path);
    String what = method + " " + uri.getPath();
    MlflowException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        try {
          Thread.sleep(backoffMillis << (2 * (attempt - 2))); // 1x, 4x, 16x...
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MlflowException(what + ": interrupted", true, e);
        }
      }
      HttpRequest.Builder rq = HttpRequest.newBuilder(uri).timeout(requestTimeout)
          .header("Accept", "application/json");
      if (body == null) {
        rq.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        rq.header("Content-Type", "application/json").method(method,
            HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
      }
      HttpResponse<String> r;
      try {
        r = http.send(rq.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        last = new MlflowException(what + ": " + (e.getMessage() == null ? e.toString()
            : e.getMessage()), true, e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MlflowException(what + ": interrupted", true, e);
      }
      int code = r.statusCode();
      if (code / 100 == 2) {
        try {
          return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
          throw new MlflowException(what + ": answer is not JSON", false, e);
        }
      }
      if (code == 404 && missingIsNull) {
        return null;
      }
      String msg = what + ": HTTP " + code + " " + errorMessage(r.body());
      if (code == 429 || code >= 500) {
        last = new MlflowException(msg, false, null);
        continue;
      }
      throw new MlflowException(msg, false, null);
    }
    throw last;
  }

  private static String errorMessage(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      String m = n.path("error_code").asText("") + " " + n.path("message").asText("");
      return firstLine(m.trim(), 200);
    } catch (IOException | RuntimeException e) {
      return firstLine(body == null ? "" : body, 200);
    }
  }

  static String firstLine(String s, int max) {
    String l = s.lines().findFirst().orElse("");
    return l.length() > max ? l.substring(0, max) + "..." : l;
  }
}
