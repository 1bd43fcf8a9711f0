package org.overparam.report;

import static org.overparam.results.Columns.CONFIG;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;
import org.overparam.results.Table;

/**
 * What every section of one experiment's page reads: the analysis tables, each read once and
 * shared, and the report's folder for the charts.
 */
final class ReportInputs {
  private final ReportFiles files;
  private final Map<String, List<Row>> tables = new HashMap<>();

  ReportInputs(ReportFiles files) {
    this.files = files;
  }

  String experiment() {
    return files.experiment();
  }

  /** The rows of one analysis table for this experiment; empty if the table is absent. */
  List<Row> table(Table table) {
    return tables.computeIfAbsent(table.name(), n -> files.rows(table));
  }

  /** One analysis table's rows of this experiment, for a Spark job; the table must exist. */
  Dataset<Row> dataset(Table table) {
    return files.dataset(table);
  }

  /** "config ab12cd34, " where the experiment holds several configurations, else "". */
  String configLabel(Object config) {
    return table(Catalog.CONFIGURATIONS).size() > 1 ? "config " + config + ", " : "";
  }

  /** An empty fragment of the page whose charts go to this report's folder. */
  Fragment fragment() {
    return new Fragment(files);
  }

  /** A section's HTML as it is written, with the charts it saved. */
  static final class Fragment {
    private final ReportFiles files;
    private final StringBuilder html = new StringBuilder();
    private final List<String> images = new java.util.ArrayList<>();

    private Fragment(ReportFiles files) {
      this.files = files;
    }

    StringBuilder html() {
      return html;
    }

    /** Saves a chart as PNG beside index.html and shows it. */
    void image(String file, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String alt) {
      files.write(file, Plots.png(chart));
      html.append(Html.image(file, alt));
      images.add(file);
    }

    Section.Rendered done() {
      return new Section.Rendered(html.toString(), List.copyOf(images));
    }
  }
}
