package org.overparam.mlflow;

import static org.overparam.results.Columns.CONFIG_HASH;
import static org.overparam.results.Columns.CONFIG_JSON;
import static org.overparam.results.Columns.ENDED_AT;
import static org.overparam.results.Columns.EPOCH;
import static org.overparam.results.Columns.EPOCH_SECONDS;
import static org.overparam.results.Columns.GIT_COMMIT;
import static org.overparam.results.Columns.HOST;
import static org.overparam.results.Columns.MESSAGE;
import static org.overparam.results.Columns.PARAMS;
import static org.overparam.results.Columns.SPARK_APP_ID;
import static org.overparam.results.Columns.STARTED_AT;
import static org.overparam.results.Columns.STATUS;
import static org.overparam.results.Columns.STRATEGY;
import static org.overparam.results.Columns.TEST_ERROR;
import static org.overparam.results.Columns.TEST_LOSS;
import static org.overparam.results.Columns.TRAIN_ERROR;
import static org.overparam.results.Columns.TRAIN_LOSS;
import static org.overparam.results.Columns.VERSION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.example.data.Group;
import org.overparam.config.RunSpec;
import org.overparam.results.Column;
import org.overparam.results.ResultsLayout;
import org.overparam.results.ResultsStore;
import org.overparam.train.Checkpoints;
import org.overparam.train.RunResult;
import org.overparam.train.RunSink;

/**
 * A {@link RunSink} that records runs in the results store, then mirrors each one to an MLflow
 * tracking server. Parquet stays the source of truth: a run is mirrored from its committed
 * Parquet files, after {@link ResultsStore#write} returns, on one background thread of the
 * driver, so training never waits for MLflow and MLflow never changes what is recorded.
 *
 * <p>One MLflow run per overparam run, found by its {@code overparam.run_id} tag: a run already
 * mirrored with the same status and end time is left alone, so rerunning a sweep creates no
 * duplicates; an MLflow run of an earlier attempt (a failed run trained again) or one left
 * unfinished by an interrupted mirror is deleted and the run mirrored anew. An MLflow run is
 * marked terminal (FINISHED for completed runs, FAILED for diverged and failed ones) only once its
 * params, metrics and tags are all logged: that is its commit mark.
 *
 * <p>Failures never fail a sweep: each request has bounded timeouts and a few retries; a run
 * that still cannot be mirrored is counted and left for the next {@code train}, which mirrors
 * every recorded run of the grid that the server lacks. When the server cannot be reached for
 * {@value #GIVE_UP_AFTER} runs in a row, the rest are not tried.
 */
public final class MlflowMirror implements RunSink {
  /** Params, tags and metrics in one log-batch request: the server refuses more than 1000. */
  static final int MAX_BATCH = 1000;
  /** Params in one request: the server refuses more than 100. */
  static final int MAX_PARAMS = 100;
  /** The metrics logged per evaluated epoch, step = epoch: metrics table columns. */
  static final List<Column> METRICS = List.of(TRAIN_LOSS, TRAIN_ERROR, TEST_LOSS, TEST_ERROR,
      EPOCH_SECONDS);
  static final String RUN_ID_TAG = "overparam.run_id";
  static final int GIVE_UP_AFTER = 2;

  /** What mirroring did. */
  public record Counts(int mirrored, int already, int failed, double seconds,
      String firstError) {}

  private final ResultsStore store;
  private final MlflowRest rest;
  private final String mlflowExperiment;
  private final PrintStream out;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "overparam-mlflow");
    t.setDaemon(true);
    return t;
  });
  private final Set<String> submitted = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicInteger mirrored = new AtomicInteger();
  private final AtomicInteger already = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong busyNanos =
      new java.util.concurrent.atomic.AtomicLong();
  // worker thread only
  private String experimentId;
  private Map<String, List<MlflowRest.Run>> existing;
  private int unreachableInARow;
  private volatile String firstError;

  /**
   * @param store where runs are recorded and read back from
   * @param tracking tracking server URI, checked by {@link #checkUri}
   * @param mlflowExperiment the MLflow experiment the runs go to, created if missing
   * @param out where a failure to mirror is reported, one line each
   */
  public MlflowMirror(ResultsStore store, URI tracking, String mlflowExperiment,
      PrintStream out) {
    this(store, new MlflowRest(tracking, Duration.ofSeconds(2), Duration.ofSeconds(10), 3, 250),
        mlflowExperiment, out);
  }

  MlflowMirror(ResultsStore store, MlflowRest rest, String mlflowExperiment, PrintStream out) {
    this.store = store;
    this.rest = rest;
    this.mlflowExperiment = mlflowExperiment;
    this.out = out;
  }

  /** A tracking URI as given to {@code --mlflow}, checked: see {@link MlflowRest#checkUri}. */
  public static URI checkUri(String uri) {
    return MlflowRest.checkUri(uri);
  }

  /** The same mirror, recording through {@code s} (the store with the sweep's provenance). */
  public MlflowMirror recordingTo(ResultsStore s) {
    return new MlflowMirror(s, rest, mlflowExperiment, out);
  }

  @Override
  public Set<String> finishedRunIds(String experiment) {
    return store.finishedRunIds(experiment);
  }

  @Override
  public boolean isFinished(String experiment, String runId) {
    return store.isFinished(experiment, runId);
  }

  @Override
  public void tidy(String experiment, Set<String> finished) {
    store.tidy(experiment, finished);
  }

  @Override
  public Checkpoints checkpoints() {
    return store.checkpoints();
  }

  /** Records the run in Parquet, then queues it for MLflow; returns without waiting for it. */
  @Override
  public void write(RunResult result) {
    store.write(result);
    submit(result.spec().experiment(), result.runId());
  }

  private void submit(String experiment, String runId) {
    if (!submitted.add(runId)) {
      return;
    }
    pending.incrementAndGet();
    try {
      worker.execute(() -> {
        long t0 = System.nanoTime();
        try {
          mirror(experiment, runId);
        } finally {
          busyNanos.addAndGet(System.nanoTime() - t0);
          pending.decrementAndGet();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.decrementAndGet();
      failed.incrementAndGet();
    }
  }

  /**
   * Queues every recorded run of {@code grid} not yet handled (runs a sweep skipped as already
   * recorded: the server may lack them), waits at most {@code wait} for the queue to empty and
   * stops the worker. Runs still queued then count as failed to mirror.
   */
  public Counts finish(Collection<RunSpec> grid, Duration wait) {
    if (!grid.isEmpty()) {
      String experiment = grid.iterator().next().experiment();
      Set<String> recorded = store.finishedRunIds(experiment);
      for (RunSpec r : grid) {
        if (recorded.contains(r.runId())) {
          submit(experiment, r.runId());
        }
      }
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        List<Runnable> left = worker.shutdownNow();
        failed.addAndGet(left.size());
        note("gave up after " + wait.toSeconds() + "s with " + pending.get() + " run(s) not "
            + "mirrored yet");
        worker.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
    }
    return new Counts(mirrored.get(), already.get(), failed.get(), busyNanos.get() / 1e9,
        firstError);
  }

  /** Mirrors one recorded run; never throws. Worker thread only. */
  private void mirror(String experiment, String runId) {
    if (unreachableInARow >= GIVE_UP_AFTER) {
      failed.incrementAndGet();
      return;
    }
    try {
      if (experimentId == null) {
        experimentId = rest.experimentId(mlflowExperiment);
        existing = new HashMap<>();
        for (MlflowRest.Run r : rest.searchRuns(experimentId, "")) {
          String id = r.tags().get(RUN_ID_TAG);
          if (id != null) {
            existing.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
          }
        }
      }
      if (mirrorRun(experiment, runId)) {
        mirrored.incrementAndGet();
      } else {
        already.incrementAndGet();
      }
      unreachableInARow = 0;
    } catch (MlflowRest.MlflowException e) {
      failed.incrementAndGet();
      unreachableInARow = e.transport ? unreachableInARow + 1 : 0;
      note("run " + runId + " not mirrored: " + e.getMessage()
          + (unreachableInARow >= GIVE_UP_AFTER ? "; not trying the other runs" : ""));
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      note("run " + runId + " not mirrored: " + e);
    }
  }

  private void note(String line) {
    String l = MlflowRest.firstLine(line, 300);
    if (firstError == null) {
      firstError = l;
    }
    synchronized (out) {
      out.println("overparam: mlflow: " + l);
    }
  }

  /** Returns true when it logged the run, false when the server already had it. */
  private boolean mirrorRun(String experiment, String runId) throws MlflowRest.MlflowException {
    List<Group> runs = store.runRows(ResultsLayout.RUNS, experiment, runId);
    if (runs.isEmpty()) {
      throw new IllegalStateException("no runs row in the results store");
    }
    Group row = runs.get(0);
    String status = row.getString(STATUS.name(), 0);
    long started = row.getLong(STARTED_AT.name(), 0);
    long ended = row.getLong(ENDED_AT.name(), 0);
    List<MlflowRest.Run> found = existing.getOrDefault(runId, List.of());
    MlflowRest.Run keep = found.stream().filter(r -> !r.status().equals("RUNNING")
        && status.equals(r.tags().get("overparam.status"))
        && String.valueOf(ended).equals(r.tags().get("overparam.ended_at"))).findFirst()
        .orElse(null);
    for (MlflowRest.Run r : found) {
      if (r != keep) {
        rest.deleteRun(r.id()); // an earlier attempt, or one left half-logged
      }
    }
    if (keep != null) {
      existing.put(runId, new ArrayList<>(List.of(keep)));
      return false;
    }
    existing.remove(runId);

    String json = row.getString(CONFIG_JSON.name(), 0);
    SortedMap<String, String> params = flatten(json);
    params.put("n_params", String.valueOf(row.getLong(PARAMS.name(), 0)));
    params.put("resolved_strategy", row.getString(STRATEGY.name(), 0));

    ArrayNode tags = MlflowRest.JSON.createArrayNode();
    tag(tags, RUN_ID_TAG, runId);
    tag(tags, "overparam.experiment", experiment);
    tag(tags, "overparam.status", status);
    tag(tags, "overparam.ended_at", String.valueOf(ended));
    tag(tags, "overparam.config_hash", row.getString(CONFIG_HASH.name(), 0));
    tag(tags, "overparam.config_id", RunSpec.configId(json));
    tag(tags, "overparam.git_commit", row.getString(GIT_COMMIT.name(), 0));
    tag(tags, "overparam.version", row.getString(VERSION.name(), 0));
    tag(tags, "overparam.host", row.getString(HOST.name(), 0));
    tag(tags, "overparam.spark_app_id", row.getString(SPARK_APP_ID.name(), 0));
    tag(tags, "overparam.results", store.root().toString());
    tag(tags, "mlflow.source.git.commit", row.getString(GIT_COMMIT.name(), 0));
    String message = row.getString(MESSAGE.name(), 0);
    if (!message.isEmpty()) {
      tag(tags, "overparam.message", MlflowRest.firstLine(message, 4000));
    }
    String name = params.getOrDefault("family", "") + " d=" + params.getOrDefault("depth", "")
        + " w=" + params.getOrDefault("width", "") + " n=" + params.getOrDefault("train_size", "")
        + " noise=" + params.getOrDefault("label_noise", "") + " seed="
        + params.getOrDefault("seed", "") + " " + runId;
    String mlflowRun = rest.createRun(experimentId, name, started, tags);
    existing.put(runId, new ArrayList<>(List.of(new MlflowRest.Run(mlflowRun, "RUNNING",
        Map.of(RUN_ID_TAG, runId)))));

    // Params first, at most MAX_PARAMS a request, then metrics filling each request to the limit.
    List<Group> epochs = store.runRows(ResultsLayout.METRICS, experiment, runId);
    int lastEpoch = epochs.stream().mapToInt(g -> g.getInteger(EPOCH.name(), 0)).max().orElse(1);
    Iterator<Map.Entry<String, String>> p = params.entrySet().iterator();
    Iterator<ArrayNode> metrics = metrics(epochs, started, ended, lastEpoch).iterator();
    ArrayNode carry = null;
    while (p.hasNext() || metrics.hasNext() || carry != null) {
      ArrayNode ps = MlflowRest.JSON.createArrayNode();
      while (p.hasNext() && ps.size() < MAX_PARAMS) {
        Map.Entry<String, String> e = p.next();
        ps.addObject().put("key", e.getKey()).put("value", e.getValue());
      }
      ArrayNode ms = MlflowRest.JSON.createArrayNode();
      while (carry != null || metrics.hasNext()) {
        ArrayNode epoch = carry != null ? carry : metrics.next();
        if (ps.size() + ms.size() + epoch.size() > MAX_BATCH) {
          carry = epoch;
          break;
        }
        ms.addAll(epoch);
        carry = null;
      }
      rest.logBatch(mlflowRun, ms, ps, MlflowRest.JSON.createArrayNode());
    }
    rest.finishRun(mlflowRun, status.equals("completed") ? "FINISHED" : "FAILED", ended);
    existing.put(runId, new ArrayList<>(List.of(new MlflowRest.Run(mlflowRun, "FINISHED",
        Map.of(RUN_ID_TAG, runId, "overparam.status", status, "overparam.ended_at",
            String.valueOf(ended))))));
    return true;
  }

  /**
   * One array of metrics per evaluated epoch, step = epoch. Epochs carry no wall-clock time of
   * their own: their timestamps are spread evenly between the run's start and end.
   */
  private static List<ArrayNode> metrics(List<Group> epochs, long started, long ended,
      int lastEpoch) {
    List<ArrayNode> out = new ArrayList<>();
    for (Group g : epochs) {
      int epoch = g.getInteger(EPOCH.name(), 0);
      long ts = started + Math.round((double) (ended - started) * epoch / lastEpoch);
      ArrayNode a = MlflowRest.JSON.createArrayNode();
      for (Column k : METRICS) {
        double v = g.getDouble(k.name(), 0);
        com.fasterxml.jackson.databind.node.ObjectNode m = a.addObject().put("key", k.name())
            .put("timestamp", ts).put("step", epoch);
        if (Double.isFinite(v)) {
          m.put("value", v);
        } else { // JSON has no NaN; MLflow reads these strings
          m.put("value", Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
      }
      out.add(a);
    }
    return out;
  }

  private static void tag(ArrayNode tags, String key, String value) {
    tags.addObject().put("key", key).put("value", value);
  }

  /** A run's configuration JSON flattened to dotted names, lists as JSON text. */
  static SortedMap<String, String> flatten(String json) {
    SortedMap<String, String> out = new TreeMap<>();
    try {
      flatten("", MlflowRest.JSON.readTree(json), out);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a run configuration: " + e.getMessage(), e);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey()
          : prefix + "." + e.getKey(), e.getValue(), out));
    } else if (!node.isNull()) {
      out.put(prefix, node.isTextual() ? node.asText() : node.toString());
    }
  }

  /** Ids handled so far (for tests). */
  Set<String> submitted() {
    return new HashSet<>(submitted);
  }
}
