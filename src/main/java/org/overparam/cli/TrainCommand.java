package org.overparam.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.overparam.analysis.Analysis;
import org.overparam.analysis.Cell;
import org.overparam.analysis.Curve;
import org.overparam.analysis.Inputs;
import org.overparam.analysis.Refinement;
import org.overparam.config.ConfigException;
import org.overparam.config.Distillation;
import org.overparam.config.ExperimentConfig;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.results.Columns;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsLayout;
import org.overparam.results.RecordedRuns;
import org.overparam.train.RunStatus;
import org.overparam.results.ResultsStore;
import org.overparam.mlflow.MlflowMirror;
import org.overparam.report.Report;
import org.overparam.train.Capacity;
import org.overparam.train.Checkpoints;
import org.overparam.train.RunResult;
import org.overparam.train.RunSink;
import org.overparam.train.spark.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code overparam train EXPERIMENT.yaml}: trains every run of the grid not yet recorded, then
 * the widths its {@code refine} section adds, then the students of its {@code distillation}
 * section.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train every model of an experiment's grid and record each epoch as Parquet.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "Experiment file.")
  Path experiment;

  @Option(names = "--results", defaultValue = "results", description = "Results root "
      + "(local folder or any Hadoop URI; default: ${DEFAULT-VALUE}).")
  String results;

  @Option(names = "--master", description = "Spark master (default: spark-submit's, else "
      + "local[*]).")
  String master;

  @Option(names = "--no-report", description = "Do not run analyze and report at the end.")
  boolean noReport;

  @Option(names = "--mlflow", paramLabel = "URI", description = "Also mirror each recorded run "
      + "to this MLflow tracking server (http:// or https://), after its Parquet files are "
      + "written; the server being down never fails the sweep.")
  String mlflow;

  @Option(names = "--mlflow-experiment", paramLabel = "NAME", description = "MLflow experiment "
      + "the runs go to (default: the experiment's name).")
  String mlflowExperiment;

  @Override
  public Integer call() {
    // Everything a user can get wrong is checked before Spark starts.
    String m = SparkSessions.master(master);
    ExperimentConfig cfg = ExperimentFile.read(experiment);
    Capacity.checkGrid(cfg);
    List<RunSpec> runs = Grid.runs(cfg);
    List<RunSpec> teachers = Distillation.teachers(cfg, runs);
    List<RunSpec> students = Distillation.students(cfg, runs);
    Datasets.check(cfg.dataset(), cfg.trainSizes().stream().mapToInt(Integer::intValue).max()
        .orElseThrow());
    List<RunSpec> planned = new ArrayList<>(runs);
    planned.addAll(students);
    Capacity.checkMemory(planned, Capacity.available(m, new SparkConf()));
    SparkSessions.checkReachable(m);
    java.net.URI tracking = checkMlflow();
    ResultsStore store = ResultsStore.open(results);
    RecordedRuns found = store.repair(cfg.name(), System.out);
    describeRecorded(cfg, runs, students, found);

    SparkSession spark = SparkSessions.start(m, "overparam train " + cfg.name());
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      ResultsStore recording = store.withProvenance(
          Provenance.of(sc.master(), sc.sc().applicationId()));
      MlflowMirror mirror = tracking == null ? null : new MlflowMirror(recording, tracking,
          mlflowExperiment == null ? cfg.name() : mlflowExperiment, System.out);
      RunSink sink = mirror == null ? recording : mirror;
      Sweep sweep = new Sweep(sc, sink, System.out, teachers.stream().map(RunSpec::runId)
          .collect(Collectors.toSet()));
      Sweep.Summary s = sweep.run(runs);
      List<RunSpec> all = new ArrayList<>(runs);
      if (cfg.refine() != null) {
        s = plus(s, refine(spark, sweep, cfg, runs, all));
      }
      if (cfg.distillation() != null) {
        s = plus(s, distil(sc, sweep, store, sink, cfg, teachers, students, all));
      }
      String mirrored = "";
      if (mirror != null) {
        MlflowMirror.Counts c = mirror.finish(all, MLFLOW_WAIT);
        mirrored = String.format("; mlflow: %d mirrored, %d already there, %d failed to mirror "
            + "(%.1fs)", c.mirrored(), c.already(), c.failed(), c.seconds());
      }
      System.out.printf("overparam: %s: %d runs, %d already recorded, %d completed, %d diverged, "
              + "%d failed in %.1fs%s%n", cfg.name(), s.total(), s.skipped(), s.completed(),
          s.diverged(), s.failed(), s.seconds(), mirrored);
      System.out.println("overparam: metrics in " + store.metricsDir() + "/experiment="
          + cfg.name());
      System.out.println("overparam: runs in " + store.runsDir() + "/experiment=" + cfg.name());
      boolean reported = noReport || analyzeAndReport(spark, cfg.name());
      return s.failed() > 0 || !reported ? 1 : 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * The {@code refine} rounds after the grid: each reads the runs recorded so far, through the
   * analysis's own curves and peak ({@link Refinement}), and trains the widths it adds, one
   * run per seed, copies of the grid's runs but for the width (so their ids follow from their
   * settings as every run's do, and a rerun finds them recorded). Adds the runs of every round
   * to {@code all}; returns what training them did.
   */
  private Sweep.Summary refine(SparkSession spark, Sweep sweep, ExperimentConfig cfg,
      List<RunSpec> grid, List<RunSpec> all) {
    Map<Cell.ModelSeries, List<Integer>> widths = new LinkedHashMap<>();
    Map<Cell.ModelSeries, List<RunSpec>> seeds = new LinkedHashMap<>();
    int first = cfg.model().widths().get(0);
    for (RunSpec r : grid) {
      Cell.ModelSeries k = new Cell.ModelSeries(cfg.name(), r.configId(), r.labelNoise(),
          r.weightDecay(), r.dropout(), r.trainSize(), r.depth());
      List<Integer> w = widths.computeIfAbsent(k, x -> new ArrayList<>());
      if (!w.contains(r.width())) {
        w.add(r.width());
      }
      if (r.width() == first) {
        seeds.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
      }
    }
    Refinement refinement = new Refinement(cfg.refine(), widths, cfg.seeds().size());
    // Every configuration of the file (its optimiser and augmentation axes) is refined.
    java.util.Set<String> configs = new java.util.LinkedHashSet<>();
    grid.forEach(r -> configs.add(r.configId()));
    Sweep.Summary total = new Sweep.Summary(0, 0, 0, 0, 0, 0);
    while (true) {
      List<Curve> curves;
      try {
        curves = Refinement.curves(spark, Inputs.check(results, cfg.name(), null), configs);
      } catch (ConfigException e) {
        System.out.println("overparam: " + cfg.name() + ": refine: nothing to refine: "
            + e.getMessage());
        return total;
      }
      List<Refinement.Addition> next = refinement.next(curves);
      refinement.lines().forEach(l -> System.out.println("overparam: " + cfg.name() + ": " + l));
      if (next.isEmpty()) {
        return total;
      }
      List<RunSpec> round = next.stream().flatMap(a -> seeds.get(a.series()).stream()
          .map(r -> r.withWidth(a.width()))).toList();
      all.addAll(round);
      total = plus(total, sweep.run(round));
    }
  }

  /**
   * The {@code distillation} phase after the grid and its refine rounds: the teacher of each
   * cell and seed (its grid run at the teacher width) teaches that cell's students of the same
   * seed, which train as ordinary runs. A teacher that did not complete teaches none, saying
   * so. A completed teacher recorded without its trained network (one trained before the
   * experiment had a distillation section, or whose network could not be kept) is trained
   * again, deterministically, only to keep its network: its recorded runs and metrics rows stay
   * as they are, and a line compares the retrained final test error with the recorded one.
   * Adds the students to {@code all}; returns what training them did.
   */
  private Sweep.Summary distil(JavaSparkContext sc, Sweep sweep, ResultsStore store,
      RunSink sink, ExperimentConfig cfg, List<RunSpec> teachers, List<RunSpec> students,
      List<RunSpec> all) {
    String name = cfg.name();
    Map<String, RecordedRuns.Run> recorded = store.check(name).recorded();
    Checkpoints kept = sink.checkpoints();
    Map<String, Long> perTeacher = students.stream().collect(Collectors.groupingBy(
        r -> r.distillation().teacherRunId(), Collectors.counting()));
    Set<String> without = new HashSet<>();
    List<RunSpec> retrain = new ArrayList<>();
    for (RunSpec t : teachers) {
      RecordedRuns.Run r = recorded.get(t.runId());
      if (r == null || !r.status().equals(RunStatus.COMPLETED.label())) {
        System.out.println("overparam: " + name + ": distillation: teacher run " + t.runId()
            + " [" + t.label() + "] " + (r == null ? "failed" : r.status()) + ": its "
            + perTeacher.getOrDefault(t.runId(), 0L) + " student(s) are not trained");
        without.add(t.runId());
      } else if (!kept.hasFinal(name, t.runId())) {
        System.out.println("overparam: " + name + ": distillation: teacher run " + t.runId()
            + " [" + t.label() + "] is recorded without its trained network (kept only for "
            + "the teachers of a distillation section): training it again to keep it; its "
            + "record stays as it is");
        retrain.add(t);
      }
    }
    if (!retrain.isEmpty()) {
      new Sweep(sc, new KeepModelOnly(store, sink), System.out, retrain.stream()
          .map(RunSpec::runId).collect(Collectors.toSet())).run(retrain);
      for (RunSpec t : retrain) {
        if (!kept.hasFinal(name, t.runId())) {
          System.out.println("overparam: " + name + ": distillation: teacher run " + t.runId()
              + " still has no trained network: its " + perTeacher.getOrDefault(t.runId(), 0L)
              + " student(s) are not trained");
          without.add(t.runId());
        }
      }
    }
    List<RunSpec> todo = students.stream()
        .filter(r -> !without.contains(r.distillation().teacherRunId())).toList();
    System.out.printf(Locale.ROOT, "overparam: %s: distillation: %d student run(s) at widths "
            + "%s of %d teacher(s) at width %d (T=%s, alpha=%s)%n", name, todo.size(),
        cfg.distillation().widths(), teachers.size() - without.size(),
        cfg.distillation().teacherWidth(cfg.model().widths()), cfg.distillation().temperature(),
        cfg.distillation().alpha());
    all.addAll(todo);
    return sweep.run(todo);
  }

  /**
   * Where teachers trained again only for their networks go: nothing is recorded (the run's
   * first record stands), its checkpoints are removed, and a line compares its final test error
   * with the recorded one.
   */
  private static final class KeepModelOnly implements RunSink {
    private final ResultsStore store;
    private final RunSink sink;

    KeepModelOnly(ResultsStore store, RunSink sink) {
      this.store = store;
      this.sink = sink;
    }

    @Override
    public Set<String> finishedRunIds(String experiment) {
      return Set.of();
    }

    @Override
    public boolean isFinished(String experiment, String runId) {
      return false;
    }

    @Override
    public void write(RunResult r) {
      String exp = r.spec().experiment();
      double was = store.runRows(ResultsLayout.RUNS, exp, r.runId()).stream()
          .mapToDouble(g -> g.getDouble(Columns.FINAL_TEST_ERROR.name(), 0)).findFirst()
          .orElse(Double.NaN);
      double now = r.last() == null ? Double.NaN : r.last().testError();
      System.out.printf(Locale.ROOT, "overparam: %s: distillation: teacher run %s trained "
              + "again (%s): final test error %.4f, recorded %.4f%s%n", exp, r.runId(),
          r.status().label(), now, was, now == was ? ", the same" : "");
      sink.tidy(exp, Set.of(r.runId()));
    }

    @Override
    public Checkpoints checkpoints() {
      return sink.checkpoints();
    }
  }

  private static Sweep.Summary plus(Sweep.Summary a, Sweep.Summary b) {
    return new Sweep.Summary(a.total() + b.total(), a.skipped() + b.skipped(),
        a.completed() + b.completed(), a.diverged() + b.diverged(), a.failed() + b.failed(),
        a.seconds() + b.seconds());
  }

  /**
   * How long a sweep waits, once trained, for runs still being mirrored: those left count as
   * failed to mirror and the next train mirrors them.
   */
  static final java.time.Duration MLFLOW_WAIT = java.time.Duration.ofSeconds(30);

  /** The MLflow tracking URI, checked; null when mirroring is off. */
  private java.net.URI checkMlflow() {
    if (mlflow == null) {
      if (mlflowExperiment != null) {
        throw new ConfigException("--mlflow-experiment needs --mlflow URI");
      }
      return null;
    }
    if (mlflowExperiment != null && mlflowExperiment.isBlank()) {
      throw new ConfigException("--mlflow-experiment: must not be empty");
    }
    return MlflowMirror.checkUri(mlflow);
  }

  /**
   * Says what the experiment already holds that this file will not simply extend: runs of
   * another configuration (kept apart in the analysis), and recorded runs that lack the
   * compression section this file asks for.
   */
  private static void describeRecorded(ExperimentConfig cfg, List<RunSpec> runs,
      List<RunSpec> students, RecordedRuns found) {
    Map<String, String> planned = new LinkedHashMap<>();
    runs.forEach(r -> planned.putIfAbsent(r.configId(), r.toJson()));
    students.forEach(r -> planned.putIfAbsent(r.configId(), r.toJson()));
    for (String line : found.otherConfigurations(List.copyOf(planned.values()))) {
      System.out.println("overparam: " + cfg.name() + ": " + line + "; the analysis keeps each "
          + "configuration a series of its own, never averaged with another");
    }
    if (cfg.compression() != null) {
      long without = runs.stream().map(r -> found.recorded().get(r.runId()))
          .filter(r -> r != null && r.status().equals(RunStatus.COMPLETED.label()) && r.compressionFile() == null)
          .count();
      if (without > 0) {
        System.out.println("overparam: " + cfg.name() + ": " + without + " recorded run(s) were "
            + "trained without this file's compression section: compression is measured when "
            + "a run ends, so they keep none; give the experiment a new name to train them "
            + "with it");
      }
    }
  }

  /**
   * Runs analyze, then report, on this experiment; the report's path is printed. Returns false,
   * having said why, when either fails, so automation sees a non-zero exit.
   */
  private boolean analyzeAndReport(SparkSession spark, String name) {
    try {
      Analysis.run(spark, Inputs.check(results, name, null), System.out);
      Report.write(spark, results, Report.check(results, name), System.out);
      return true;
    } catch (ConfigException e) {
      System.err.println("overparam: error: analysis of " + name + " failed: " + e.getMessage()
          .lines().findFirst().orElse(""));
      return false;
    }
  }
}
