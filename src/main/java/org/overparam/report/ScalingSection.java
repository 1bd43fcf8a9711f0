package org.overparam.report;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.overparam.analysis.Identification;
import org.overparam.results.Catalog;
import org.overparam.results.Column;

/**
 * The report's scaling-law section: for each setting, the measured losses and the fitted L(N)
 * (one line per training-set size), L(N, D) and L(D) curves with their bootstrap bands on
 * log-log axes, the fitted coefficients, and the compute-optimal frontier (chart and table).
 * Losses of language models on text are shown in bits per character, or per byte for byte
 * tokens.
 */
final class ScalingSection implements Section {
  /** At most this many settings are drawn. */
  static final int MAX_SETTINGS = 4;
  /** At most this many lines per chart. */
  static final int MAX_LINES = 8;
  /** At most this many coefficient rows are listed. */
  static final int MAX_ROWS = 60;
  /** At most this many charts side by side on the page of a results root. */
  static final int MAX_PANELS = 8;

  @Override
  public String title() {
    return "Scaling laws";
  }

  private record Setting(Object config, Object noise, Object wd, Object dropout) {
    static Setting of(Row r) {
      return new Setting(r.getAs(CONFIG.name()), r.getAs(LABEL_NOISE.name()),
          r.getAs(WEIGHT_DECAY.name()), r.getAs(DROPOUT.name()));
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
      List<String> data = runStatus.stream().map(s -> s.getAs(DATA.name()))
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

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment r = in.fragment();
    StringBuilder html = r.html();
    html.append("<h2>").append(title()).append("</h2>\n");
    List<Row> fits = in.table(Catalog.SCALING_FITS);
    if (fits.isEmpty()) {
      html.append("<p>No scaling fits in the analysis tables.</p>\n");
      return r.done();
    }
    Unit unit = Unit.of(in.table(Catalog.RUN_STATUS));
    List<Row> curves = in.table(Catalog.SCALING_CURVES);
    List<Row> cells = in.table(Catalog.CURVES);
    String n = nColumn(cells);
    html.append("<p>Loss: each cell's least test loss over epochs, averaged over seeds, in ")
        .append(unit.name()).append(unit == Unit.NATS ? "" : " (the loss in nats / ln 2; E, A "
            + "and B are in bits, the exponents do not depend on the unit)")
        .append(". N = ").append(nName(cells)).append(", D = training examples")
        .append(unit == Unit.NATS ? "" : " (predicted " + unit.tokens() + ")")
        .append(". Bands: 2.5% to 97.5% bootstrap percentiles of the fitted curve.</p>\n");
    Map<Setting, List<Row>> bySetting = new LinkedHashMap<>();
    fits.stream().filter(f -> "fitted".equals(f.getAs(FIT_STATUS.name())))
        .forEach(f -> bySetting.computeIfAbsent(Setting.of(f), k -> new ArrayList<>()).add(f));
    int shown = 0;
    for (Setting s : bySetting.keySet()) {
      if (shown++ >= MAX_SETTINGS) {
        html.append("<p>").append(bySetting.size() - MAX_SETTINGS)
            .append(" more settings not drawn; scaling_fits has them all.</p>\n");
        break;
      }
      List<Row> mine = cells.stream().filter(c -> s.equals(Setting.of(c))
          && c.getAs(BEST_TEST_LOSS.name()) != null).toList();
      List<Row> lines = curves.stream().filter(c -> s.equals(Setting.of(c))).toList();
      chart(r, s, "L(N)", TRAIN_SIZE.name(), "n", mine, lines, n, shown, unit,
          note(bySetting.get(s), "L(N)"));
      chart(r, s, "L(N,D)", TRAIN_SIZE.name(), "n", mine, lines, n, shown, unit,
          note(bySetting.get(s), "L(N,D)"));
      chart(r, s, "L(D)", n, "N", mine, lines, TRAIN_SIZE.name(), shown, unit,
          note(bySetting.get(s), "L(D)"));
    }
    coefficients(html, fits, unit);
    // The frontier comes from the joint fit: where that is not identified, the chart says so,
    // and the table gives its numbers only where the fit's coefficients are shown.
    Map<Setting, Row> jointUnidentified = new LinkedHashMap<>();
    fits.stream().filter(f -> "L(N,D)".equals(f.getAs(LAW.name())) && "fitted".equals(
        f.getAs(FIT_STATUS.name())) && !identified(f))
        .forEach(f -> jointUnidentified.put(Setting.of(f), f));
    List<Row> optimal = in.table(Catalog.COMPUTE_OPTIMAL);
    frontier(r, optimal, unit, jointUnidentified.keySet());
    optimal(html, optimal, unit, jointUnidentified);
    return r.done();
  }

  /**
   * The scaling laws of several experiments side by side, for the page of a results root that
   * holds them: each experiment's least test losses against N with its fitted L(N, D) at each
   * training budget D (L(N) where there is no joint fit), the charts sharing their axes when
   * the losses share a unit, then one table of every experiment's L(N, D) coefficients with
   * their 95% intervals, identified or not and why.
   */
  static void compare(List<ReportInputs> experiments, ReportInputs.Fragment r) {
    StringBuilder html = r.html();
    html.append("<h2>Scaling laws compared</h2>\n");
    record Panel(String title, Drawn drawn, Unit unit, String xTitle) {}
    List<Panel> panels = new ArrayList<>();
    List<Row> joint = new ArrayList<>();
    Map<Row, ReportInputs> from = new java.util.IdentityHashMap<>();
    List<String> without = new ArrayList<>();
    List<String> nNames = new ArrayList<>();
    for (ReportInputs in : experiments) {
      List<Row> fits = in.table(Catalog.SCALING_FITS);
      if (fits.isEmpty()) {
        without.add(in.experiment());
        continue;
      }
      Unit unit = Unit.of(in.table(Catalog.RUN_STATUS));
      List<Row> cells = in.table(Catalog.CURVES);
      List<Row> curves = in.table(Catalog.SCALING_CURVES);
      String n = nColumn(cells);
      nNames.add(nName(cells));
      fits.stream().filter(f -> "L(N,D)".equals(f.getAs(LAW.name()))).forEach(f -> {
        joint.add(f);
        from.put(f, in);
      });
      Map<Setting, List<Row>> bySetting = new LinkedHashMap<>();
      fits.stream().filter(f -> "fitted".equals(f.getAs(FIT_STATUS.name())))
          .forEach(f -> bySetting.computeIfAbsent(Setting.of(f), k -> new ArrayList<>()).add(f));
      bySetting.entrySet().stream().limit(MAX_SETTINGS).forEach(e -> {
        Setting s = e.getKey();
        List<Row> mine = cells.stream().filter(c -> s.equals(Setting.of(c))
            && c.getAs(BEST_TEST_LOSS.name()) != null).toList();
        List<Row> lines = curves.stream().filter(c -> s.equals(Setting.of(c))).toList();
        String law = e.getValue().stream().anyMatch(f -> "L(N,D)".equals(f.getAs(LAW.name())))
            ? "L(N,D)" : "L(N)";
        Drawn d = lines(law, TRAIN_SIZE.name(), "D", mine, lines, n, unit);
        if (d != null) {
          String note = note(e.getValue(), law);
          panels.add(new Panel(label(in, e.getValue().get(0)) + ": " + law + ", "
              + in.configLabel(s.config()) + s.title() + (note.isEmpty() ? "" : " (" + note + ")"),
              d, unit, xTitle(n, cells)));
        }
      });
    }
    if (joint.isEmpty() && panels.isEmpty()) {
      html.append("<p>No scaling fits in the analysis tables of these experiments.</p>\n");
      return;
    }
    boolean oneUnit = panels.stream().map(Panel::unit).distinct().count() <= 1
        && joint.stream().map(f -> Unit.of(from.get(f).table(Catalog.RUN_STATUS))).distinct()
            .count() <= 1;
    Unit unit = panels.isEmpty() ? Unit.of(from.get(joint.get(0)).table(Catalog.RUN_STATUS))
        : panels.get(0).unit();
    String nIs = nNames.stream().distinct().count() == 1 ? nNames.get(0)
        : "non-embedding parameters (all parameters for a model without embedding tables)";
    html.append("<p>Each experiment's least test loss per cell (averaged over seeds) against N, "
        + "one colour per training budget D, with its fitted law at each D and the law's 95% "
        + "bootstrap band").append(oneUnit ? "; the charts share their axes" : "")
        .append(". N = ").append(nIs).append(", D = training examples")
        .append(oneUnit && unit != Unit.NATS ? " (predicted " + unit.tokens() + ")" : "")
        .append(oneUnit ? ", loss in " + unit.name() : "").append(".</p>\n");
    Plots.Extent extent = oneUnit ? Plots.Extent.of(panels.stream()
        .flatMap(p -> p.drawn().all().stream()).toList()) : null;
    html.append("<div style=\"display:flex;flex-wrap:wrap;gap:8px\">\n");
    int i = 0;
    for (Panel p : panels.stream().limit(MAX_PANELS).toList()) {
      html.append("<div style=\"flex:1 1 400px;min-width:0\">");
      r.image("compare-scaling-" + ++i + ".png", Plots.logLog(p.title(), p.xTitle(),
          "least test loss, " + p.unit().name(), p.drawn().points(), p.drawn().fitted(),
          p.drawn().bands(), extent), p.title());
      html.append("</div>\n");
    }
    html.append("</div>\n");
    if (panels.size() > MAX_PANELS) {
      html.append("<p>").append(panels.size() - MAX_PANELS).append(" more charts on the "
          + "experiments' own pages.</p>\n");
    }
    jointTable(html, joint, from, oneUnit ? unit : null);
    if (!without.isEmpty()) {
      html.append("<p>No scaling fits: ").append(Html.esc(String.join(", ", without)))
          .append(".</p>\n");
    }
  }

  /** "gpt-ci (gpt)": a fit's experiment and the family its scaling_fits row names. */
  private static String label(ReportInputs in, Row fit) {
    Object family = java.util.Arrays.asList(fit.schema().fieldNames()).contains(FAMILY.name())
        ? fit.getAs(FAMILY.name()) : null;
    return in.experiment() + (family == null ? "" : " (" + family + ")");
  }

  /**
   * One row per experiment and setting of its L(N, D) fit: the coefficients with their
   * intervals where they are {@link #shown}, with why a shown fit is not identified, else only
   * why not (or why it was skipped); {@code shared}
   * is the loss unit of every row, or null when they differ (each row then names its own).
   */
  private static void jointTable(StringBuilder html, List<Row> joint,
      Map<Row, ReportInputs> from, Unit shared) {
    boolean oneUnit = shared != null;
    html.append("<h3>L(N, D) = E + A / N^alpha + B / D^beta of each experiment</h3>\n")
        .append("<p>Intervals: 2.5% to 97.5% bootstrap percentiles. E, A and B are in ")
        .append(oneUnit ? shared.name() : "the unit of each row")
        .append("; alpha and beta do not depend on the unit.</p>\n")
        .append("<table><tr><th>experiment</th><th>noise</th><th>wd</th><th>dropout</th>"
            + "<th>points</th><th>identified</th><th>E</th><th>A</th><th>alpha</th><th>B</th>"
            + "<th>beta</th><th>R&sup2; (log L)</th>").append(oneUnit ? "" : "<th>unit</th>")
        .append("</tr>\n");
    for (Row f : joint.stream().limit(MAX_ROWS).toList()) {
      ReportInputs in = from.get(f);
      Unit unit = Unit.of(in.table(Catalog.RUN_STATUS));
      boolean fitted = "fitted".equals(f.getAs(FIT_STATUS.name()));
      html.append("<tr><td>").append(Html.esc(in.configLabel(f.getAs(CONFIG.name()))
              + label(in, f))).append("</td><td>")
          .append(f.<Object>getAs(LABEL_NOISE.name())).append("</td><td>")
          .append(f.<Object>getAs(WEIGHT_DECAY.name())).append("</td><td>")
          .append(f.<Object>getAs(DROPOUT.name())).append("</td><td>")
          .append(f.<Object>getAs(POINTS.name())).append("</td>");
      if (!fitted || !shown(f)) {
        html.append("<td>no</td><td colspan=\"6\">").append(fitted ? "not identified: "
                : "skipped: ").append(Html.esc(String.valueOf(f.<Object>getAs(REASON.name()))))
            .append("</td>");
      } else {
        // the category only: the reason's own numbers are in nats, the row's in its unit
        html.append(identified(f) ? "<td>yes</td>"
            : "<td>no: " + Identification.INTERVAL_TOO_WIDE + "</td>");
        for (Column k : List.of(E, A, ALPHA, B, BETA)) {
          html.append("<td>").append(withInterval(f, k, k.equals(ALPHA) || k.equals(BETA)
              ? Unit.NONE : unit)).append("</td>");
        }
        html.append("<td>").append(Html.fmt(nanIfNull(f.getAs(R2_LOG_LOSS.name()))))
            .append("</td>");
      }
      html.append(oneUnit ? "" : "<td>" + Html.esc(unit.name()) + "</td>").append("</tr>\n");
    }
    html.append("</table>\n");
    if (joint.size() > MAX_ROWS) {
      html.append("<p>").append(joint.size() - MAX_ROWS).append(" more fits in scaling_fits.</p>\n");
    }
  }

  /**
   * The compute-optimal frontier of each setting: N_opt and D_opt against the budget C on one
   * chart, L_opt against C on another, with their bootstrap bands.
   */
  private static void frontier(ReportInputs.Fragment r, List<Row> optimal, Unit unit,
      java.util.Set<Setting> unidentified) {
    Map<Setting, List<Row>> bySetting = new LinkedHashMap<>();
    optimal.forEach(o -> bySetting.computeIfAbsent(Setting.of(o), k -> new ArrayList<>()).add(o));
    int shown = 0;
    for (Map.Entry<Setting, List<Row>> e : bySetting.entrySet()) {
      if (shown++ >= MAX_SETTINGS) {
        break;
      }
      List<Row> rows = e.getValue().stream().sorted(java.util.Comparator.comparingDouble(
          o -> o.<Double>getAs(BUDGET_FLOPS.name()))).toList();
      double[] c = rows.stream().mapToDouble(o -> o.<Double>getAs(BUDGET_FLOPS.name())).toArray();
      List<Plots.Line> lines = new ArrayList<>();
      List<double[][]> bands = new ArrayList<>();
      int g = 0;
      for (Column k : List.of(PARAMS_OPT, DATA_OPT)) {
        lines.add(new Plots.Line(k.equals(PARAMS_OPT) ? "N_opt (parameters)"
            : "D_opt (training examples)", c, column(rows, k.name(), 1), g++, false));
        bands.add(band(rows, k, c, 1));
      }
      String title = "compute-optimal frontier: " + e.getKey().title()
          + (unidentified.contains(e.getKey()) ? " (fit not identified)" : "");
      r.image("frontier-" + shown + "-nd.png", Plots.logLog(title, "training compute C = 6 N D "
          + "(FLOPs)", "N_opt, D_opt", List.of(), lines, bands), title);
      r.image("frontier-" + shown + "-loss.png", Plots.logLog("least loss on the frontier: "
              + e.getKey().title(), "training compute C = 6 N D (FLOPs)", "L(N_opt, D_opt), "
              + unit.name(), List.of(), List.of(new Plots.Line("L_opt", c,
              column(rows, LOSS_OPT.name(), unit.scale()), 0, false)),
          java.util.Collections.singletonList(band(rows, LOSS_OPT, c, unit.scale()))),
          "least loss on the frontier: " + e.getKey().title());
    }
  }

  private static double[] column(List<Row> rows, String k, double scale) {
    return java.util.Arrays.stream(Plots.values(rows, k)).map(v -> v * scale).toArray();
  }

  private static double[][] band(List<Row> rows, Column k, double[] x, double scale) {
    boolean all = rows.stream().allMatch(o -> o.getAs(lo(k).name()) != null
        && o.getAs(hi(k).name()) != null);
    return all ? new double[][] {x, column(rows, lo(k).name(), scale),
        column(rows, hi(k).name(), scale)} : null;
  }

  /**
   * The curves column that holds the N of the fits: non_embedding_params, or params in tables
   * analysed before curves had it.
   */
  static String nColumn(List<Row> cells) {
    return !cells.isEmpty() && cells.get(0).schema() != null && java.util.Arrays.asList(
        cells.get(0).schema().fieldNames()).contains(NON_EMBEDDING_PARAMS.name())
        ? NON_EMBEDDING_PARAMS.name() : PARAMS.name();
  }

  /** What N counts in {@code cells}: "parameters" when no cell has an embedding table. */
  static String nName(List<Row> cells) {
    String n = nColumn(cells);
    boolean embeddings = cells.stream().anyMatch(c -> !Objects.equals(c.getAs(n),
        c.getAs(PARAMS.name())));
    return embeddings ? "non-embedding parameters (embedding tables left out)" : "parameters";
  }

  /**
   * One chart of a law: measured points grouped by {@code group} (a cell column) against
   * {@code xColumn}, with the law's curves and bands.
   */
  private static void chart(ReportInputs.Fragment r, Setting s, String law, String group,
      String label, List<Row> cells, List<Row> curves, String xColumn, int index, Unit unit,
      String note) {
    Drawn d = lines(law, group, label, cells, curves, xColumn, unit);
    if (d == null) {
      return;
    }
    String title = law + ": " + s.title() + (note.isEmpty() ? "" : " (" + note + ")");
    r.image("scaling-" + index + "-" + law.replaceAll("[^A-Za-z]", "") + ".png",
        Plots.logLog(title, xTitle(xColumn, cells), "least test loss, " + unit.name(),
            d.points(), d.fitted(), d.bands()), title);
  }

  /** The x axis of a chart against {@code xColumn}. */
  private static String xTitle(String xColumn, List<Row> cells) {
    return xColumn.equals(TRAIN_SIZE.name()) ? "training examples D"
        : nName(cells).replaceAll(" \\(.*", "") + " N";
  }

  /** The series of one chart: measured points, the fitted curves and their bands (or null). */
  private record Drawn(List<Plots.Line> points, List<Plots.Line> fitted,
      List<double[][]> bands) {
    List<Plots.Line> all() {
      List<Plots.Line> out = new ArrayList<>(points);
      out.addAll(fitted);
      return out;
    }
  }

  /** The series of a law's chart; null when the law has no curves. */
  private static Drawn lines(String law, String group, String label, List<Row> cells,
      List<Row> curves, String xColumn, Unit unit) {
    Map<Object, List<Row>> lines = new TreeMap<>();
    for (Row c : curves) {
      if (law.equals(c.getAs(LAW.name()))) {
        Object key = law.equals("L(N,D)") ? c.getAs(CURVE_D.name()) : law.equals("L(N)")
            ? c.getAs(TRAIN_SIZE.name()) : c.getAs(PARAMS.name());
        lines.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
      }
    }
    if (lines.isEmpty()) {
      return null;
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
      double[] x = c.stream().mapToDouble(v -> v.<Double>getAs(X.name())).toArray();
      double[] y = unit.of(c.stream().mapToDouble(v -> nanIfNull(v.getAs(LOSS.name())))
          .toArray());
      String name = label + "=" + e.getKey();
      fitted.add(new Plots.Line(law + ", " + name, x, y, g, false));
      boolean band = c.stream().allMatch(v -> v.getAs(LOSS_LO.name()) != null);
      bands.add(band ? new double[][] {x,
          unit.of(c.stream().mapToDouble(v -> v.<Double>getAs(LOSS_LO.name())).toArray()),
          unit.of(c.stream().mapToDouble(v -> v.<Double>getAs(LOSS_HI.name())).toArray())} : null);
      List<Row> measured = cells.stream().filter(v -> Objects.equals(
          ((Number) v.getAs(group)).longValue(), ((Number) e.getKey()).longValue())).toList();
      pts.add(new Plots.Line("measured, " + name,
          measured.stream().mapToDouble(v -> ((Number) v.getAs(xColumn)).doubleValue())
              .toArray(),
          unit.of(measured.stream().mapToDouble(v -> v.<Double>getAs(BEST_TEST_LOSS.name()))
              .toArray()), g, false));
      g++;
    }
    return new Drawn(pts, fitted, bands);
  }

  private static void coefficients(StringBuilder html, List<Row> fits, Unit unit) {
    html.append("<h3>Fitted coefficients</h3>\n<table><tr><th>noise</th><th>wd</th>"
        + "<th>dropout</th><th>law</th><th>fixed</th><th>points</th><th>E</th><th>A</th>"
        + "<th>alpha</th><th>B</th><th>beta</th><th>R&sup2; (log L)</th>"
        + "<th>largest size predicted from the smaller: error</th><th>identified</th></tr>\n");
    int rows = 0;
    // Skipped fits by the category of their reason, in order of first appearance.
    Map<String, Integer> skipped = new LinkedHashMap<>();
    for (Row f : fits) {
      if (!"fitted".equals(f.getAs(FIT_STATUS.name()))) {
        skipped.merge(category(f.getAs(REASON.name())), 1, Integer::sum);
        continue;
      }
      if (rows++ >= MAX_ROWS) {
        continue;
      }
      html.append("<tr><td>").append(f.<Object>getAs(LABEL_NOISE.name())).append("</td><td>")
          .append(f.<Object>getAs(WEIGHT_DECAY.name())).append("</td><td>")
          .append(f.<Object>getAs(DROPOUT.name())).append("</td><td>")
          .append(Html.esc(f.getAs(LAW.name()))).append("</td><td>").append(fixed(f).trim())
          .append("</td><td>").append(f.<Object>getAs(POINTS.name())).append("</td>");
      if (!shown(f)) {
        // The numbers of a fit that means nothing are not shown; why is.
        html.append("<td colspan=\"8\">not identified: ")
            .append(Html.esc(String.valueOf(f.<Object>getAs(REASON.name()))))
            .append("</td></tr>\n");
        continue;
      }
      for (Column k : List.of(E, A, ALPHA, B, BETA)) {
        html.append("<td>").append(withInterval(f, k, k.equals(ALPHA)
            || k.equals(BETA) ? Unit.NONE : unit)).append("</td>");
      }
      Double err = f.getAs(HOLDOUT_RELATIVE_ERROR.name());
      html.append("<td>").append(Html.fmt(nanIfNull(f.getAs(R2_LOG_LOSS.name()))))
          .append("</td><td>")
          .append(err == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * err))
          .append("</td><td>")
          .append(identified(f) ? "yes" : "no: " + Identification.INTERVAL_TOO_WIDE)
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
    if (rows > MAX_ROWS) {
      html.append("<p>").append(rows - MAX_ROWS).append(" more fits in scaling_fits.</p>\n");
    }
    if (!skipped.isEmpty()) {
      html.append("<p>Skipped fits (scaling_fits has each with its reason):</p>\n<ul>\n");
      skipped.forEach((reason, count) -> html.append("<li>").append(count)
          .append(count == 1 ? " fit" : " fits").append(" skipped: ").append(Html.esc(reason))
          .append("</li>\n"));
      html.append("</ul>\n");
    }
  }

  /** "k of m fits not identified" for a setting's fits of one law, or "" when all are. */
  private static String note(List<Row> fitted, String law) {
    List<Row> mine = fitted.stream().filter(f -> law.equals(f.getAs(LAW.name()))).toList();
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
        .contains(IDENTIFIED.name())) {
      return true;
    }
    Boolean id = f.getAs(IDENTIFIED.name());
    return id == null || id;
  }

  /**
   * Whether a fitted row's coefficients are shown: identified, or found but with an interval
   * too wide to pin one down ({@link Identification#INTERVAL_TOO_WIDE}), which the intervals
   * shown beside them then say.
   */
  static boolean shown(Row f) {
    return identified(f)
        || Identification.INTERVAL_TOO_WIDE.equals(category(f.getAs(REASON.name())));
  }

  /** The category of a reason: its text before the first ": " (see Identification). */
  static String category(Object reason) {
    String r = reason == null ? "no reason given" : reason.toString();
    int i = r.indexOf(": ");
    return i < 0 ? r : r.substring(0, i);
  }

  /** A fit's identity in scaling_fits and scaling_curves: setting, law and the fixed size. */
  private static List<Object> key(Row f) {
    return java.util.Arrays.asList(f.getAs(LABEL_NOISE.name()), f.getAs(WEIGHT_DECAY.name()),
        f.getAs(DROPOUT.name()), f.getAs(LAW.name()), f.getAs(TRAIN_SIZE.name()),
        f.getAs(PARAMS.name()));
  }

  private static String fixed(Row f) {
    if (f.getAs(TRAIN_SIZE.name()) != null) {
      return " D=" + f.getAs(TRAIN_SIZE.name());
    }
    return f.getAs(PARAMS.name()) == null ? "" : " N=" + f.getAs(PARAMS.name());
  }

  private static String withInterval(Row f, Column k, Unit unit) {
    Double v = unit.of(f.<Double>getAs(k.name()));
    if (v == null) {
      return "";
    }
    Double lo = unit.of(f.<Double>getAs(lo(k).name()));
    Double hi = unit.of(f.<Double>getAs(hi(k).name()));
    return Html.fmt(v) + (lo == null || hi == null ? ""
        : " [" + Html.fmt(lo) + ", " + Html.fmt(hi) + "]");
  }

  private static void optimal(StringBuilder html, List<Row> rows, Unit unit,
      Map<Setting, Row> unidentified) {
    if (rows.isEmpty()) {
      return;
    }
    html.append("<h3>Compute-optimal allocation (C = 6 N D)</h3>\n<table><tr><th>noise</th>"
        + "<th>wd</th><th>dropout</th><th>C (FLOPs)</th><th>N_opt</th><th>D_opt</th>"
        + "<th>L_opt</th><th>L(N, D) identified</th></tr>\n");
    java.util.Set<Setting> said = new java.util.HashSet<>();
    for (Row o : rows.stream().limit(MAX_ROWS).toList()) {
      Setting s = Setting.of(o);
      Row fit = unidentified.get(s);
      if (fit != null && !shown(fit)) {
        // One row per setting whose joint fit means nothing: why, instead of its numbers.
        if (said.add(s)) {
          html.append("<tr><td>").append(s.noise).append("</td><td>").append(s.wd)
              .append("</td><td>").append(s.dropout).append("</td><td colspan=\"5\">L(N, D) "
                  + "not identified: ").append(Html.esc(fit.<String>getAs(REASON.name())))
              .append("</td></tr>\n");
        }
        continue;
      }
      html.append("<tr><td>").append(o.<Object>getAs(LABEL_NOISE.name())).append("</td><td>")
          .append(o.<Object>getAs(WEIGHT_DECAY.name())).append("</td><td>")
          .append(o.<Object>getAs(DROPOUT.name())).append("</td><td>")
          .append(Html.fmt(o.<Double>getAs(BUDGET_FLOPS.name()))).append("</td>");
      for (Column k : List.of(PARAMS_OPT, DATA_OPT, LOSS_OPT)) {
        html.append("<td>").append(withInterval(o, k, k.equals(LOSS_OPT) ? unit : Unit.NONE))
            .append("</td>");
      }
      html.append("<td>").append(fit == null ? "yes" : "no: " + Identification.INTERVAL_TOO_WIDE)
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static double nanIfNull(Double v) {
    return v == null ? Double.NaN : v;
  }
}
