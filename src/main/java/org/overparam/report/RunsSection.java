package org.overparam.report;

import static org.overparam.results.Columns.EXAMPLE_MESSAGE;
import static org.overparam.results.Columns.RUNS;
import static org.overparam.results.Columns.SOURCE;
import static org.overparam.results.Columns.STATUS;

import java.util.List;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;

/** How the experiment's runs ended, from run_status: counts by status, with an example. */
final class RunsSection implements Section {
  @Override
  public String title() {
    return "Runs";
  }

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment f = in.fragment();
    StringBuilder html = f.html();
    html.append("<h2>").append(title()).append("</h2>\n<p>");
    List<Row> status = in.table(Catalog.RUN_STATUS);
    long total = status.stream().mapToLong(r -> r.<Long>getAs(RUNS.name())).sum();
    html.append(total).append(" runs");
    for (Row r : status) {
      html.append("; ").append(r.<Long>getAs(RUNS.name())).append(' ')
          .append(Html.esc(r.getAs(STATUS.name())));
      String msg = r.getAs(EXAMPLE_MESSAGE.name());
      if (msg != null && !msg.isEmpty()) {
        html.append(" (e.g. ").append(Html.esc(msg)).append(')');
      }
    }
    if (!status.isEmpty() && "metrics".equals(status.get(0).getAs(SOURCE.name()))) {
      html.append("; failed runs unknown (no runs table)");
    }
    html.append(".</p>\n");
    return f.done();
  }
}
