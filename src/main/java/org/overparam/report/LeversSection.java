package org.overparam.report;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.overparam.analysis.LeverEffects;
import org.overparam.analysis.LeverSentence;
import org.overparam.results.Catalog;
import org.overparam.results.Column;

/**
 * Per lever (a field that varies between settings while all else is fixed), from lever_effects
 * and curves: final test error against parameters with one line per value of the lever, the
 * peaks marked, then the lever's comparisons as a table and one sentence each. Nothing where the
 * experiment varies no lever.
 */
final class LeversSection implements Section {
  /** At most this many charts (one per lever and baseline setting) per page. */
  static final int MAX_CHARTS = 12;

  @Override
  public String title() {
    return "Levers: how each varied field moves the peak";
  }

  /** The settings compared against one baseline: a chart. */
  private record Panel(String lever, Row baseline) {}

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment f = in.fragment();
    List<Row> effects = new ArrayList<>(in.table(Catalog.LEVER_EFFECTS));
    if (effects.isEmpty()) {
      return f.done();
    }
    effects.sort(ORDER);
    List<Row> curves = in.table(Catalog.CURVES);
    StringBuilder html = f.html();
    html.append("<h2>").append(title()).append("</h2>\n<p>")
        .append(Html.esc(LeverSentence.definitions())).append("</p>\n");
    Map<String, List<Row>> byLever = new LinkedHashMap<>();
    effects.forEach(r -> byLever.computeIfAbsent(r.getAs(LEVER.name()),
        k -> new ArrayList<>()).add(r));
    int charts = 0;
    int left = 0;
    for (Map.Entry<String, List<Row>> lever : byLever.entrySet()) {
      html.append("<h3>").append(Html.esc(lever.getKey())).append("</h3>\n");
      // One chart per baseline: the baseline's line and one per value compared with it.
      Map<List<Object>, List<Row>> panels = new LinkedHashMap<>();
      lever.getValue().forEach(r -> panels.computeIfAbsent(baselineKey(r),
          k -> new ArrayList<>()).add(r));
      for (List<Row> panel : panels.values()) {
        if (charts >= MAX_CHARTS) {
          left++;
          continue;
        }
        charts++;
        chart(in, f, lever.getKey(), panel, curves, charts);
      }
      table(in, html, lever.getValue());
      html.append("<ul>\n");
      for (Row r : lever.getValue()) {
        html.append("<li>").append(Html.esc(configLabel(in, r) + LeverSentence.sentence(r)))
            .append("</li>\n");
      }
      html.append("</ul>\n");
    }
    if (left > 0) {
      html.append("<p>").append(left).append(" more charts not drawn; the curves table has "
          + "every value.</p>\n");
    }
    return f.done();
  }

  /** Rows by lever (grid levers first, then configuration fields by name), baseline, value. */
  private static final Comparator<Row> ORDER = Comparator
      .comparingInt((Row r) -> leverRank(r.getAs(LEVER.name())))
      .thenComparing(r -> r.<String>getAs(LEVER.name()))
      .thenComparing(r -> baselineKey(r).toString())
      .thenComparing(r -> r.<String>getAs(VALUE.name()), LeverEffects.VALUE_ORDER);

  private static int leverRank(String lever) {
    for (int i = 0; i < LeverEffects.GRID_LEVERS.size(); i++) {
      if (LeverEffects.GRID_LEVERS.get(i).name().equals(lever)) {
        return i;
      }
    }
    return LeverEffects.GRID_LEVERS.size(); // configuration fields after the grid's
  }

  /**
   * "config ab12cd34, " for a grid lever where the experiment holds several configurations;
   * nothing for a configuration field, whose values name the configurations compared.
   */
  private static String configLabel(ReportInputs in, Row r) {
    return LeverEffects.gridLever(r.getAs(LEVER.name()))
        ? in.configLabel(r.getAs(CONFIG.name())) : "";
  }

  /** The columns of curves that name a setting. */
  private static final List<Column> SETTING = List.of(CONFIG, LABEL_NOISE, WEIGHT_DECAY,
      DROPOUT, TRAIN_SIZE, DEPTH);

  /** A lever_effects row's setting, or its baseline's: values of {@link #SETTING}. */
  private static List<Object> setting(Row r, boolean baseline) {
    String lever = r.getAs(LEVER.name());
    List<Object> out = new ArrayList<>();
    for (Column c : SETTING) {
      if (baseline && c.equals(CONFIG)) {
        out.add(r.getAs(BASELINE_CONFIG.name()));
      } else if (baseline && c.name().equals(lever)) {
        out.add(Double.parseDouble(r.getAs(BASELINE_VALUE.name())));
      } else {
        out.add(r.getAs(c.name()));
      }
    }
    return out;
  }

  private static List<Object> baselineKey(Row r) {
    return setting(r, true);
  }

  /** The curves rows of one setting with a final test error, by parameters. */
  private static List<Row> curve(List<Row> curves, List<Object> setting) {
    List<Row> out = new ArrayList<>();
    for (Row c : curves) {
      boolean same = c.getAs(FINAL_TEST_ERROR.name()) != null;
      for (int i = 0; i < SETTING.size() && same; i++) {
        same = Objects.equals(c.getAs(SETTING.get(i).name()), setting.get(i));
      }
      if (same) {
        out.add(c);
      }
    }
    out.sort(Comparator.comparingLong(r -> r.<Long>getAs(PARAMS.name())));
    return out;
  }

  private static void chart(ReportInputs in, ReportInputs.Fragment f, String lever,
      List<Row> panel, List<Row> curves, int n) {
    Row first = panel.get(0);
    List<Plots.Line> lines = new ArrayList<>();
    List<double[]> peaks = new ArrayList<>();
    line(lines, peaks, curves, baselineKey(first), lever + " " + first.getAs(
        BASELINE_VALUE.name()), first.getAs(BASELINE_PEAK_PARAMS.name()), 0);
    int g = 1;
    for (Row r : panel) {
      line(lines, peaks, curves, setting(r, false), lever + " " + r.getAs(VALUE.name()),
          r.getAs(PEAK_PARAMS.name()), g++);
    }
    String title = configLabel(in, first) + lever + ": " + context(first, lever);
    f.image("lever-" + n + ".png", Plots.logX(title, "parameters",
        "final test error (mean over seeds)", lines, List.of(new Plots.Marks("peak",
            peaks.stream().mapToDouble(p -> p[0]).toArray(),
            peaks.stream().mapToDouble(p -> p[1]).toArray()))), title);
  }

  /** Adds one setting's line, and its peak as a point where it lies on the line. */
  private static void line(List<Plots.Line> lines, List<double[]> peaks, List<Row> curves,
      List<Object> setting, String name, Long peak, int group) {
    List<Row> pts = curve(curves, setting);
    if (pts.isEmpty()) {
      return;
    }
    double[] x = pts.stream().mapToDouble(r -> r.<Long>getAs(PARAMS.name())).toArray();
    double[] y = Plots.values(pts, FINAL_TEST_ERROR.name());
    lines.add(new Plots.Line(name, x, y, group, false));
    for (int i = 0; i < x.length; i++) {
      if (peak != null && x[i] == peak) {
        peaks.add(new double[] {x[i], y[i]});
      }
    }
  }

  /** The fields that all of a chart's lines share: "n=64, depth 1, noise 0.1, ...". */
  private static String context(Row r, String lever) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "n=%d, depth %d",
        r.<Integer>getAs(TRAIN_SIZE.name()), r.<Integer>getAs(DEPTH.name())));
    for (Column c : LeverEffects.GRID_LEVERS) {
      if (!c.name().equals(lever)) {
        s.append(", ").append(c.name().replace('_', ' ')).append(' ')
            .append(Html.plain(r.<Double>getAs(c.name())));
      }
    }
    return s.toString();
  }

  private static void table(ReportInputs in, StringBuilder html, List<Row> rows) {
    html.append("<table><tr><th>value</th><th>against</th><th>setting</th><th>seeds</th>"
        + "<th>peak height [95%]</th><th>height change [95%]</th>"
        + "<th>peak test error change [95%]</th><th>peak params (baseline)</th>"
        + "<th>peak shift [95%]</th><th>effect</th></tr>\n");
    for (Row r : rows) {
      String lever = r.getAs(LEVER.name());
      html.append("<tr><td>").append(Html.esc(r.getAs(VALUE.name()))).append("</td><td>")
          .append(Html.esc(r.getAs(BASELINE_VALUE.name()))).append("</td><td>")
          .append(Html.esc(configLabel(in, r) + context(r, lever))).append("</td><td>")
          .append(r.<Integer>getAs(PAIRED_SEEDS.name()))
          .append(r.<Boolean>getAs(PAIRED_BY_SEED.name()) ? " paired" : " / "
              + r.<Integer>getAs(BASELINE_SEEDS.name()))
          .append("</td><td>").append(ci(r, PAIRED_HEIGHT, PAIRED_HEIGHT_LO, PAIRED_HEIGHT_HI))
          .append("</td><td>").append(ci(r, HEIGHT_CHANGE, HEIGHT_CHANGE_LO, HEIGHT_CHANGE_HI))
          .append("</td><td>").append(ci(r, PEAK_TEST_ERROR_CHANGE, PEAK_TEST_ERROR_CHANGE_LO,
              PEAK_TEST_ERROR_CHANGE_HI))
          .append("</td><td>").append(params(r.getAs(PEAK_PARAMS.name()))).append(" (")
          .append(params(r.getAs(BASELINE_PEAK_PARAMS.name()))).append(")</td><td>")
          .append(ci(r, PEAK_SHIFT, PEAK_SHIFT_LO, PEAK_SHIFT_HI)).append("</td><td>")
          .append(Html.esc(r.getAs(EFFECT.name()))).append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  /** "0.0300 [0.0100, 0.0500]", the bounds left out where absent, "" without a value. */
  private static String ci(Row r, Column value, Column lo, Column hi) {
    Double v = r.getAs(value.name());
    if (v == null) {
      return "";
    }
    Double a = r.getAs(lo.name());
    Double b = r.getAs(hi.name());
    return Html.fmt(v) + (a == null || b == null ? "" : " [" + Html.fmt(a) + ", "
        + Html.fmt(b) + "]");
  }

  private static String params(Long p) {
    return p == null ? "" : String.format(Locale.ROOT, "%,d", p);
  }
}
