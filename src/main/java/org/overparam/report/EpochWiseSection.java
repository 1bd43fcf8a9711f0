package org.overparam.report;

import static org.apache.spark.sql.functions.col;
import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.knowm.xchart.internal.chartpart.Chart;
import org.overparam.analysis.EpochWise;
import org.overparam.results.Catalog;

/**
 * Epoch-wise: width-by-epoch heat maps of mean test error from epoch_curves, the series with
 * the most epoch-wise bumps first, and the cells of epoch_wise where the rise and fall happened.
 * The heat maps' series are chosen by a Spark job over the two tables.
 */
final class EpochWiseSection implements Section {
  /** At most this many heat maps per page. */
  static final int MAX_HEATMAPS = 6;
  /** Heat maps average evaluated epochs into at most this many columns. */
  static final int HEATMAP_COLUMNS = 30;
  /** At most this many cells are listed. */
  static final int MAX_ROWS = 50;

  @Override
  public String title() {
    return "Epoch-wise: test error by width and epoch";
  }

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment f = in.fragment();
    StringBuilder html = f.html();
    html.append("<h2>").append(title()).append("</h2>\n<p>Series with the most "
        + "epoch-wise bumps first.</p>\n");
    // Series (settings but width), then the epoch curves of the first few only.
    String[] keys = {LABEL_NOISE.name(), WEIGHT_DECAY.name(), DROPOUT.name(), TRAIN_SIZE.name(),
        DEPTH.name(), CONFIG.name()};
    Dataset<Row> ec = in.dataset(Catalog.EPOCH_CURVES);
    Dataset<Row> ew = in.dataset(Catalog.EPOCH_WISE);
    // The series with the most epoch-wise bumps first, then the noisiest.
    List<Row> series = ew
        .groupBy(keys[0], keys[1], keys[2], keys[3], keys[4], keys[5])
        .agg(functions.sum(functions.when(col(HAPPENED.name()), 1).otherwise(0)).as("bumps"))
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
      org.apache.spark.sql.Column same = functions.lit(true);
      for (int i = 0; i < keys.length; i++) {
        same = same.and(col(keys[i]).equalTo(k.get(i)));
      }
      List<Row> rows = ec.filter(same).select(WIDTH.name(), EPOCH.name(), TEST_ERROR.name())
          .collectAsList();
      String title = in.configLabel(k.get(5)) + String.format(Locale.ROOT,
          "noise %s, wd %s, dropout %s, n=%s, depth %s", k.get(0), k.get(1), k.get(2), k.get(3),
          k.get(4));
      f.image("heatmap-" + shown + ".png", heatmap(title, rows), "test error: " + title);
    }
    List<Row> happened = ew.filter(col(HAPPENED.name()))
        .orderBy(LABEL_NOISE.name(), WEIGHT_DECAY.name(), DROPOUT.name(), TRAIN_SIZE.name(),
            DEPTH.name(), WIDTH.name())
        .collectAsList();
    long cells = ew.count();
    html.append("<p>Epoch-wise double descent (mean test error falls, rises by at least "
        + EpochWise.MIN_CHANGE + ", then falls by at least " + EpochWise.MIN_CHANGE + ") in ")
        .append(happened.size()).append(" of ").append(cells).append(" cells.</p>\n");
    if (!happened.isEmpty()) {
      html.append("<table><tr><th>noise</th><th>wd</th><th>dropout</th><th>n</th><th>depth</th>"
          + "<th>width</th><th>first min (epoch)</th><th>max (epoch)</th><th>later min (epoch)"
          + "</th><th>final</th></tr>\n");
      for (Row r : happened.subList(0, Math.min(happened.size(), MAX_ROWS))) {
        html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                + "<td>%s</td><td>%s</td><td>%.4f (%s)</td><td>%.4f (%s)</td><td>%.4f (%s)</td>"
                + "<td>%.4f</td></tr>%n", r.getAs(LABEL_NOISE.name()),
            r.getAs(WEIGHT_DECAY.name()), r.getAs(DROPOUT.name()), r.getAs(TRAIN_SIZE.name()),
            r.getAs(DEPTH.name()), r.getAs(WIDTH.name()),
            r.<Double>getAs(FIRST_MIN_TEST_ERROR.name()), r.getAs(FIRST_MIN_EPOCH.name()),
            r.<Double>getAs(MAX_TEST_ERROR.name()), r.getAs(MAX_EPOCH.name()),
            r.<Double>getAs(LATER_MIN_TEST_ERROR.name()), r.getAs(LATER_MIN_EPOCH.name()),
            r.<Double>getAs(FINAL_TEST_ERROR.name())));
      }
      html.append("</table>\n");
    }
    return f.done();
  }

  /** Widths (rows) by epochs averaged into at most {@link #HEATMAP_COLUMNS} bins (columns). */
  static Chart<?, ?> heatmap(String title, List<Row> rows) {
    TreeSet<Integer> widths = new TreeSet<>();
    TreeSet<Integer> epochs = new TreeSet<>();
    rows.forEach(r -> {
      widths.add(r.getAs(WIDTH.name()));
      epochs.add(r.getAs(EPOCH.name()));
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
      int w = ws.indexOf(r.<Integer>getAs(WIDTH.name()));
      int b = (int) ((long) ep.indexOf(r.<Integer>getAs(EPOCH.name())) * bins / ep.size());
      sum[w][b] += r.<Double>getAs(TEST_ERROR.name());
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
}
