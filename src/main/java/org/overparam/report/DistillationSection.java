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
import org.overparam.results.Catalog;

/**
 * The report's distillation section, from distillation and curves: for each series of students
 * (a cell of them but for width), the final test error against width of the runs trained on
 * labels alone (the teachers' configuration, teacher marked) and of the students, and the
 * table of each student width against the same width trained on labels alone, with the
 * paired difference and its interval.
 */
final class DistillationSection implements Section {
  /** At most this many series are drawn. */
  static final int MAX_SERIES = 4;

  @Override
  public String title() {
    return "Distillation: students against labels alone";
  }

  /** Student cells that differ only in width. */
  private record Series(Object config, Object teacherConfig, Object noise, Object wd,
      Object dropout, Object trainSize, Object depth) {
    static Series of(Row r) {
      return new Series(r.getAs(CONFIG.name()), r.getAs(TEACHER_CONFIG.name()),
          r.getAs(LABEL_NOISE.name()), r.getAs(WEIGHT_DECAY.name()), r.getAs(DROPOUT.name()),
          r.getAs(TRAIN_SIZE.name()), r.getAs(DEPTH.name()));
    }

    /** Whether curves row {@code c} is of the teachers' configuration in this series' cell. */
    boolean labelsOf(Row c) {
      return Objects.equals(teacherConfig, c.getAs(CONFIG.name()))
          && Objects.equals(noise, c.getAs(LABEL_NOISE.name()))
          && Objects.equals(wd, c.getAs(WEIGHT_DECAY.name()))
          && Objects.equals(dropout, c.getAs(DROPOUT.name()))
          && Objects.equals(trainSize, c.getAs(TRAIN_SIZE.name()))
          && Objects.equals(depth, c.getAs(DEPTH.name()));
    }

    String title() {
      return "n=" + trainSize + ", depth " + depth + ", noise " + noise + ", wd " + wd
          + ", dropout " + dropout;
    }
  }

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment f = in.fragment();
    List<Row> rows = in.table(Catalog.DISTILLATION);
    if (rows.isEmpty()) {
      return f.done(); // the experiment has no distillation section
    }
    Row first = rows.get(0);
    // The settings spelt out where every student shares them, else named (each series' chart
    // gives its own).
    boolean one = rows.stream().map(r -> List.of(r.getAs(DISTILLATION_ALPHA.name()),
        r.getAs(TEMPERATURE.name()), r.getAs(TEACHER_WIDTH.name()))).distinct().count() == 1;
    StringBuilder html = f.html();
    html.append("<h2>").append(title()).append("</h2>\n<p>Each student fits ")
        .append(one ? plain(first.getAs(DISTILLATION_ALPHA.name())) : "alpha")
        .append(" &times; its teacher's softened outputs softmax(z / ")
        .append(one ? plain(first.getAs(TEMPERATURE.name())) : "T").append(") + ")
        .append(one ? plain(1 - first.<Double>getAs(DISTILLATION_ALPHA.name())) : "(1 - alpha)")
        .append(" &times; its (noisy) labels, by the cross entropy of its own softmax at ")
        .append("temperature 1 (no T&sup2; factor); its teacher is the run of the same cell and ")
        .append("seed at ").append(one ? "width " + first.<Integer>getAs(TEACHER_WIDTH.name())
            : "the teacher width")
        .append(", trained on the same examples. Difference: a seed's student minus the same ")
        .append("width and seed trained on labels alone, mean over seeds with a 95% bootstrap ")
        .append("interval; below 0, the teacher helped. Final epochs.</p>\n");
    Map<Series, List<Row>> bySeries = new LinkedHashMap<>();
    rows.stream().sorted(Comparator.comparing((Row r) -> r.<Integer>getAs(TRAIN_SIZE.name()))
            .thenComparing(r -> r.<Double>getAs(LABEL_NOISE.name()))
            .thenComparing(r -> r.<Double>getAs(WEIGHT_DECAY.name()))
            .thenComparing(r -> r.<Double>getAs(DROPOUT.name()))
            .thenComparing(r -> r.<Integer>getAs(DEPTH.name()))
            .thenComparing(r -> r.<String>getAs(CONFIG.name()))
            .thenComparing(r -> r.<Integer>getAs(WIDTH.name())))
        .forEach(r -> bySeries.computeIfAbsent(Series.of(r), k -> new ArrayList<>()).add(r));
    List<Row> curves = in.table(Catalog.CURVES);
    int shown = 0;
    for (Map.Entry<Series, List<Row>> e : bySeries.entrySet()) {
      if (shown++ >= MAX_SERIES) {
        html.append("<p>").append(bySeries.size() - MAX_SERIES)
            .append(" more series not drawn; the distillation table has them all.</p>\n");
        break;
      }
      Series s = e.getKey();
      List<Row> students = e.getValue();
      List<Row> labels = curves.stream().filter(s::labelsOf)
          .sorted(Comparator.comparing(c -> c.<Integer>getAs(WIDTH.name()))).toList();
      List<Plots.Line> lines = new ArrayList<>();
      lines.add(new Plots.Line("trained on labels alone", widths(labels),
          Plots.values(labels, FINAL_TEST_ERROR.name()), 0, false));
      Row r0 = students.get(0);
      lines.add(new Plots.Line(String.format(Locale.ROOT, "students (T %s, alpha %s)",
          plain(r0.getAs(TEMPERATURE.name())), plain(r0.getAs(DISTILLATION_ALPHA.name()))),
          widths(students), Plots.values(students, STUDENT_TEST_ERROR.name()), 1, false));
      Double teacher = students.stream().map(r -> r.<Double>getAs(TEACHER_TEST_ERROR.name()))
          .filter(Objects::nonNull).findFirst().orElse(null);
      List<Plots.Marks> marks = teacher == null ? List.of() : List.of(new Plots.Marks(
          "teacher (width " + r0.getAs(TEACHER_WIDTH.name()) + ")",
          new double[] {r0.<Integer>getAs(TEACHER_WIDTH.name())}, new double[] {teacher}));
      String title = s.title();
      f.image("distillation-" + shown + ".png", Plots.logX("distilled and on labels: " + title,
          "width", "final test error (mean over seeds)", lines, marks),
          "final test error against width, trained on labels alone and distilled: " + title);
    }
    table(html, bySeries);
    return f.done();
  }

  private static double[] widths(List<Row> rows) {
    return rows.stream().mapToDouble(r -> r.<Integer>getAs(WIDTH.name())).toArray();
  }

  private static void table(StringBuilder html, Map<Series, List<Row>> bySeries) {
    html.append("<table><tr><th>series</th><th>width</th><th>parameters</th>"
        + "<th>student test error</th><th>on labels alone</th><th>difference [95%]</th>"
        + "<th>paired seeds</th><th>teacher test error</th><th>note</th></tr>\n");
    bySeries.forEach((s, rows) -> {
      for (Row r : rows) {
        Double lo = r.getAs(STUDENT_MINUS_LABELS_LO.name());
        Double hi = r.getAs(STUDENT_MINUS_LABELS_HI.name());
        Double diff = r.getAs(STUDENT_MINUS_LABELS.name());
        html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%,d</td>"
                + "<td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>%n",
            Html.esc(s.title()), r.<Integer>getAs(WIDTH.name()), r.<Long>getAs(PARAMS.name()),
            error(r.getAs(STUDENT_TEST_ERROR.name())), error(r.getAs(LABELS_TEST_ERROR.name())),
            diff == null ? "-" : String.format(Locale.ROOT, "%+.4f", diff) + (lo == null ? ""
                : String.format(Locale.ROOT, " [%+.4f, %+.4f]", lo, hi)),
            r.<Integer>getAs(PAIRED.name()), error(r.getAs(TEACHER_TEST_ERROR.name())),
            Html.esc(r.<String>getAs(NOTE.name()))));
      }
    });
    html.append("</table>\n");
  }

  private static String error(Double x) {
    return x == null ? "-" : String.format(Locale.ROOT, "%.4f", x);
  }

  /** 0.5, not 0.5000. */
  private static String plain(double x) {
    return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }
}
