package org.overparam.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn with XChart and encoded as PNG (no display needed). */
final class Plots {
  static final int WIDTH = 820;
  static final int HEIGHT = 520;
  private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14),
      new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189),
      new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
      new Color(188, 189, 34), new Color(23, 190, 207)};
  private static final BasicStroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Plots() {}

  /** A nullable double column of {@code rows}, null as NaN. */
  static double[] values(List<org.apache.spark.sql.Row> rows, String column) {
    return rows.stream().mapToDouble(r -> {
      Double v = r.getAs(column);
      return v == null ? Double.NaN : v;
    }).toArray();
  }

  /** A line of a chart; {@code group} picks its colour, {@code dashed} its stroke. */
  record Line(String name, double[] x, double[] y, int group, boolean dashed) {}

  /** Marked points (threshold, peak) drawn as markers only. */
  record Marks(String name, double[] x, double[] y) {}

  /** Lines against a logarithmic x axis, with marked points. */
  static XYChart logX(String title, String xTitle, String yTitle, List<Line> lines,
      List<Marks> marks) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    style(c);
    c.getStyler().setXAxisLogarithmic(true);
    for (Line l : lines) {
      XYSeries s = c.addSeries(l.name(), l.x(), l.y());
      s.setLineColor(PALETTE[l.group() % PALETTE.length]);
      s.setMarkerColor(PALETTE[l.group() % PALETTE.length]);
      s.setMarker(l.dashed() ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
      if (l.dashed()) {
        s.setLineStyle(DASHED);
      }
    }
    Color[] markColors = {Color.BLACK, new Color(200, 0, 0), new Color(0, 110, 0)};
    int i = 0;
    for (Marks m : marks) {
      if (m.x().length == 0) {
        continue;
      }
      XYSeries s = c.addSeries(m.name(), m.x(), m.y());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(i == 0 ? SeriesMarkers.DIAMOND : SeriesMarkers.TRIANGLE_UP);
      s.setMarkerColor(markColors[i++ % markColors.length]);
    }
    return c;
  }

  /**
   * Points, fitted curves and their bands (each {x, lower, upper}, or null) on log-log axes.
   * The y axis is drawn as log10 of the values on a linear scale, its ticks labelled with the
   * values themselves: a log axis over less than a decade would otherwise carry no label.
   */
  static XYChart logLog(String title, String xTitle, String yTitle, List<Line> points,
      List<Line> fits, List<double[][]> bands) {
    return logLog(title, xTitle, yTitle, points, fits, bands, null);
  }

  /**
   * The extent of charts drawn side by side, so that they share their axes: the smallest and
   * largest x and y of their points and curves.
   */
  record Extent(double xMin, double xMax, double yMin, double yMax) {
    /** The extent of the finite positive values of {@code lines}; null if there are none. */
    static Extent of(List<Line> lines) {
      double[] e = {Double.POSITIVE_INFINITY, 0, Double.POSITIVE_INFINITY, 0};
      for (Line l : lines) {
        for (int i = 0; i < l.x().length; i++) {
          if (l.x()[i] > 0 && l.y()[i] > 0 && Double.isFinite(l.x()[i])
              && Double.isFinite(l.y()[i])) {
            e[0] = Math.min(e[0], l.x()[i]);
            e[1] = Math.max(e[1], l.x()[i]);
            e[2] = Math.min(e[2], l.y()[i]);
            e[3] = Math.max(e[3], l.y()[i]);
          }
        }
      }
      return e[1] == 0 ? null : new Extent(e[0], e[1], e[2], e[3]);
    }
  }

  /** {@link #logLog} whose axes span {@code extent} (null: the chart's own lines). */
  static XYChart logLog(String title, String xTitle, String yTitle, List<Line> points,
      List<Line> fits, List<double[][]> bands, Extent extent) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle + " (log scale)").build();
    style(c);
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setyAxisTickLabelsFormattingFunction(v -> String.format(java.util.Locale.ROOT,
        "%.3g", Math.pow(10, v)));
    points = points.stream().map(Plots::log10).toList();
    fits = fits.stream().map(Plots::log10).toList();
    // The axis spans the points and curves; a band wider than that (a loose bootstrap) is cut.
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Line l : java.util.stream.Stream.concat(points.stream(), fits.stream()).toList()) {
      for (double v : l.y()) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (extent != null) {
      lo = Math.log10(extent.yMin());
      hi = Math.log10(extent.yMax());
      c.getStyler().setXAxisMin(extent.xMin());
      c.getStyler().setXAxisMax(extent.xMax());
    }
    double pad = Math.max(0.02, 0.25 * (hi - lo));
    double min = lo - pad;
    double max = hi + pad;
    if (min < max) {
      c.getStyler().setYAxisMin(min);
      c.getStyler().setYAxisMax(max);
    }
    bands = bands.stream().map(b -> b == null ? null : new double[][] {b[0],
        clip(log10(b[1]), min, max), clip(log10(b[2]), min, max)}).toList();
    for (int i = 0; i < bands.size(); i++) {
      double[][] b = bands.get(i);
      if (b == null) {
        continue;
      }
      // The band as a closed polygon: lower edge left to right, upper edge back.
      int n = b[0].length;
      double[] x = new double[2 * n];
      double[] y = new double[2 * n];
      for (int j = 0; j < n; j++) {
        x[j] = b[0][j];
        y[j] = b[1][j];
        x[2 * n - 1 - j] = b[0][j];
        y[2 * n - 1 - j] = b[2][j];
      }
      XYSeries s = c.addSeries(fits.get(i).name() + " 95% band", x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
      Color base = PALETTE[fits.get(i).group() % PALETTE.length];
      s.setFillColor(new Color(base.getRed(), base.getGreen(), base.getBlue(), 50));
      s.setLineColor(new Color(0, 0, 0, 0));
      s.setMarker(SeriesMarkers.NONE);
      s.setShowInLegend(false);
    }
    for (Line l : fits) {
      XYSeries s = c.addSeries(l.name(), l.x(), l.y());
      s.setLineColor(PALETTE[l.group() % PALETTE.length]);
      s.setMarker(SeriesMarkers.NONE);
    }
    for (Line l : points) {
      XYSeries s = c.addSeries(l.name(), l.x(), l.y());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarkerColor(PALETTE[l.group() % PALETTE.length]);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    return c;
  }

  /** A heat map of {@code values[row][column]} (rows bottom to top). */
  static HeatMapChart heatmap(String title, String xTitle, String yTitle, List<String> columns,
      List<String> rows, double[][] values) {
    HeatMapChart c = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setShowValue(false);
    c.getStyler().setXAxisLabelRotation(90);
    c.getStyler().setDecimalPattern("0.000");
    c.getStyler().setHeatMapValueDecimalPattern("0.000");
    c.getStyler().setDrawBorder(false);
    c.getStyler().setPlotContentSize(1.0);
    c.getStyler().setRangeColors(new Color[] {new Color(49, 54, 149), new Color(116, 173, 209),
        new Color(254, 224, 144), new Color(244, 109, 67), new Color(165, 0, 38)});
    c.getStyler().setHeatMapDecimalValueFormatter(v -> String.format(java.util.Locale.ROOT,
        "%.3f", v));
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<Number[]> cells = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      for (int k = 0; k < columns.size(); k++) {
        double v = values[r][k];
        if (!Double.isNaN(v)) {
          cells.add(new Number[] {k, r, v});
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo < hi) {
      c.getStyler().setMin(lo);
      c.getStyler().setMax(hi);
    }
    c.addSeries("test error", columns, rows, cells);
    return c;
  }

  private static Line log10(Line l) {
    return new Line(l.name(), l.x(), log10(l.y()), l.group(), l.dashed());
  }

  private static double[] clip(double[] y, double min, double max) {
    return java.util.Arrays.stream(y).map(v -> Double.isNaN(v) ? v : Math.max(min,
        Math.min(max, v))).toArray();
  }

  private static double[] log10(double[] y) {
    return java.util.Arrays.stream(y).map(Math::log10).toArray();
  }

  private static void style(XYChart c) {
    c.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
    c.getStyler().setMarkerSize(6);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
  }

  /** The chart as PNG bytes. */
  static byte[] png(Chart<?, ?> chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
