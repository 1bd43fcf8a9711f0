package org.overparam.report;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;

/**
 * The report's compression section, from compression_tolerance and compression_curves: the
 * largest sparsity each model size tolerates (test error within a point of the dense model)
 * against parameters, the test error of every variant against parameters, and the table of
 * tolerances.
 */
final class CompressionSection implements Section {
  /** At most this many series (settings but model size) are drawn. */
  static final int MAX_SERIES = 4;

  @Override
  public String title() {
    return "Compression: how much of each model is needed";
  }

  /** The cells that differ only in model size. */
  private record Series(Object config, Object family, Object trainSize, Object noise,
      Object wd, Object dropout) {
    static Series of(Row r) {
      return new Series(r.getAs(CONFIG.name()), r.getAs(FAMILY.name()),
          r.getAs(TRAIN_SIZE.name()), r.getAs(LABEL_NOISE.name()), r.getAs(WEIGHT_DECAY.name()),
          r.getAs(DROPOUT.name()));
    }

    String title() {
      return family + ", n=" + trainSize + ", noise " + noise + ", wd " + wd + ", dropout "
          + dropout;
    }
  }

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment r = in.fragment();
    List<Row> tolerance = in.table(Catalog.COMPRESSION_TOLERANCE);
    if (tolerance.isEmpty()) {
      return r.done(); // the experiment has no compression section
    }
    StringBuilder html = r.html();
    double tol = tolerance.get(0).<Double>getAs(TOLERANCE.name());
    html.append("<h2>").append(title()).append("</h2>\n<p>Every trained model ")
        .append("pruned by weight magnitude (one global threshold, biases kept, no retraining) ")
        .append("and rounded to 8-bit weights. Tolerated sparsity: the largest pruned fraction ")
        .append("whose mean test error is at most ").append(Html.plain(tol))
        .append(" above the dense model's (means over seeds).</p>\n");
    Map<Series, List<Row>> bySeries = group(tolerance);
    List<Row> curves = in.table(Catalog.COMPRESSION_CURVES);
    int shown = 0;
    for (Map.Entry<Series, List<Row>> e : bySeries.entrySet()) {
      if (shown++ >= MAX_SERIES) {
        html.append("<p>").append(bySeries.size() - MAX_SERIES)
            .append(" more series not drawn; compression_tolerance has them all.</p>\n");
        break;
      }
      List<Row> cells = e.getValue();
      double[] n = cells.stream().mapToDouble(c -> c.<Long>getAs(PARAMS.name())).toArray();
      List<Plots.Line> lines = new ArrayList<>();
      lines.add(new Plots.Line("32-bit weights", n, Plots.values(cells, MAX_SPARSITY.name()), 0,
          false));
      if (cells.stream().anyMatch(c -> c.getAs(INT8_TEST_ERROR_CHANGE.name()) != null)) {
        lines.add(new Plots.Line("8-bit weights", n,
            Plots.values(cells, MAX_SPARSITY_INT8.name()), 1,
            true));
      }
      String title = in.configLabel(e.getKey().config()) + e.getKey().title();
      org.knowm.xchart.XYChart sparsity = Plots.logX("tolerated sparsity: " + title,
          "parameters", "largest sparsity within " + Html.plain(tol) + " of dense", lines,
          List.of());
      sparsity.getStyler().setYAxisMin(0.0);
      sparsity.getStyler().setYAxisMax(1.0);
      r.image("compression-" + shown + "-sparsity.png", sparsity,
          "tolerated sparsity against parameters: " + title);
      r.image("compression-" + shown + "-error.png", Plots.logX("test error of each variant: "
          + title, "parameters", "test error (mean over seeds)", variantLines(curves,
          e.getKey()), List.of()), "test error of each compressed variant: " + title);
    }
    table(html, bySeries);
    return r.done();
  }

  /**
   * The compression of several experiments side by side, for the page of a results root: the
   * largest sparsity each model size tolerates, one line per experiment and series (32-bit
   * weights), on one chart; experiments with no compression results are named, with why.
   */
  static void compare(List<ReportInputs> experiments, ReportInputs.Fragment r) {
    StringBuilder html = r.html();
    html.append("<h2>Compression compared</h2>\n");
    List<Plots.Line> lines = new ArrayList<>();
    List<String> without = new ArrayList<>();
    Double tol = null;
    for (ReportInputs in : experiments) {
      List<Row> tolerance = in.table(Catalog.COMPRESSION_TOLERANCE);
      if (tolerance.isEmpty()) {
        without.add(in.experiment());
        continue;
      }
      tol = tolerance.get(0).<Double>getAs(TOLERANCE.name());
      for (Map.Entry<Series, List<Row>> e : group(tolerance).entrySet()) {
        if (lines.size() < 2 * MAX_SERIES) {
          List<Row> cells = e.getValue();
          lines.add(new Plots.Line(in.experiment() + ": " + in.configLabel(e.getKey().config())
              + e.getKey().title(), cells.stream().mapToDouble(c -> c.<Long>getAs(
                  PARAMS.name())).toArray(), Plots.values(cells, MAX_SPARSITY.name()),
              lines.size(), false));
        }
      }
    }
    if (!lines.isEmpty()) {
      html.append("<p>The largest pruned fraction of each model whose mean test error is at "
          + "most ").append(Html.plain(tol)).append(" above the dense model's (32-bit weights; "
          + "each experiment's page has the 8-bit variants and the table).</p>\n");
      org.knowm.xchart.XYChart chart = Plots.logX("tolerated sparsity of each experiment",
          "parameters", "largest sparsity within " + Html.plain(tol) + " of dense", lines,
          List.of());
      chart.getStyler().setYAxisMin(0.0);
      chart.getStyler().setYAxisMax(1.0);
      r.image("compare-compression.png", chart, "tolerated sparsity against parameters of "
          + "each experiment");
    }
    if (!without.isEmpty()) {
      html.append("<p>Not compressed: ").append(Html.esc(String.join(", ", without)))
          .append(" (no compression results: the experiment has no <code>compression:</code> "
              + "section, or its runs were recorded before it had one).</p>\n");
    }
  }

  private static Map<Series, List<Row>> group(List<Row> rows) {
    Map<Series, List<Row>> out = new LinkedHashMap<>();
    rows.stream().sorted(Comparator.comparing((Row x) -> x.<String>getAs(FAMILY.name()))
            .thenComparing(x -> x.<Integer>getAs(TRAIN_SIZE.name()))
            .thenComparing(x -> x.<Double>getAs(LABEL_NOISE.name()))
            .thenComparing(x -> x.<Double>getAs(WEIGHT_DECAY.name()))
            .thenComparing(x -> x.<Double>getAs(DROPOUT.name()))
            .thenComparing(x -> x.<Long>getAs(PARAMS.name())))
        .forEach(x -> out.computeIfAbsent(Series.of(x), k -> new ArrayList<>()).add(x));
    return out;
  }

  /**
   * One line per pruning level of 32-bit weights (dense included), coloured by sparsity, and
   * 8-bit weights without pruning, dashed: mean test error against parameters.
   */
  private static List<Plots.Line> variantLines(List<Row> curves, Series s) {
    Map<Double, List<Row>> bySparsity = new TreeMap<>();
    List<Row> int8 = new ArrayList<>();
    curves.stream().filter(c -> s.equals(Series.of(c)))
        .sorted(Comparator.comparing(c -> c.<Long>getAs(PARAMS.name())))
        .forEach(c -> {
          if ("none".equals(c.getAs(QUANTIZATION.name()))) {
            bySparsity.computeIfAbsent(c.getAs(SPARSITY.name()), k -> new ArrayList<>()).add(c);
          } else if (c.<Double>getAs(SPARSITY.name()) == 0) {
            int8.add(c);
          }
        });
    List<Plots.Line> out = new ArrayList<>();
    int g = 0;
    for (Map.Entry<Double, List<Row>> v : bySparsity.entrySet()) {
      out.add(new Plots.Line(v.getKey() == 0 ? "dense" : "pruned " + Html.plain(v.getKey()),
          params(v.getValue()), Plots.values(v.getValue(), TEST_ERROR.name()), g++, false));
    }
    if (!int8.isEmpty()) {
      out.add(new Plots.Line("8-bit weights", params(int8),
          Plots.values(int8, TEST_ERROR.name()), 0,
          true));
    }
    return out;
  }

  private static double[] params(List<Row> rows) {
    return rows.stream().mapToDouble(c -> c.<Long>getAs(PARAMS.name())).toArray();
  }

  private static void table(StringBuilder html, Map<Series, List<Row>> bySeries) {
    html.append("<table><tr><th>series</th><th>depth</th><th>width</th><th>parameters</th>"
        + "<th>dense test error</th><th>tolerated sparsity</th><th>test error there</th>"
        + "<th>with 8-bit weights</th><th>8-bit change</th></tr>\n");
    bySeries.forEach((s, rows) -> {
      for (Row c : rows) {
        html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td>"
                + "<td>%,d</td><td>%.4f</td><td>%s</td><td>%.4f</td><td>%s</td><td>%s</td></tr>%n",
            Html.esc(s.title()), c.getAs(DEPTH.name()), c.getAs(WIDTH.name()),
            c.<Long>getAs(PARAMS.name()), c.<Double>getAs(DENSE_TEST_ERROR.name()),
            Html.plain(c.<Double>getAs(MAX_SPARSITY.name())),
            c.<Double>getAs(MAX_SPARSITY_TEST_ERROR.name()),
            sparsity(c.getAs(MAX_SPARSITY_INT8.name())),
            change(c.getAs(INT8_TEST_ERROR_CHANGE.name()))));
      }
    });
    html.append("</table>\n");
  }

  private static String sparsity(Double x) {
    return x == null ? "-" : Html.plain(x);
  }

  /** 0.5, not 0.5000. */
  private static String change(Double x) {
    return x == null ? "-" : String.format(Locale.ROOT, "%+.4f", x);
  }
}
