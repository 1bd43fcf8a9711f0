package org.overparam.train.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.config.RunSpec;
import org.overparam.model.Models;
import org.overparam.train.Checkpoints;
import org.overparam.train.EpochListener;
import org.overparam.train.RunResult;
import org.overparam.train.RunSink;
import org.overparam.train.RunStatus;

/**
 * Trains every run of an experiment that the sink does not already hold. Most models go out as
 * one-task jobs, as many at once as Spark has task slots, largest first so the sweep ends evenly,
 * runs of one MLP shape several to a task as one stacked model where the planner finds it pays;
 * the few that would otherwise finish last ({@link Planner}) are trained one after another by
 * parameter averaging. Each finished run goes to the sink immediately, so an interrupted sweep
 * loses at most the runs in flight, and those resume from their last checkpoint when the sweep is
 * run again.
 */
public final class Sweep {
  /** Counts of what a sweep did. */
  public record Summary(int total, int skipped, int completed, int diverged, int failed,
      double seconds) {}

  private final JavaSparkContext sc;
  private final RunSink sink;
  private final PrintStream out;
  private final Set<String> keepModels;

  public Sweep(JavaSparkContext sc, RunSink sink, PrintStream out) {
    this(sc, sink, out, Set.of());
  }

  /**
   * A sweep that also keeps the trained networks of the runs {@code keepModels} (distillation
   * teachers: see {@link Checkpoints#keepingFinal}).
   */
  public Sweep(JavaSparkContext sc, RunSink sink, PrintStream out, Set<String> keepModels) {
    this.sc = sc;
    this.sink = sink;
    this.out = out;
    this.keepModels = Set.copyOf(keepModels);
  }

  public Summary run(List<RunSpec> runs) {
    long t0 = System.nanoTime();
    if (runs.isEmpty()) {
      return new Summary(0, 0, 0, 0, 0, 0);
    }
    Set<String> done = sink.finishedRunIds(runs.get(0).experiment());
    sink.tidy(runs.get(0).experiment(), done);
    List<RunSpec> todo = runs.stream().filter(r -> !done.contains(r.runId())).toList();
    int slots = Math.max(1, sc.defaultParallelism());
    Planner.Plan plan = Planner.plan(todo, slots, new Planner.Measured());
    List<RunSpec> perTask = plan.perTask();
    List<RunSpec> averaged = plan.averaged();
    int skipped = runs.size() - todo.size();
    long stacks = plan.units().stream().filter(u -> u.stacked() && u.runs().size() > 1).count();
    out.printf("overparam: %d runs in %s; %d already recorded, training %d (%d per-task on %d "
            + "slots in %d tasks, %d of them stacks; %d by parameter averaging) on %s%n",
        runs.size(), runs.get(0).experiment(), skipped, perTask.size() + averaged.size(),
        perTask.size(), slots, plan.units().size(), stacks, averaged.size(), sc.master());
    Progress progress = new Progress(perTask.size() + averaged.size(), out);
    Checkpoints checkpoints = keepModels.isEmpty() ? sink.checkpoints()
        : sink.checkpoints().keepingFinal(keepModels);

    // Per-task: longest jobs first, as planned. One driver thread per task slot; the pool grows
    // when executors register after the sweep has started (standalone and YARN add them late).
    ThreadPoolExecutor pool = new ThreadPoolExecutor(slots, slots, 0L, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "overparam-sweep");
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Planner.Unit unit : plan.units()) {
        futures.add(pool.submit(() -> {
          List<RunSpec> specs = new ArrayList<>();
          for (RunSpec spec : unit.runs()) {
            if (sink.isFinished(spec.experiment(), spec.runId())) {
              progress.recordedMeanwhile(spec);
            } else {
              specs.add(spec);
            }
          }
          if (specs.isEmpty()) {
            return;
          }
          RunSpec lead = specs.get(0);
          sc.setJobDescription("overparam run " + lead.runId() + " [" + lead.label() + "] "
              + (specs.size() > 1 ? "and " + (specs.size() - 1) + " more, stacked, " : "")
              + lead.epochs() + " epochs (per-task)");
          specs.forEach(progress::started);
          if (unit.stacked()) {
            recordAll(specs, "per-task", () -> PerTask.trainStack(sc, specs, checkpoints),
                progress);
          } else {
            record(lead, "per-task", () -> PerTask.train(sc, lead, checkpoints), progress);
          }
          grow(pool);
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sweep interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }

    for (RunSpec spec : averaged) {
      if (sink.isFinished(spec.experiment(), spec.runId())) {
        progress.recordedMeanwhile(spec);
        continue;
      }
      progress.started(spec);
      record(spec, "parameter-averaging", () -> ParameterAveraging.train(sc, spec,
          EpochListener.log(), checkpoints), progress);
    }
    return new Summary(runs.size(), skipped + progress.meanwhile(),
        progress.count(RunStatus.COMPLETED),
        progress.count(RunStatus.DIVERGED), progress.count(RunStatus.FAILED),
        (System.nanoTime() - t0) / 1e9);
  }

  /** Adds driver threads if Spark has gained task slots since the pool was sized. */
  private void grow(ThreadPoolExecutor pool) {
    int slots = Math.max(1, sc.defaultParallelism());
    synchronized (pool) {
      if (slots > pool.getMaximumPoolSize()) {
        pool.setMaximumPoolSize(slots);
        pool.setCorePoolSize(slots); // starts threads for queued runs
      }
    }
  }

  /** Trains one run, writes its result, reports it; a failure is recorded, not thrown. */
  private void record(RunSpec spec, String strategy,
      java.util.concurrent.Callable<RunResult> train, Progress progress) {
    recordAll(List.of(spec), strategy, () -> List.of(train.call()), progress);
  }

  /**
   * Trains runs (together, for a stack), writes each result and reports it; a failure is
   * recorded for every run of the task, not thrown.
   */
  private void recordAll(List<RunSpec> specs, String strategy,
      java.util.concurrent.Callable<List<RunResult>> train, Progress progress) {
    long start = System.currentTimeMillis();
    List<RunResult> results;
    try {
      results = train.call();
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
          .orElse(e.toString());
      results = specs.stream().map(spec -> RunResult.failed(spec, strategy, Models.params(spec),
          Models.trainingFlopsPerExample(spec), why, start)).toList();
    }
    for (RunResult r : results) {
      sink.write(r);
      progress.finished(r);
    }
  }

  /** Thread-safe progress lines: runs done of total, elapsed and estimated time left. */
  private static final class Progress {
    private final int total;
    private final PrintStream out;
    private final long t0 = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger meanwhile = new AtomicInteger();
    private final int[] byStatus = new int[RunStatus.values().length];

    Progress(int total, PrintStream out) {
      this.total = total;
      this.out = out;
    }

    /** A run that another sweep of the same experiment recorded after this one started. */
    void recordedMeanwhile(RunSpec spec) {
      meanwhile.incrementAndGet();
      synchronized (out) {
        out.printf("overparam: skip   run %s [%s]: recorded meanwhile by another sweep%n",
            spec.runId(), spec.label());
      }
    }

    int meanwhile() {
      return meanwhile.get();
    }

    void started(RunSpec spec) {
      synchronized (out) {
        out.printf("overparam: start  run %s [%s]%n", spec.runId(), spec.label());
      }
    }

    void finished(RunResult r) {
      int k = done.incrementAndGet();
      synchronized (byStatus) {
        byStatus[r.status().ordinal()]++;
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double eta = elapsed / k * (total - k);
      String last = r.last() == null ? "no epochs" : String.format(
          "final test err %.4f, train err %.4f", r.last().testError(), r.last().trainError());
      synchronized (out) {
        out.printf("overparam: [%d/%d runs] %s run %s [%s] %s in %.1fs; elapsed %s, ETA %s%n", k,
            total, r.status().label(), r.runId(), r.spec().label(),
            r.status() == RunStatus.FAILED ? r.message() : last,
            (r.endedAtMillis() - r.startedAtMillis()) / 1e3, clock(elapsed), clock(eta));
      }
    }

    int count(RunStatus s) {
      synchronized (byStatus) {
        return byStatus[s.ordinal()];
      }
    }

    private static String clock(double s) {
      long t = Math.round(s);
      return t >= 3600 ? String.format("%dh%02dm%02ds", t / 3600, t / 60 % 60, t % 60)
          : String.format("%dm%02ds", t / 60, t % 60);
    }
  }
}
