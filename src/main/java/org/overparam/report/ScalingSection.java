package org.overparam.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * The report's scaling-law section: for each setting, the measured losses and the fitted L(N)
 * (one line per training-set size), L(N, D) and L(D) curves with their bootstrap bands on
 * log-log axes, the fitted coefficients, and the compute-optimal frontier (chart and table).
 * Losses of language models on text are shown in bits per character, or per byte for byte
 * tokens.
 */
final class ScalingSection {
  /** At most this many settings are drawn. */
  static final int MAX_SETTINGS = 4;
  /** At most this many lines per chart. */
  static final int MAX_LINES = 8;
  /** At most this many coefficient rows are listed. */
  static final int MAX_ROWS = 60;

  private ScalingSection() {}

  private record Setting(Object config, Object noise, Object wd, Object dropout) {
    static Setting of(Row r) {
      return new Setting(r.getAs("config"), r.getAs("label_noise"), r.getAs("weight_decay"),
          r.getAs("dropout"));
    }

    String title() {
      return "noise " + noise + ", wd " + wd + ", dropout " + dropout;
    }
  }

  /**
   * The unit losses are shown in: bits per token for language models on a text corpus
   * (nats / ln 2), per character or per byte as the runs' data source says ({@code tokens=byte}),
   * else nats. E, A and B scale with the unit; the exponents do not.
   */
  record Unit(double scale, String name) {
    static final Unit NATS = new Unit(1, "nats");
    /** Values that are not losses (exponents, sizes): shown as they are. */
    static final Unit NONE = new Unit(1, "");
    static final Unit BITS_PER_CHARACTER = new Unit(1 / Math.log(2), "bits per character");
    static final Unit BITS_PER_BYTE = new Unit(1 / Math.log(2), "bits per byte");
    /** Text runs of both kinds of token in one report. */
    static final Unit BITS_PER_TOKEN = new Unit(1 / Math.log(2), "bits per token");

    static Unit of(List<Row> runStatus) {
      List<String> data = runStatus.stream().map(s -> s.getAs("data"))
          .map(d -> d == null ? "" : d.toString()).toList();
      if (data.isEmpty() || !data.stream().allMatch(d -> d.startsWith("text:"))) {
        return NATS;
      }
      long bytes = data.stream().filter(d -> d.contains(",tokens=byte")).count();
      return bytes == 0 ? BITS_PER_CHARACTER
          : bytes == data.size() ? BITS_PER_BYTE : BITS_PER_TOKEN;
    }

    /** What a training example is in this unit: "characters", "bytes" or "tokens". */
    String tokens() {
      return name.substring(name.lastIndexOf(' ') + 1) + "s";
    }

    double[] of(double[] nats) {
      return java.util.Arrays.stream(nats).map(v -> v * scale).toArray();
    }

    Double of(Double nats) {
      return nats == null ? null : nats * scale;
    }
  }

  static void append(Report r) {
    StringBuilder html = r.html();
    html.append("<h2>Scaling laws</h2>\n");
    List<Row> fits = r.table("scaling_fits");
    if (fits.isEmpty()) {
      html.append("<p>No scaling fits in the analysis tables.</p>\n");
      return;
    }
    Unit unit = Unit.of(r.table("run_status"));
    html.append("<p>Loss: each cell's least test loss over epochs, averaged over seeds, in ")
        .append(unit.name()).append(unit == Unit.NATS ? "" : " (the loss in nats / ln 2; E, A "
            + "and B are in bits, the exponents do not depend on the unit)")
        .append(". N = parameters, D = training examples")
        .append(unit == Unit.NATS ? "" : " (predicted " + unit.tokens() + ")")
        .append(". Bands: 2.5% to 97.5% bootstrap percentiles of the fitted curve.</p>\n");
    List<Row> curves = r.table("scaling_curves");
    List<Row> cells = r.table("curves");
    Map<Setting, List<Row>> bySetting = new LinkedHashMap<>();
    fits.stream().filter(f -> "fitted".equals(f.getAs("status")))
        .forEach(f -> bySetting.computeIfAbsent(Setting.of(f), k -> new ArrayList<>()).add(f));
    int shown = 0;
    for (Setting s : bySetting.keySet()) {
      if (shown++ >= MAX_SETTINGS) {
        html.append("<p>").append(bySetting.size() - MAX_SETTINGS)
            .append(" more settings not drawn; scaling_fits has them all.</p>\n");
        break;
      }
      List<Row> mine = cells.stream().filter(c -> s.equals(Setting.of(c))
          && c.getAs("best_test_loss") != null).toList();
      List<Row> lines = curves.stream().filter(c -> s.equals(Setting.of(c))).toList();
      chart(r, s, "L(N)", "train_size", "n", mine, lines, "params", shown, unit,
          note(bySetting.get(s), "L(N)"));
      chart(r, s, "L(N,D)", "train_size", "n", mine, lines, "params", shown, unit,
          note(bySetting.get(s), "L(N,D)"));
      chart(r, s, "L(D)", "params", "N", mine, lines, "train_size", shown, unit,
          note(bySetting.get(s), "L(D)"));
    }
    coefficients(html, fits, unit);
    // The frontier comes from the joint fit: where that is not identified, say so instead.
    Map<Setting, String> jointUnidentified = new LinkedHashMap<>();
    fits.stream().filter(f -> "L(N,D)".equals(f.getAs("law")) && "fitted".equals(
        f.getAs("status")) && !identified(f))
        .forEach(f -> jointUnidentified.put(Setting.of(f), f.getAs("reason")));
    List<Row> optimal = r.table("compute_optimal");
    frontier(r, optimal, unit, jointUnidentified);
    optimal(html, optimal, unit, jointUnidentified);
  }

  /**
   * The compute-optimal frontier of each setting: N_opt and D_opt against the budget C on one
   * chart, L_opt against C on another, with their bootstrap bands.
   */
  private static void frontier(Report r, List<Row> optimal, Unit unit,
      Map<Setting, String> unidentified) {
    Map<Setting, List<Row>> bySetting = new LinkedHashMap<>();
    optimal.forEach(o -> bySetting.computeIfAbsent(Setting.of(o), k -> new ArrayList<>()).add(o));
    int shown = 0;
    for (Map.Entry<Setting, List<Row>> e : bySetting.entrySet()) {
      if (shown++ >= MAX_SETTINGS) {
        break;
      }
      List<Row> rows = e.getValue().stream().sorted(java.util.Comparator.comparingDouble(
          o -> o.<Double>getAs("budget_flops"))).toList();
      double[] c = rows.stream().mapToDouble(o -> o.<Double>getAs("budget_flops")).toArray();
      List<Plots.Line> lines = new ArrayList<>();
      List<double[][]> bands = new ArrayList<>();
      int g = 0;
      for (String k : List.of("params_opt", "data_opt")) {
        lines.add(new Plots.Line(k.equals("params_opt") ? "N_opt (parameters)"
            : "D_opt (training examples)", c, column(rows, k, 1), g++, false));
        bands.add(band(rows, k, c, 1));
      }
      String title = "compute-optimal frontier: " + e.getKey().title()
          + (unidentified.containsKey(e.getKey()) ? " (fit not identified)" : "");
      r.image("frontier-" + shown + "-nd.png", Plots.logLog(title, "training compute C = 6 N D "
          + "(FLOPs)", "N_opt, D_opt", List.of(), lines, bands), title);
      r.image("frontier-" + shown + "-loss.png", Plots.logLog("least loss on the frontier: "
              + e.getKey().title(), "training compute C = 6 N D (FLOPs)", "L(N_opt, D_opt), "
              + unit.name(), List.of(), List.of(new Plots.Line("L_opt", c,
              column(rows, "loss_opt", unit.scale()), 0, false)),
          java.util.Collections.singletonList(band(rows, "loss_opt", c, unit.scale()))),
          "least loss on the frontier: " + e.getKey().title());
    }
  }

  private static double[] column(List<Row> rows, String k, double scale) {
    return java.util.Arrays.stream(Report.values(rows, k)).map(v -> v * scale).toArray();
  }

  private static double[][] band(List<Row> rows, String k, double[] x, double scale) {
    boolean all = rows.stream().allMatch(o -> o.getAs(k + "_lo") != null
        && o.getAs(k + "_hi") != null);
    return all ? new double[][] {x, column(rows, k + "_lo", scale),
        column(rows, k + "_hi", scale)} : null;
  }

  /**
   * One chart of a law: measured points grouped by {@code group} (a cell column) against
   * {@code xColumn}, with the law's curves and bands.
   */
  private static void chart(Report r, Setting s, String law, String group, String label,
      List<Row> cells, List<Row> curves, String xColumn, int index, Unit unit, String note) {
    Map<Object, List<Row>> lines = new TreeMap<>();
    for (Row c : curves) {
      if (law.equals(c.getAs("law"))) {
        Object key = law.equals("L(N,D)") ? c.getAs("curve_d") : law.equals("L(N)")
            ? c.getAs("train_size") : c.getAs("params");
        lines.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
      }
    }
    if (lines.isEmpty()) {
      return;
    }
    List<Plots.Line> pts = new ArrayList<>();
    List<Plots.Line> fitted = new ArrayList<>();
    List<double[][]> bands = new ArrayList<>();
    int g = 0;
    for (Map.Entry<Object, List<Row>> e : lines.entrySet()) {
      if (g >= MAX_LINES) {
        break;
      }
      List<Row> c = e.getValue();
      double[] x = c.stream().mapToDouble(v -> v.<Double>getAs("x")).toArray();
      double[] y = unit.of(c.stream().mapToDouble(v -> num(v.getAs("loss"))).toArray());
      String name = label + "=" + e.getKey();
      fitted.add(new Plots.Line(law + ", " + name, x, y, g, false));
      boolean band = c.stream().allMatch(v -> v.getAs("loss_lo") != null);
      bands.add(band ? new double[][] {x,
          unit.of(c.stream().mapToDouble(v -> v.<Double>getAs("loss_lo")).toArray()),
          unit.of(c.stream().mapToDouble(v -> v.<Double>getAs("loss_hi")).toArray())} : null);
      List<Row> measured = cells.stream().filter(v -> Objects.equals(
          ((Number) v.getAs(group)).longValue(), ((Number) e.getKey()).longValue())).toList();
      pts.add(new Plots.Line("measured, " + name,
          measured.stream().mapToDouble(v -> ((Number) v.getAs(xColumn)).doubleValue())
              .toArray(),
          unit.of(measured.stream().mapToDouble(v -> v.<Double>getAs("best_test_loss"))
              .toArray()), g, false));
      g++;
    }
    String title = law + ": " + s.title() + (note.isEmpty() ? "" : " (" + note + ")");
    String xTitle = xColumn.equals("params") ? "parameters N" : "training examples D";
    r.image("scaling-" + index + "-" + law.replaceAll("[^A-Za-z]", "") + ".png",
        Plots.logLog(title, xTitle, "least test loss, " + unit.name(), pts, fitted, bands),
        title);
  }

  private static void coefficients(StringBuilder html, List<Row> fits, Unit unit) {
    html.append("<h3>Fitted coefficients</h3>\n<table><tr><th>noise</th><th>wd</th>"
        + "<th>dropout</th><th>law</th><th>fixed</th><th>points</th><th>E</th><th>A</th>"
        + "<th>alpha</th><th>B</th><th>beta</th><th>R&sup2; (log L)</th>"
        + "<th>largest size predicted from the smaller: error</th></tr>\n");
    int rows = 0;
    // Skipped fits by the category of their reason, in order of first appearance.
    Map<String, Integer> skipped = new LinkedHashMap<>();
    for (Row f : fits) {
      if (!"fitted".equals(f.getAs("status"))) {
        skipped.merge(category(f.getAs("reason")), 1, Integer::sum);
        continue;
      }
      if (rows++ >= MAX_ROWS) {
        continue;
      }
      html.append("<tr><td>").append(f.<Object>getAs("label_noise")).append("</td><td>")
          .append(f.<Object>getAs("weight_decay")).append("</td><td>")
          .append(f.<Object>getAs("dropout")).append("</td><td>")
          .append(Report.esc(f.getAs("law"))).append("</td><td>").append(fixed(f).trim())
          .append("</td><td>").append(f.<Object>getAs("points")).append("</td>");
      if (!identified(f)) {
        // The numbers of a fit that means nothing are not shown; why is.
        html.append("<td colspan=\"7\">not identified: ")
            .append(Report.esc(String.valueOf(f.<Object>getAs("reason")))).append("</td></tr>\n");
        continue;
      }
      for (String k : List.of("e", "a", "alpha", "b", "beta")) {
        html.append("<td>").append(withInterval(f, k, k.startsWith("alpha")
            || k.startsWith("beta") ? Unit.NONE : unit)).append("</td>");
      }
      Double err = f.getAs("holdout_relative_error");
      html.append("<td>").append(Report.fmt(num(f.getAs("r2_log_loss")))).append("</td><td>")
          .append(err == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * err))
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
    if (rows > MAX_ROWS) {
      html.append("<p>").append(rows - MAX_ROWS).append(" more fits in scaling_fits.</p>\n");
    }
    if (!skipped.isEmpty()) {
      html.append("<p>Skipped fits (scaling_fits has each with its reason):</p>\n<ul>\n");
      skipped.forEach((reason, count) -> html.append("<li>").append(count)
          .append(count == 1 ? " fit" : " fits").append(" skipped: ").append(Report.esc(reason))
          .append("</li>\n"));
      html.append("</ul>\n");
    }
  }

  /** "k of m fits not identified" for a setting's fits of one law, or "" when all are. */
  private static String note(List<Row> fitted, String law) {
    List<Row> mine = fitted.stream().filter(f -> law.equals(f.getAs("law"))).toList();
    long not = mine.stream().filter(f -> !identified(f)).count();
    return not == 0 ? "" : not + " of " + mine.size() + (mine.size() == 1 ? " fit" : " fits")
        + " not identified";
  }

  /**
   * Whether a fitted row is identified; rows of tables written before the column existed count
   * as identified.
   */
  static boolean identified(Row f) {
    if (f.schema() == null || !java.util.Arrays.asList(f.schema().fieldNames())
        .contains("identified")) {
      return true;
    }
    Boolean id = f.getAs("identified");
    return id == null || id;
  }

  /** The category of a reason: its text before the first ": " (see Identification). */
  static String category(Object reason) {
    String r = reason == null ? "no reason given" : reason.toString();
    int i = r.indexOf(": ");
    return i < 0 ? r : r.substring(0, i);
  }

  /** A fit's identity in scaling_fits and scaling_curves: setting, law and the fixed size. */
  private static List<Object> key(Row f) {
    return java.util.Arrays.asList(f.getAs("label_noise"), f.getAs("weight_decay"),
        f.getAs("dropout"), f.getAs("law"), f.getAs("train_size"), f.getAs("params"));
  }

  private static String fixed(Row f) {
    if (f.getAs("train_size") != null) {
      return " D=" + f.getAs("train_size");
    }
    return f.getAs("params") == null ? "" : " N=" + f.getAs("params");
  }

  private static String withInterval(Row f, String k, Unit unit) {
    Double v = unit.of(f.<Double>getAs(k));
    if (v == null) {
      return "";
    }
    Double lo = unit.of(f.<Double>getAs(k + "_lo"));
    Double hi = unit.of(f.<Double>getAs(k + "_hi"));
    return Report.fmt(v) + (lo == null || hi == null ? ""
        : " [" + Report.fmt(lo) + ", " + Report.fmt(hi) + "]");
  }

  private static void optimal(StringBuilder html, List<Row> rows, Unit unit,
      Map<Setting, String> unidentified) {
    if (rows.isEmpty()) {
      return;
    }
    html.append("<h3>Compute-optimal allocation (C = 6 N D)</h3>\n<table><tr><th>noise</th>"
        + "<th>wd</th><th>dropout</th><th>C (FLOPs)</th><th>N_opt</th><th>D_opt</th>"
        + "<th>L_opt</th></tr>\n");
    java.util.Set<Setting> said = new java.util.HashSet<>();
    for (Row o : rows.stream().limit(MAX_ROWS).toList()) {
      Setting s = Setting.of(o);
      if (unidentified.containsKey(s)) {
        // One row per setting whose joint fit means nothing: why, instead of its numbers.
        if (said.add(s)) {
          html.append("<tr><td>").append(s.noise).append("</td><td>").append(s.wd)
              .append("</td><td>").append(s.dropout).append("</td><td colspan=\"4\">L(N, D) "
                  + "not identified: ").append(Report.esc(unidentified.get(s)))
              .append("</td></tr>\n");
        }
        continue;
      }
      html.append("<tr><td>").append(o.<Object>getAs("label_noise")).append("</td><td>")
          .append(o.<Object>getAs("weight_decay")).append("</td><td>")
          .append(o.<Object>getAs("dropout")).append("</td><td>")
          .append(Report.fmt(o.<Double>getAs("budget_flops"))).append("</td>");
      for (String k : List.of("params_opt", "data_opt", "loss_opt")) {
        html.append("<td>").append(withInterval(o, k, k.equals("loss_opt") ? unit : Unit.NONE))
            .append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  private static double num(Double v) {
    return v == null ? Double.NaN : v;
  }
}
