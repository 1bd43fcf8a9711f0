package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.overparam.config.ConfigException;

/**
 * {@code overparam analyze}: reads the metrics (and runs) tables and writes the analysis tables
 * under {@code <results>/analysis/}: curves, epoch_curves, epoch_wise, double_descent,
 * peak_by_setting, sample_wise, run_status, scaling_fits, scaling_curves, compute_optimal and,
 * where a compression table exists, compression_curves and compression_tolerance.
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
   */
  public record Options(int bootstrap, long seed) {
    public Options {
      if (bootstrap < 0) {
        throw new ConfigException("--bootstrap: must be >= 0, got " + bootstrap);
      }
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
   */
  public record Summary(List<String> experiments, String folder, List<Curve> curves,
      List<DoubleDescent.ModelWise> modelWise) {}

  /** Runs the analysis on checked inputs, printing one line per finding to {@code out}. */
  public static Summary run(SparkSession spark, Inputs in, Options options, PrintStream out) {
    Stopwatch time = new Stopwatch();
    Dataset<Row> metrics = in.metrics(spark);
    String results = in.results();

    Set<String> experiments = new TreeSet<>(in.experiments(spark));
    if (experiments.isEmpty()) {
      throw new ConfigException("metrics table " + in.metricsPath() + ": has no rows");
    }

    // The one pass over the metrics rows: each cell at each epoch, over seeds.
    Tables.write(Curves.epochCurves(metrics), results, "epoch_curves", experiments,
        experiments);
    Dataset<Row> epochCurves = readBack(spark, results, "epoch_curves", experiments);
    time.lap("epoch curves");

    // Per cell: final and best epochs with intervals over seeds.
    List<Curve> curves = Curves.curves(epochCurves);
    Tables.write(spark, results, "curves", Curves.SCHEMA,
        curves.stream().map(Curves::row).toList(), experiments);
    time.lap("curves");

    // Epoch-wise double descent on the mean curves.
    List<Row> epochWise = EpochWise.table(epochCurves);
    Tables.write(spark, results, "epoch_wise", EpochWise.SCHEMA, epochWise, experiments);
    time.lap("epoch-wise");

    // Driver side: model-wise and sample-wise double descent.
    List<DoubleDescent.ModelWise> modelWise = DoubleDescent.modelWise(curves);
    Tables.write(spark, results, "double_descent", DoubleDescent.SCHEMA,
        modelWise.stream().map(DoubleDescent::row).toList(), experiments);
    Tables.write(spark, results, "peak_by_setting", DoubleDescent.PEAK_SCHEMA,
        DoubleDescent.peakBySetting(modelWise), experiments);
    Tables.write(spark, results, "sample_wise", DoubleDescent.SAMPLE_SCHEMA,
        DoubleDescent.sampleWise(curves), experiments);
    time.lap("double descent");

    // Driver side: scaling laws on the per-cell losses.
    ScalingTables.Result scaling = ScalingTables.fit(curves,
        new HuberFitter(StartGrid.thin(), options.bootstrap()), options.seed());
    Tables.write(spark, results, "scaling_fits", ScalingTables.FITS_SCHEMA, scaling.fits(),
        experiments);
    Tables.write(spark, results, "scaling_curves", ScalingTables.CURVES_SCHEMA,
        scaling.curves(), experiments);
    Tables.write(spark, results, "compute_optimal", ScalingTables.OPTIMAL_SCHEMA,
        scaling.optimal(), experiments);
    time.lap("scaling fits");

    // Driver side: how far each cell's models could be pruned and quantised.
    Dataset<Row> compressionRows = in.compression(spark);
    List<String> compressionLines = List.of();
    if (compressionRows != null) {
      CompressionTolerance.Result c = CompressionTolerance.compute(
          compressionRows.filter(col("experiment").isin(experiments.toArray())));
      Tables.write(spark, results, "compression_curves", CompressionTolerance.CURVES_SCHEMA,
          c.curves(), experiments);
      Tables.write(spark, results, "compression_tolerance",
          CompressionTolerance.TOLERANCE_SCHEMA, c.tolerance(), experiments);
      compressionLines = c.lines();
      time.lap("compression");
    }

    // How runs ended.
    List<Row> status = RunStatus.rows(in.runs(spark), curves);
    Tables.write(spark, results, "run_status", RunStatus.SCHEMA, status, experiments);

    for (String e : experiments) {
      out.println("overparam: analyze: " + e + ": " + RunStatus.line(status, e));
      for (String line : findings(e, modelWise, epochWise)) {
        out.println("overparam: analyze: " + e + ": " + line);
      }
      scaling.lines().stream().filter(l -> l.startsWith(e + ": ")).limit(MAX_LINES)
          .forEach(l -> out.println("overparam: analyze: " + l));
      compressionLines.stream().filter(l -> l.startsWith(e + ": ")).limit(MAX_LINES)
          .forEach(l -> out.println("overparam: analyze: " + l));
    }
    time.lap("run status");
    out.println("overparam: analysis tables in " + Tables.folder(results) + " (" + time + ")");
    return new Summary(List.copyOf(experiments), Tables.folder(results), curves, modelWise);
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

  /** Reads an analysis table back, restricted to the experiments analysed. */
  static Dataset<Row> readBack(SparkSession spark, String results, String table,
      Set<String> experiments) {
    return spark.read().parquet(Tables.path(results, table))
        .filter(col("experiment").isin(experiments.toArray()));
  }

  /** At most this many series are described line by line; the rest are counted. */
  static final int MAX_LINES = 12;

  /** Human lines: where the threshold and peak fell at ε = 0.01, and epoch-wise counts. */
  static List<String> findings(String experiment, List<DoubleDescent.ModelWise> modelWise,
      List<Row> epochWise) {
    List<String> out = new ArrayList<>();
    List<DoubleDescent.ModelWise> mine = modelWise.stream()
        .filter(m -> m.series().experiment().equals(experiment)
            && m.epsilon() == DoubleDescent.PRIMARY_EPSILON)
        .toList();
    mine.stream().limit(MAX_LINES).forEach(m -> out.add(describe(m)));
    if (mine.size() > MAX_LINES) {
      out.add((mine.size() - MAX_LINES) + " more series in double_descent");
    }
    out.add(String.format(Locale.ROOT, "model-wise double descent (train error <= %s) in %d of "
            + "%d series, %d beyond the 95%% intervals", num(DoubleDescent.PRIMARY_EPSILON),
        mine.stream().filter(DoubleDescent.ModelWise::doubleDescent).count(), mine.size(),
        mine.stream().filter(DoubleDescent.ModelWise::beyondCi).count()));
    List<Row> mineEw = epochWise.stream().filter(r -> r.getString(0).equals(experiment))
        .toList();
    out.add("epoch-wise double descent in " + mineEw.stream().filter(r -> r.getBoolean(
        r.size() - 1)).count() + " of " + mineEw.size() + " cells");
    return out;
  }

  /** One sentence on a model-wise series. */
  public static String describe(DoubleDescent.ModelWise m) {
    Cell.ModelSeries s = m.series();
    String where = String.format(Locale.ROOT, "noise %s, wd %s, dropout %s, n=%d, depth %d",
        num(s.labelNoise()), num(s.weightDecay()), num(s.dropout()), s.trainSize(), s.depth());
    if (m.threshold() == null) {
      return where + ": train error never reaches " + num(m.epsilon()) + " (largest of "
          + m.sizes() + " sizes)";
    }
    Curve t = m.threshold();
    Curve p = m.peak();
    String text = String.format(Locale.ROOT,
        "%s: interpolation threshold (train error <= %s) at %d params (width %d, %.2f params "
            + "per sample); test-error peak %.4f at %d params (width %d)",
        where, num(m.epsilon()), t.cell().params(), t.cell().width(),
        (double) t.cell().params() / s.trainSize(), p.finalTestError().mean(), p.cell().params(),
        p.cell().width());
    if (m.classicalMin() != null) {
      text += String.format(Locale.ROOT, ", %.4f above the classical minimum at %d params",
          m.peakHeight(), m.classicalMin().cell().params());
    }
    if (m.bestAfter() != null) {
      text += String.format(Locale.ROOT, ", best after it %.4f at %d params",
          m.bestAfter().finalTestError().mean(), m.bestAfter().cell().params());
    }
    return text + (m.doubleDescent() ? "; double descent" + (m.beyondCi() ? " (beyond 95% CI)"
        : " (within 95% CI)") : "; no double descent (" + m.note() + ")");
  }

  static String num(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x)
        : String.valueOf(x);
  }
}
