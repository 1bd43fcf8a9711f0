package org.overparam.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.overparam.analysis.Analysis;
import org.overparam.analysis.Cell;
import org.overparam.analysis.Curve;
import org.overparam.analysis.Inputs;
import org.overparam.analysis.Refinement;
import org.overparam.config.ConfigException;
import org.overparam.config.ExperimentConfig;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.results.Provenance;
import org.overparam.results.RecordedRuns;
import org.overparam.train.RunStatus;
import org.overparam.results.ResultsStore;
import org.overparam.mlflow.MlflowMirror;
import org.overparam.report.Report;
import org.overparam.train.Capacity;
import org.overparam.train.RunSink;
import org.overparam.train.spark.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code overparam train EXPERIMENT.yaml}: trains every run of the grid not yet recorded, then
 * the widths its {@code refine} section adds.
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
    Datasets.check(cfg.dataset(), cfg.trainSizes().stream().mapToInt(Integer::intValue).max()
        .orElseThrow());
    Capacity.checkMemory(runs, Capacity.available(m, new SparkConf()));
    SparkSessions.checkReachable(m);
    java.net.URI tracking = checkMlflow();
    ResultsStore store = ResultsStore.open(results);
    RecordedRuns found = store.repair(cfg.name(), System.out);
    describeRecorded(cfg, runs, found);

    SparkSession spark = SparkSessions.start(m, "overparam train " + cfg.name());
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      ResultsStore recording = store.withProvenance(
          Provenance.of(sc.master(), sc.sc().applicationId()));
      MlflowMirror mirror = tracking == null ? null : new MlflowMirror(recording, tracking,
          mlflowExperiment == null ? cfg.name() : mlflowExperiment, System.out);
      RunSink sink = mirror == null ? recording : mirror;
      Sweep sweep = new Sweep(sc, sink, System.out);
      Sweep.Summary s = sweep.run(runs);
      List<RunSpec> all = new ArrayList<>(runs);
      if (cfg.refine() != null) {
        s = plus(s, refine(spark, sweep, cfg, runs, all));
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
      RecordedRuns found) {
    Map<String, String> planned = new LinkedHashMap<>();
    runs.forEach(r -> planned.putIfAbsent(r.configId(), r.toJson()));
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
