package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.overparam.results.Columns.CONFIG;
import static org.overparam.results.Columns.DIFFERS;
import static org.overparam.results.Columns.EXPERIMENT;
import static org.overparam.results.Columns.HAPPENED;
import static org.overparam.results.Columns.RUNS;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.overparam.results.Catalog;
import org.overparam.config.ConfigException;
import org.overparam.config.RunSpec;
import org.overparam.results.DiskFull;
import org.overparam.results.RecordedRuns;

/**
 * {@code overparam analyze}: reads the metrics (and runs) tables and writes the analysis tables
 * under {@code <results>/analysis/}: curves, epoch_curves, epoch_wise, double_descent,
 * peak_by_setting, lever_effects, sample_wise, run_status, scaling_fits, scaling_curves,
 * compute_optimal, distillation (empty without students) and, where a compression table
 * exists, compression_curves and compression_tolerance.
 * Spark does the passes over the metrics rows; everything after works on the per-cell aggregates
 * on the driver.
 */
public final class Analysis {
  /** Seed of the scaling fits' bootstrap resampling. */
  public static final long BOOTSTRAP_SEED = 0;

  private Analysis() {}

  /**
   * Choices of an analysis.
   *
   * @param bootstrap resamples of each scaling fit's bootstrap (0: no intervals)
   * @param seed seed of the resampling
   * @param lockWaitMillis how long to wait for another analysis of the same results root
   */
  public record Options(int bootstrap, long seed, long lockWaitMillis) {
    public Options {
      if (bootstrap < 0) {
        throw new ConfigException("--bootstrap: must be >= 0, got " + bootstrap);
      }
      if (lockWaitMillis < 0) {
        throw new ConfigException("--lock-wait: must be >= 0, got " + lockWaitMillis / 1000);
      }
    }

    /** Waiting {@link AnalysisFolder#LOCK_WAIT_MILLIS} for another analysis. */
    public Options(int bootstrap, long seed) {
      this(bootstrap, seed, AnalysisFolder.LOCK_WAIT_MILLIS);
    }

    /** 200 resamples, seed 0. */
    public static Options defaults() {
      return new Options(HuberFitter.RESAMPLES, BOOTSTRAP_SEED);
    }
  }

  /** Runs the analysis with {@link Options#defaults()}. */
  public static Summary run(SparkSession spark, Inputs in, PrintStream out) {
    return run(spark, in, Options.defaults(), out);
  }

  /**
   * What one analysis wrote.
   *
   * @param experiments experiments analysed, sorted
   * @param folder the analysis folder
   * @param curves the curves rows
   * @param modelWise the double-descent findings
   * @param time wall time of each stage
   */
  public record Summary(List<String> experiments, String folder, List<Curve> curves,
      List<DoubleDescent.ModelWise> modelWise, String time) {}

  /**
   * Runs the analysis on checked inputs, printing one line per finding to {@code out}. All
   * tables are written to a staging folder and replace {@code <results>/analysis} together
   * ({@link AnalysisFolder}); a failure leaves the previous analysis as it was.
   */
  public static Summary run(SparkSession spark, Inputs in, Options options, PrintStream out) {
    try (AnalysisFolder folder = AnalysisFolder.begin(in.results(),
        spark.sparkContext().hadoopConfiguration(), options.lockWaitMillis(), out)) {
      Summary s = run(spark, in, options, folder.folder(), out);
      folder.commit(s.experiments());
      out.println("overparam: analysis tables in " + folder.live() + " (" + s.time() + ")");
      return new Summary(s.experiments(), folder.live(), s.curves(), s.modelWise(), s.time());
    } catch (Exception | org.apache.hadoop.fs.FSError e) {
      // Spark throws checked exceptions undeclared; a local disk that is full throws FSError.
      ConfigException full = DiskFull.of(e, "the analysis under " + in.results());
      throw full != null ? full : unreadable(e);
    }
  }

  /**
   * A one-line {@link ConfigException} naming the file for a Spark read that failed on a
   * corrupt file (a page the footer check could not see), else {@code e} itself.
   */
  static RuntimeException unreadable(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("error while reading file (\\S+?)\\.?(\\s|$)")
          .matcher(String.valueOf(c.getMessage()));
      if (m.find()) {
        Throwable root = c;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        return new ConfigException("file " + m.group(1) + ": cannot be read, corrupt ("
            + String.valueOf(root.getMessage()).lines().findFirst().orElse("") + ")");
      }
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }

  private static Summary run(SparkSession spark, Inputs in, Options options, String folder,
      PrintStream out) {
    Stopwatch time = new Stopwatch();
    Dataset<Row> metrics = in.metrics(spark);

    Set<String> experiments = new TreeSet<>(in.experiments(spark));
    if (experiments.isEmpty()) {
      throw new ConfigException("metrics table " + in.metricsPath() + ": has no rows");
    }

    // What was left out, and the configurations each experiment holds.
    List<Row> configurations = configurations(in).stream()
        .filter(r -> experiments.contains(r.getString(0))).toList();
    List<String> inputLines = inputLines(in, configurations);
    Tables.write(spark, folder, Catalog.CONFIGURATIONS, configurations);

    // The one pass over the metrics rows: each cell at each epoch, over seeds.
    Tables.write(Curves.epochCurves(metrics), folder, Catalog.EPOCH_CURVES);
    Dataset<Row> epochCurves = spark.read().parquet(Tables.path(folder, Catalog.EPOCH_CURVES));
    time.lap("epoch curves");

    // Per cell: final and best epochs with intervals over seeds.
    List<Curve> curves = Curves.curves(epochCurves);
    Tables.write(spark, folder, Catalog.CURVES, curves.stream().map(Curves::row).toList());
    time.lap("curves");

    // Epoch-wise double descent on the mean curves.
    List<Row> epochWise = EpochWise.table(epochCurves);
    Tables.write(spark, folder, Catalog.EPOCH_WISE, epochWise);
    time.lap("epoch-wise");

    // Driver side: model-wise and sample-wise double descent, the model-wise findings with
    // their rises paired over seeds (one more small job: each run's final epoch).
    List<SeedFinals.Final> finals = SeedFinals.of(metrics, curves);
    List<DoubleDescent.ModelWise> modelWise = DoubleDescent.modelWise(curves, finals,
        options.seed());
    Tables.write(spark, folder, Catalog.DOUBLE_DESCENT,
        modelWise.stream().map(DoubleDescent::row).toList());
    // Each setting's peak with intervals over seeds, and how each lever moves it.
    List<SettingPeak> peaks = SettingPeak.of(modelWise, options.seed());
    Tables.write(spark, folder, Catalog.PEAK_BY_SETTING,
        peaks.stream().map(SettingPeak::row).toList());
    List<LeverEffects.Comparison> levers = LeverEffects.of(peaks, configFields(in),
        options.seed());
    Tables.write(spark, folder, Catalog.LEVER_EFFECTS,
        levers.stream().map(LeverEffects::row).toList());
    Tables.write(spark, folder, Catalog.SAMPLE_WISE, DoubleDescent.sampleWise(curves));
    time.lap("double descent");

    // Driver side: scaling laws on the per-cell losses.
    ScalingTables.Result scaling = ScalingTables.fit(curves,
        new HuberFitter(StartGrid.thin(), options.bootstrap()), options.seed());
    Tables.write(spark, folder, Catalog.SCALING_FITS, scaling.fits());
    Tables.write(spark, folder, Catalog.SCALING_CURVES, scaling.curves());
    Tables.write(spark, folder, Catalog.COMPUTE_OPTIMAL, scaling.optimal());
    time.lap("scaling fits");

    // Driver side: how far each cell's models could be pruned and quantised.
    Dataset<Row> compressionRows = in.compression(spark);
    List<String> compressionLines = List.of();
    if (compressionRows != null) {
      CompressionTolerance.Result c = CompressionTolerance.compute(
          compressionRows.filter(col(EXPERIMENT.name()).isin(experiments.toArray())));
      Tables.write(spark, folder, Catalog.COMPRESSION_CURVES, c.curves());
      Tables.write(spark, folder, Catalog.COMPRESSION_TOLERANCE, c.tolerance());
      compressionLines = c.lines();
      time.lap("compression");
    }

    // Driver side: distillation students against the same widths trained on labels alone.
    DistillationTable.Result distillation = DistillationTable.compute(in.recorded(), finals,
        options.seed());
    Tables.write(spark, folder, Catalog.DISTILLATION, distillation.rows());
    time.lap("distillation");

    // How runs ended.
    List<Row> status = RunStatusTable.rows(in.runs(spark), curves);
    Tables.write(spark, folder, Catalog.RUN_STATUS, status);

    for (String e : experiments) {
      out.println("overparam: analyze: " + e + ": " + RunStatusTable.line(status, e));
      inputLines.stream().filter(l -> l.startsWith(e + ": "))
          .forEach(l -> out.println("overparam: analyze: " + l));
      for (String line : findings(e, modelWise, epochWise)) {
        out.println("overparam: analyze: " + e + ": " + line);
      }
      for (String line : leverLines(e, levers)) {
        out.println("overparam: analyze: " + e + ": " + line);
      }
      scaling.lines().stream().filter(l -> l.startsWith(e + ": ")).limit(MAX_LINES)
          .forEach(l -> out.println("overparam: analyze: " + l));
      compressionLines.stream().filter(l -> l.startsWith(e + ": ")).limit(MAX_LINES)
          .forEach(l -> out.println("overparam: analyze: " + l));
      distillation.lines().stream().filter(l -> l.startsWith(e + ": ")).limit(MAX_LINES)
          .forEach(l -> out.println("overparam: analyze: " + l));
    }
    time.lap("run status");
    return new Summary(List.copyOf(experiments), folder, curves, modelWise, time.toString());
  }

  /**
   * Schema of {@code <results>/analysis/configurations/experiment=<name>/}: one row per
   * configuration of the experiment's recorded runs (see {@code RunSpec.configId}); every other
   * table keys its rows by {@code config}, so runs of two configurations are never averaged.
   *
   * <pre>
   * column       type    meaning
   * experiment   string  partition column
   * config       string  configuration id
   * runs         long    recorded runs of it
   * differs      string  its fields that differ from the experiment's main configuration
   *                      (the one of most runs): "field this -> main, ...", empty for that one
   * </pre>
   *
   * Tables that other tools wrote have no configurations: no rows.
   */
  static List<Row> configurations(Inputs in) {
    List<Row> out = new ArrayList<>();
    if (in.recorded() == null) {
      return out;
    }
    for (RecordedRuns r : in.recorded()) {
      Map<String, List<RecordedRuns.Run>> by = new TreeMap<>();
      r.recorded().values().forEach(x -> by.computeIfAbsent(x.configId(),
          k -> new ArrayList<>()).add(x));
      // The reference: the configuration with most runs (on a tie, the smallest id).
      String main = by.entrySet().stream().max(Comparator.comparingInt(
          (Map.Entry<String, List<RecordedRuns.Run>> x) -> x.getValue().size())
          .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
          .map(Map.Entry::getKey).orElse("");
      String mainJson = by.isEmpty() ? "" : by.get(main).get(0).configJson();
      by.forEach((id, runs) -> out.add(Catalog.CONFIGURATIONS.row()
          .set(EXPERIMENT, r.experiment()).set(CONFIG, id).set(RUNS, (long) runs.size())
          .set(DIFFERS, id.equals(main) ? ""
              : RecordedRuns.differences(runs.get(0).configJson(), mainJson)).build()));
    }
    return out;
  }

  /**
   * Each experiment's configurations' fields ({@code RunSpec.configFields} of a run's
   * {@code config_json}) by configuration id: what the configuration levers are read from.
   * Tables that other tools wrote have none.
   */
  static Map<String, Map<String, SortedMap<String, String>>> configFields(Inputs in) {
    Map<String, Map<String, SortedMap<String, String>>> out = new TreeMap<>();
    if (in.recorded() == null) {
      return out;
    }
    for (RecordedRuns r : in.recorded()) {
      Map<String, SortedMap<String, String>> mine = out.computeIfAbsent(r.experiment(),
          k -> new TreeMap<>());
      r.recorded().values().forEach(x -> mine.computeIfAbsent(x.configId(),
          k -> RunSpec.configFields(x.configJson())));
    }
    return out;
  }

  /** Lines on what each experiment's inputs left out, and on its configurations. */
  static List<String> inputLines(Inputs in, List<Row> configurations) {
    List<String> out = new ArrayList<>();
    if (in.recorded() == null) {
      return out;
    }
    for (RecordedRuns r : in.recorded()) {
      r.leftOut().forEach(l -> out.add(r.experiment() + ": " + l));
    }
    Map<String, List<Row>> by = new TreeMap<>();
    configurations.forEach(row -> by.computeIfAbsent(row.getAs(EXPERIMENT.name()),
        k -> new ArrayList<>()).add(row));
    by.forEach((e, rows) -> {
      if (rows.size() > 1) {
        out.add(e + ": " + rows.size() + " configurations, each analysed as its own series: "
            + rows.stream().map(x -> x.getAs(CONFIG.name()) + " (" + x.getAs(RUNS.name())
                + " runs" + (x.<String>getAs(DIFFERS.name()).isEmpty() ? ""
                : "; " + x.getAs(DIFFERS.name())) + ")")
                .collect(java.util.stream.Collectors.joining(", ")));
      }
    });
    return out;
  }

  /** Wall time of each stage, for the closing line. */
  static final class Stopwatch {
    private final long start = System.nanoTime();
    private long last = start;
    private final StringBuilder laps = new StringBuilder();

    void lap(String stage) {
      long now = System.nanoTime();
      laps.append(String.format(Locale.ROOT, ", %s %.1fs", stage, (now - last) / 1e9));
      last = now;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.1fs", (last - start) / 1e9) + laps;
    }
  }

  /** At most this many series are described line by line; the rest are counted. */
  static final int MAX_LINES = 12;

  /** Human lines: where the threshold and peak fell at ε = 0.01, and epoch-wise counts. */
  static List<String> findings(String experiment, List<DoubleDescent.ModelWise> modelWise,
      List<Row> epochWise) {
    List<String> out = new ArrayList<>();
    List<DoubleDescent.ModelWise> mine = modelWise.stream()
        .filter(m -> m.series().experiment().equals(experiment)
            && ModelWiseSentence.told(m.epsilon()))
        .toList();
    boolean configs = mine.stream().map(m -> m.series().config()).distinct().count() > 1;
    mine.stream().limit(MAX_LINES).forEach(m -> out.add((configs ? "config "
        + m.series().config() + ", " : "") + ModelWiseSentence.line(m)));
    if (mine.size() > MAX_LINES) {
      out.add((mine.size() - MAX_LINES) + " more series in double_descent");
    }
    out.add(String.format(Locale.ROOT, "model-wise double descent (train error <= %s): a peak "
            + "on the mean curve in %d of %d series, claimed by the paired bootstrap over seeds "
            + "in %d", plainNumber(ModelWiseSentence.EPSILON),
        mine.stream().filter(DoubleDescent.ModelWise::doubleDescent).count(), mine.size(),
        mine.stream().filter(m -> m.paired() != null && m.paired().claimed()).count()));
    List<Row> mineEw = epochWise.stream()
        .filter(r -> r.getAs(EXPERIMENT.name()).equals(experiment)).toList();
    out.add("epoch-wise double descent in " + mineEw.stream().filter(r -> r.<Boolean>getAs(
        HAPPENED.name())).count() + " of " + mineEw.size() + " cells");
    return out;
  }

  /** One line per lever comparison of {@code experiment} (at most {@link #MAX_LINES}). */
  static List<String> leverLines(String experiment, List<LeverEffects.Comparison> levers) {
    List<LeverEffects.Comparison> mine = levers.stream()
        .filter(c -> c.setting().series().experiment().equals(experiment)).toList();
    // A grid lever's comparisons lie within one configuration, named where there are several
    // (a configuration field's values name the configurations compared).
    boolean configs = mine.stream().map(c -> c.setting().series().config()).distinct().count()
        > 1;
    List<String> out = new ArrayList<>();
    mine.stream().limit(MAX_LINES).forEach(c -> out.add("lever " + (configs
        && LeverEffects.gridLever(c.lever()) ? "config " + c.setting().series().config() + ", "
        : "") + LeverSentence.line(c)));
    if (mine.size() > MAX_LINES) {
      out.add((mine.size() - MAX_LINES) + " more lever comparisons in lever_effects");
    }
    return out;
  }

  /** A number as a finding line shows it: whole numbers without ".0" (3, 0.1, 1.0E-7). */
  static String plainNumber(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x)
        : String.valueOf(x);
  }
}
