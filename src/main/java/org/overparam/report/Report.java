package org.overparam.report;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.internal.chartpart.Chart;
import org.overparam.analysis.AnalysisFolder;
import org.overparam.analysis.DoubleDescent;
import org.overparam.analysis.EpochWise;
import org.overparam.config.ConfigException;
import org.overparam.results.ResultsLayout;

/**
 * {@code overparam report}: one HTML page per experiment, {@code
 * <results>/report/<experiment>/index.html}, with PNG charts beside it, drawn from the analysis
 * tables only: test and train error and loss against parameters with the interpolation threshold
 * and peak marked, width-by-epoch heat maps of test error, scaling fits, a table of fitted
 * coefficients, compression against model size (when the experiment compressed its models) and
 * a few sentences on where the threshold and peak fell.
 */
public final class Report {
  /** The train-error threshold of the findings drawn: the analysis's primary one. */
  static final double EPSILON = DoubleDescent.PRIMARY_EPSILON;

  /** At most this many model-wise panels (each an error and a loss chart) per page. */
  static final int MAX_PANELS = 12;
  /** At most this many heat maps per page. */
  static final int MAX_HEATMAPS = 6;
  /** Heat maps average evaluated epochs into at most this many columns. */
  static final int HEATMAP_COLUMNS = 30;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private final SparkSession spark;
  private final String results;
  private final String experiment;
  private final Configuration conf;
  private final Path dir;
  private final StringBuilder html = new StringBuilder();
  private int charts;

  private Report(SparkSession spark, String results, String experiment) {
    this.spark = spark;
    this.results = results;
    this.experiment = experiment;
    this.conf = spark.sparkContext().hadoopConfiguration();
    this.dir = new Path(new Path(results, ResultsLayout.REPORT), experiment);
  }

  /**
   * Checks, without Spark, that the analysis tables exist (for {@code experiment}, or any);
   * returns the experiments to report on.
   */
  public static List<String> check(String results, String experiment) {
    Path curves = new Path(new Path(results, ResultsLayout.ANALYSIS), "curves");
    List<String> found = new ArrayList<>();
    try {
      FileSystem fs = curves.getFileSystem(new Configuration());
      if (fs.exists(curves)) {
        for (FileStatus st : fs.listStatus(curves)) {
          String n = st.getPath().getName();
          String prefix = ResultsLayout.PARTITION + "=";
          if (st.isDirectory() && n.startsWith(prefix)) {
            found.add(n.substring(prefix.length()));
          }
        }
      }
    } catch (IOException e) {
      throw new ConfigException("analysis tables " + curves + ": cannot read: " + e.getMessage());
    }
    found.sort(null);
    if (found.isEmpty()) {
      throw new ConfigException("analysis tables " + curves.getParent() + ": not found (run "
          + "overparam analyze first)");
    }
    if (experiment != null) {
      if (!found.contains(experiment)) {
        throw new ConfigException("--experiment " + experiment + ": not analysed in "
            + curves.getParent() + " (found: " + String.join(", ", found) + ")");
      }
      found = List.of(experiment);
    }
    // Every table drawn must come from the one analysis that the manifest names.
    AnalysisFolder.verify(results, found, new Configuration());
    return found;
  }

  /** Writes the report of each experiment; returns the index.html paths. */
  public static List<String> write(SparkSession spark, String results, List<String> experiments,
      PrintStream out) {
    List<String> pages = new ArrayList<>();
    for (String e : experiments) {
      Report r = new Report(spark, results, e);
      String page = r.build();
      out.println("overparam: report: " + e + ": " + page + " (" + r.charts + " charts)");
      pages.add(page);
    }
    return pages;
  }

  // ---- the page

  private String build() {
    List<Row> curves = table("curves");
    List<Row> dd = table("double_descent");
    html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>overparam: ").append(esc(experiment)).append("</title>\n<style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;")
        .append("padding:2px 6px;text-align:right}img{max-width:100%}</style></head><body>\n")
        .append("<h1>").append(esc(experiment)).append("</h1>\n");
    runs();
    configurations();
    findings(dd);
    modelWise(curves, dd);
    epochWise();
    ScalingSection.append(this);
    CompressionSection.append(this);
    html.append("</body></html>\n");
    Path index = new Path(dir, "index.html");
    write(index, html.toString().getBytes(StandardCharsets.UTF_8));
    return index.toString();
  }

  private void runs() {
    html.append("<h2>Runs</h2>\n<p>");
    List<Row> status = table("run_status");
    long total = status.stream().mapToLong(r -> r.<Long>getAs("runs")).sum();
    html.append(total).append(" runs");
    for (Row r : status) {
      html.append("; ").append(r.<Long>getAs("runs")).append(' ')
          .append(esc(r.getAs("status")));
      String msg = r.getAs("example_message");
      if (msg != null && !msg.isEmpty()) {
        html.append(" (e.g. ").append(esc(msg)).append(')');
      }
    }
    if (!status.isEmpty() && "metrics".equals(status.get(0).getAs("source"))) {
      html.append("; failed runs unknown (no runs table)");
    }
    html.append(".</p>\n");
  }

  /**
   * When the experiment holds runs of several configurations, a table of them: every chart and
   * sentence below keeps them apart, naming the configuration.
   */
  private void configurations() {
    List<Row> configs = table("configurations");
    if (configs.size() < 2) {
      return;
    }
    html.append("<h2>Configurations</h2>\n<p>This experiment holds runs of ")
        .append(configs.size()).append(" configurations; each is analysed as its own series, "
            + "never averaged with another.</p>\n<table><tr><th>config</th><th>runs</th>"
            + "<th>differs from the main one in</th></tr>\n");
    for (Row r : configs) {
      html.append("<tr><td>").append(esc(r.getAs("config"))).append("</td><td>")
          .append(r.<Long>getAs("runs")).append("</td><td style=\"text-align:left\">")
          .append(esc(r.<String>getAs("differs").isEmpty() ? "(main)" : r.getAs("differs")))
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  /** "config ab12cd34, " where the experiment holds several configurations, else "". */
  String configLabel(Object config) {
    if (manyConfigs == null) {
      manyConfigs = table("configurations").size() > 1;
    }
    return manyConfigs ? "config " + config + ", " : "";
  }

  private Boolean manyConfigs;

  /** A sentence per model-wise series at ε = 0.01. */
  private void findings(List<Row> dd) {
    html.append("<h2>Where the threshold and peak fell</h2>\n<ul>\n");
    for (Row r : dd) {
      if (r.<Double>getAs("epsilon") == EPSILON) {
        html.append("<li>").append(esc(configLabel(r.getAs("config"))
            + DoubleDescent.sentence(r)))
            .append("</li>\n");
      }
    }
    html.append("</ul>\n<p>Interpolation threshold: the smallest model whose mean final train "
        + "error is at most " + EPSILON + ". Peak: the largest mean final test error among models within a "
        + "factor 4 in parameters of the threshold (and its grid neighbours). Means over seeds. "
        + "The rises are paired: each seed's test error at the peak minus its own at the "
        + "classical minimum (the least below the peak) and at the largest model, the peak and "
        + "minimum located on the other seeds' mean curve, so that choosing the highest and "
        + "lowest points does not inflate them; runs of one seed share training subset, label "
        + "flips, example order and initialisation stream. Bracketed: 95% bootstrap intervals "
        + "over seeds. Double descent is claimed only when both intervals lie above 0, with at "
        + "least " + org.overparam.analysis.PairedRise.CLAIM_SEEDS + " seeds.</p>\n");
  }

  // ---- model-wise charts

  /** A panel: the series that share train size, depth and dropout, and one of wd or noise. */
  private record Panel(String config, int trainSize, int depth, double dropout, String fixed,
      double value, String varying) {}

  private void modelWise(List<Row> curves, List<Row> dd) {
    html.append("<h2>Model-wise: error and loss against parameters</h2>\n");
    Map<Panel, Map<Double, List<Row>>> panels = panels(curves);
    int shown = 0;
    for (Map.Entry<Panel, Map<Double, List<Row>>> p : panels.entrySet()) {
      if (shown++ >= MAX_PANELS) {
        html.append("<p>").append(panels.size() - MAX_PANELS)
            .append(" more panels not drawn; the curves table has every value.</p>\n");
        break;
      }
      Panel k = p.getKey();
      String title = configLabel(k.config()) + String.format(Locale.ROOT,
          "n=%d, depth %d, dropout %s, %s %s", k.trainSize(), k.depth(), k.dropout(), k.fixed(),
          k.value());
      for (String what : List.of("error", "loss")) {
        List<Plots.Line> lines = new ArrayList<>();
        List<double[]> thr = new ArrayList<>();
        List<double[]> peak = new ArrayList<>();
        int g = 0;
        for (Map.Entry<Double, List<Row>> s : p.getValue().entrySet()) {
          List<Row> pts = s.getValue();
          double[] x = pts.stream().mapToDouble(r -> r.<Long>getAs("params")).toArray();
          String label = k.varying() + " " + s.getKey();
          lines.add(new Plots.Line("test " + label, x, values(pts, "final_test_" + what), g,
              false));
          lines.add(new Plots.Line("train " + label, x, values(pts, "final_train_" + what), g,
              true));
          marks(dd, pts.get(0), pts, what, thr, peak);
          g++;
        }
        List<Plots.Marks> marks = List.of(marks("interpolation threshold", thr),
            marks("peak", peak));
        image("modelwise-" + shown + "-" + what + ".png", Plots.logX(title, "parameters",
            "final " + what + " (mean over seeds)", lines, marks), title + ": " + what);
      }
    }
  }

  private Map<Panel, Map<Double, List<Row>>> panels(List<Row> curves) {
    Map<Panel, Map<Double, List<Row>>> out = new LinkedHashMap<>();
    long wds = curves.stream().map(r -> r.getAs("weight_decay")).distinct().count();
    long noises = curves.stream().map(r -> r.getAs("label_noise")).distinct().count();
    for (Row r : curves) {
      if (r.getAs("final_test_error") == null) {
        continue;
      }
      // One line per noise level at each weight decay ...
      Panel byNoise = new Panel(r.getAs("config"), r.getAs("train_size"), r.getAs("depth"),
          r.getAs("dropout"), "weight decay", r.getAs("weight_decay"), "noise");
      add(out, byNoise, r.getAs("label_noise"), r);
      // ... and, when several were tried, one line per weight decay at each noise level.
      if (wds > 1 && noises > 1) {
        Panel byWd = new Panel(r.getAs("config"), r.getAs("train_size"), r.getAs("depth"),
            r.getAs("dropout"), "noise", r.getAs("label_noise"), "wd");
        add(out, byWd, r.getAs("weight_decay"), r);
      }
    }
    out.values().forEach(m -> m.values().forEach(l -> l.sort(Comparator.comparingLong(
        r -> r.<Long>getAs("params")))));
    return out;
  }

  private static void add(Map<Panel, Map<Double, List<Row>>> out, Panel p, double line, Row r) {
    out.computeIfAbsent(p, k -> new TreeMap<>()).computeIfAbsent(line, k -> new ArrayList<>())
        .add(r);
  }

  /** Adds the threshold and peak (ε = 0.01) of the series of {@code any} as marked points. */
  private static void marks(List<Row> dd, Row any, List<Row> pts, String what, List<double[]> thr,
      List<double[]> peak) {
    for (Row d : dd) {
      boolean same = d.<Double>getAs("epsilon") == EPSILON
          && Objects.equals(d.getAs("config"), any.getAs("config"))
          && Objects.equals(d.getAs("label_noise"), any.getAs("label_noise"))
          && Objects.equals(d.getAs("weight_decay"), any.getAs("weight_decay"))
          && Objects.equals(d.getAs("dropout"), any.getAs("dropout"))
          && Objects.equals(d.getAs("train_size"), any.getAs("train_size"))
          && Objects.equals(d.getAs("depth"), any.getAs("depth"));
      if (!same || d.getAs("threshold_params") == null) {
        continue;
      }
      for (Row p : pts) {
        long params = p.getAs("params");
        Double y = p.getAs("final_test_" + what);
        if (y == null) {
          continue;
        }
        if (params == d.<Long>getAs("threshold_params")) {
          thr.add(new double[] {params, y});
        }
        Long pk = what.equals("error") ? d.getAs("peak_params") : d.getAs("loss_peak_params");
        if (pk != null && params == pk) {
          peak.add(new double[] {params, y});
        }
      }
    }
  }

  private static Plots.Marks marks(String name, List<double[]> pts) {
    return new Plots.Marks(name, pts.stream().mapToDouble(p -> p[0]).toArray(),
        pts.stream().mapToDouble(p -> p[1]).toArray());
  }

  /** A nullable double column of {@code rows}, null as NaN. */
  static double[] values(List<Row> rows, String column) {
    return rows.stream().mapToDouble(r -> {
      Double v = r.getAs(column);
      return v == null ? Double.NaN : v;
    }).toArray();
  }

  // ---- epoch-wise heat maps

  private void epochWise() {
    html.append("<h2>Epoch-wise: test error by width and epoch</h2>\n<p>Series with the most "
        + "epoch-wise bumps first.</p>\n");
    // Series (settings but width), then the epoch curves of the first few only.
    String[] keys = {"label_noise", "weight_decay", "dropout", "train_size", "depth", "config"};
    org.apache.spark.sql.Dataset<Row> ec = spark.read().parquet(path("epoch_curves"))
        .filter(col("experiment").equalTo(experiment));
    // The series with the most epoch-wise bumps first, then the noisiest.
    List<Row> series = spark.read().parquet(path("epoch_wise"))
        .filter(col("experiment").equalTo(experiment))
        .groupBy(keys[0], keys[1], keys[2], keys[3], keys[4], keys[5])
        .agg(org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(
            col("happened"), 1).otherwise(0)).as("bumps"))
        .orderBy(col("bumps").desc(), col(keys[0]).desc(), col(keys[1]), col(keys[2]),
            col(keys[3]), col(keys[4]), col(keys[5]))
        .collectAsList();
    int shown = 0;
    for (Row k : series) {
      if (shown++ >= MAX_HEATMAPS) {
        html.append("<p>").append(series.size() - MAX_HEATMAPS)
            .append(" more heat maps not drawn; epoch_curves has every value.</p>\n");
        break;
      }
      org.apache.spark.sql.Column same = org.apache.spark.sql.functions.lit(true);
      for (int i = 0; i < keys.length; i++) {
        same = same.and(col(keys[i]).equalTo(k.get(i)));
      }
      List<Row> rows = ec.filter(same).select("width", "epoch", "test_error").collectAsList();
      String title = configLabel(k.get(5)) + String.format(Locale.ROOT,
          "noise %s, wd %s, dropout %s, n=%s, depth %s", k.get(0), k.get(1), k.get(2), k.get(3),
          k.get(4));
      image("heatmap-" + shown + ".png", heatmap(title, rows), "test error: " + title);
    }
    List<Row> happened = spark.read().parquet(path("epoch_wise"))
        .filter(col("experiment").equalTo(experiment).and(col("happened")))
        .orderBy("label_noise", "weight_decay", "dropout", "train_size", "depth", "width")
        .collectAsList();
    long cells = spark.read().parquet(path("epoch_wise"))
        .filter(col("experiment").equalTo(experiment)).count();
    html.append("<p>Epoch-wise double descent (mean test error falls, rises by at least "
        + EpochWise.MIN_CHANGE + ", then falls by at least " + EpochWise.MIN_CHANGE + ") in ").append(happened.size()).append(" of ")
        .append(cells).append(" cells.</p>\n");
    if (!happened.isEmpty()) {
      html.append("<table><tr><th>noise</th><th>wd</th><th>dropout</th><th>n</th><th>depth</th>"
          + "<th>width</th><th>first min (epoch)</th><th>max (epoch)</th><th>later min (epoch)"
          + "</th><th>final</th></tr>\n");
      for (Row r : happened.subList(0, Math.min(happened.size(), 50))) {
        html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                + "<td>%s</td><td>%s</td><td>%.4f (%s)</td><td>%.4f (%s)</td><td>%.4f (%s)</td>"
                + "<td>%.4f</td></tr>%n", r.getAs("label_noise"), r.getAs("weight_decay"),
            r.getAs("dropout"), r.getAs("train_size"), r.getAs("depth"), r.getAs("width"),
            r.<Double>getAs("first_min_test_error"), r.getAs("first_min_epoch"),
            r.<Double>getAs("max_test_error"), r.getAs("max_epoch"),
            r.<Double>getAs("later_min_test_error"), r.getAs("later_min_epoch"),
            r.<Double>getAs("final_test_error")));
      }
      html.append("</table>\n");
    }
  }

  /** Widths (rows) by epochs averaged into at most {@link #HEATMAP_COLUMNS} bins (columns). */
  private static Chart<?, ?> heatmap(String title, List<Row> rows) {
    TreeSet<Integer> widths = new TreeSet<>();
    TreeSet<Integer> epochs = new TreeSet<>();
    rows.forEach(r -> {
      widths.add(r.getAs("width"));
      epochs.add(r.getAs("epoch"));
    });
    List<Integer> ep = new ArrayList<>(epochs);
    int bins = Math.min(HEATMAP_COLUMNS, ep.size());
    List<String> columns = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      columns.add(String.valueOf(ep.get((int) ((long) (b + 1) * ep.size() / bins) - 1)));
    }
    List<Integer> ws = new ArrayList<>(widths);
    double[][] sum = new double[ws.size()][bins];
    int[][] n = new int[ws.size()][bins];
    for (Row r : rows) {
      int w = ws.indexOf(r.<Integer>getAs("width"));
      int b = (int) ((long) ep.indexOf(r.<Integer>getAs("epoch")) * bins / ep.size());
      sum[w][b] += r.<Double>getAs("test_error");
      n[w][b]++;
    }
    for (int w = 0; w < ws.size(); w++) {
      for (int b = 0; b < bins; b++) {
        sum[w][b] = n[w][b] == 0 ? Double.NaN : sum[w][b] / n[w][b];
      }
    }
    return Plots.heatmap(title, "epoch", "width", columns,
        ws.stream().map(String::valueOf).toList(), sum);
  }

  // ---- helpers shared with the scaling section

  String experiment() {
    return experiment;
  }

  StringBuilder html() {
    return html;
  }

  /** The rows of one analysis table for this experiment; empty if the table is absent. */
  List<Row> table(String name) {
    Path p = new Path(path(name));
    try {
      if (!p.getFileSystem(conf).exists(new Path(p, ResultsLayout.PARTITION + "="
          + experiment))) {
        return List.of();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return spark.read().parquet(p.toString()).filter(col("experiment").equalTo(experiment))
        .collectAsList();
  }

  private String path(String table) {
    return new Path(new Path(results, ResultsLayout.ANALYSIS), table).toString();
  }

  /** Saves a chart as PNG beside index.html and links it. */
  void image(String file, Chart<?, ?> chart, String alt) {
    write(new Path(dir, file), Plots.png(chart));
    html.append("<p><img src=\"").append(file).append("\" alt=\"").append(esc(alt))
        .append("\"></p>\n");
    charts++;
  }

  private void write(Path p, byte[] bytes) {
    try {
      FileSystem fs = p.getFileSystem(conf);
      fs.setWriteChecksum(false); // no .crc files beside the page
      try (FSDataOutputStream out = fs.create(p, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + p + ": " + e.getMessage(), e);
    }
  }

  static String esc(Object o) {
    String s = String.valueOf(o);
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  static String fmt(double x) {
    return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.4g", x);
  }
}
