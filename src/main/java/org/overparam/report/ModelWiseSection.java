package org.overparam.report;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.overparam.analysis.ModelWiseSentence;
import org.overparam.results.Catalog;
import org.overparam.results.Column;
import org.overparam.results.Columns;

/**
 * Model-wise panels from curves and double_descent: final test and train error (and loss)
 * against parameters, one line per noise level (and per weight decay when both varied), with
 * the interpolation threshold and the peak marked.
 */
final class ModelWiseSection implements Section {
  /** At most this many model-wise panels (each an error and a loss chart) per page. */
  static final int MAX_PANELS = 12;

  @Override
  public String title() {
    return "Model-wise: error and loss against parameters";
  }

  /** A panel: the series that share train size, depth and dropout, and one of wd or noise. */
  private record Panel(String config, int trainSize, int depth, double dropout, String fixed,
      double value, String varying) {}

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment f = in.fragment();
    StringBuilder html = f.html();
    List<Row> dd = in.table(Catalog.DOUBLE_DESCENT);
    html.append("<h2>").append(title()).append("</h2>\n");
    Map<Panel, Map<Double, List<Row>>> panels = panels(in.table(Catalog.CURVES));
    int shown = 0;
    for (Map.Entry<Panel, Map<Double, List<Row>>> p : panels.entrySet()) {
      if (shown++ >= MAX_PANELS) {
        html.append("<p>").append(panels.size() - MAX_PANELS)
            .append(" more panels not drawn; the curves table has every value.</p>\n");
        break;
      }
      Panel k = p.getKey();
      String title = in.configLabel(k.config()) + String.format(Locale.ROOT,
          "n=%d, depth %d, dropout %s, %s %s", k.trainSize(), k.depth(), k.dropout(), k.fixed(),
          k.value());
      for (String what : List.of("error", "loss")) {
        List<Plots.Line> lines = new ArrayList<>();
        List<double[]> thr = new ArrayList<>();
        List<double[]> peak = new ArrayList<>();
        int g = 0;
        for (Map.Entry<Double, List<Row>> s : p.getValue().entrySet()) {
          List<Row> pts = s.getValue();
          double[] x = pts.stream().mapToDouble(r -> r.<Long>getAs(PARAMS.name())).toArray();
          String label = k.varying() + " " + s.getKey();
          lines.add(new Plots.Line("test " + label, x,
              Plots.values(pts, finalTest(what).name()), g, false));
          lines.add(new Plots.Line("train " + label, x,
              Plots.values(pts, finalTrain(what).name()), g, true));
          marks(dd, pts.get(0), pts, what, thr, peak);
          g++;
        }
        List<Plots.Marks> marks = List.of(marks("interpolation threshold", thr),
            marks("peak", peak));
        f.image("modelwise-" + shown + "-" + what + ".png", Plots.logX(title, "parameters",
            "final " + what + " (mean over seeds)", lines, marks), title + ": " + what);
      }
    }
    return f.done();
  }

  private static Map<Panel, Map<Double, List<Row>>> panels(List<Row> curves) {
    Map<Panel, Map<Double, List<Row>>> out = new LinkedHashMap<>();
    long wds = curves.stream().map(r -> r.getAs(WEIGHT_DECAY.name())).distinct().count();
    long noises = curves.stream().map(r -> r.getAs(LABEL_NOISE.name())).distinct().count();
    for (Row r : curves) {
      if (r.getAs(FINAL_TEST_ERROR.name()) == null) {
        continue;
      }
      // One line per noise level at each weight decay ...
      Panel byNoise = new Panel(r.getAs(CONFIG.name()), r.getAs(TRAIN_SIZE.name()),
          r.getAs(DEPTH.name()), r.getAs(DROPOUT.name()), "weight decay",
          r.getAs(WEIGHT_DECAY.name()), "noise");
      add(out, byNoise, r.getAs(LABEL_NOISE.name()), r);
      // ... and, when several were tried, one line per weight decay at each noise level.
      if (wds > 1 && noises > 1) {
        Panel byWd = new Panel(r.getAs(CONFIG.name()), r.getAs(TRAIN_SIZE.name()),
            r.getAs(DEPTH.name()), r.getAs(DROPOUT.name()), "noise",
            r.getAs(LABEL_NOISE.name()), "wd");
        add(out, byWd, r.getAs(WEIGHT_DECAY.name()), r);
      }
    }
    out.values().forEach(m -> m.values().forEach(l -> l.sort(Comparator.comparingLong(
        r -> r.<Long>getAs(PARAMS.name())))));
    return out;
  }

  private static void add(Map<Panel, Map<Double, List<Row>>> out, Panel p, double line, Row r) {
    out.computeIfAbsent(p, k -> new TreeMap<>()).computeIfAbsent(line, k -> new ArrayList<>())
        .add(r);
  }

  /** Adds the threshold and peak (at the told ε) of the series of {@code any} as points. */
  private static void marks(List<Row> dd, Row any, List<Row> pts, String what, List<double[]> thr,
      List<double[]> peak) {
    for (Row d : dd) {
      boolean same = ModelWiseSentence.told(d.<Double>getAs(Columns.EPSILON.name()))
          && Objects.equals(d.getAs(CONFIG.name()), any.getAs(CONFIG.name()))
          && Objects.equals(d.getAs(LABEL_NOISE.name()), any.getAs(LABEL_NOISE.name()))
          && Objects.equals(d.getAs(WEIGHT_DECAY.name()), any.getAs(WEIGHT_DECAY.name()))
          && Objects.equals(d.getAs(DROPOUT.name()), any.getAs(DROPOUT.name()))
          && Objects.equals(d.getAs(TRAIN_SIZE.name()), any.getAs(TRAIN_SIZE.name()))
          && Objects.equals(d.getAs(DEPTH.name()), any.getAs(DEPTH.name()));
      if (!same || d.getAs(THRESHOLD_PARAMS.name()) == null) {
        continue;
      }
      for (Row p : pts) {
        long params = p.getAs(PARAMS.name());
        Double y = p.getAs(finalTest(what).name());
        if (y == null) {
          continue;
        }
        if (params == d.<Long>getAs(THRESHOLD_PARAMS.name())) {
          thr.add(new double[] {params, y});
        }
        Long pk = what.equals("error") ? d.getAs(PEAK_PARAMS.name())
            : d.getAs(LOSS_PEAK_PARAMS.name());
        if (pk != null && params == pk) {
          peak.add(new double[] {params, y});
        }
      }
    }
  }

  /** The curves column of the mean final test error or loss ({@code what}: error | loss). */
  private static Column finalTest(String what) {
    return what.equals("error") ? FINAL_TEST_ERROR : FINAL_TEST_LOSS;
  }

  /** The curves column of the mean final train error or loss. */
  private static Column finalTrain(String what) {
    return what.equals("error") ? FINAL_TRAIN_ERROR : FINAL_TRAIN_LOSS;
  }

  private static Plots.Marks marks(String name, List<double[]> pts) {
    return new Plots.Marks(name, pts.stream().mapToDouble(p -> p[0]).toArray(),
        pts.stream().mapToDouble(p -> p[1]).toArray());
  }
}
