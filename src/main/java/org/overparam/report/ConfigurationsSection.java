package org.overparam.report;

import static org.overparam.results.Columns.CONFIG;
import static org.overparam.results.Columns.DIFFERS;
import static org.overparam.results.Columns.RUNS;

import java.util.List;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;

/**
 * When the experiment holds runs of several configurations, a table of them: every chart and
 * sentence of the page keeps them apart, naming the configuration. Nothing for one.
 */
final class ConfigurationsSection implements Section {
  @Override
  public String title() {
    return "Configurations";
  }

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment f = in.fragment();
    List<Row> configs = in.table(Catalog.CONFIGURATIONS);
    if (configs.size() < 2) {
      return f.done();
    }
    StringBuilder html = f.html();
    html.append("<h2>").append(title()).append("</h2>\n<p>This experiment holds runs of ")
        .append(configs.size()).append(" configurations; each is analysed as its own series, "
            + "never averaged with another.</p>\n<table><tr><th>config</th><th>runs</th>"
            + "<th>differs from the main one in</th></tr>\n");
    for (Row r : configs) {
      html.append("<tr><td>").append(Html.esc(r.getAs(CONFIG.name()))).append("</td><td>")
          .append(r.<Long>getAs(RUNS.name())).append("</td><td style=\"text-align:left\">")
          .append(Html.esc(r.<String>getAs(DIFFERS.name()).isEmpty() ? "(main)"
              : r.getAs(DIFFERS.name())))
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
    return f.done();
  }
}
