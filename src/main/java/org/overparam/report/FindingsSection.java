package org.overparam.report;

import static org.overparam.results.Columns.CONFIG;

import org.apache.spark.sql.Row;
import org.overparam.analysis.ModelWiseSentence;
import org.overparam.results.Catalog;
import org.overparam.results.Columns;

/** A sentence per model-wise series of double_descent at the told train-error threshold. */
final class FindingsSection implements Section {
  @Override
  public String title() {
    return "Where the threshold and peak fell";
  }

  @Override
  public Rendered render(ReportInputs in) {
    ReportInputs.Fragment f = in.fragment();
    StringBuilder html = f.html();
    html.append("<h2>").append(title()).append("</h2>\n<ul>\n");
    for (Row r : in.table(Catalog.DOUBLE_DESCENT)) {
      if (ModelWiseSentence.told(r.<Double>getAs(Columns.EPSILON.name()))) {
        html.append("<li>").append(Html.esc(in.configLabel(r.getAs(CONFIG.name()))
            + ModelWiseSentence.sentence(r))).append("</li>\n");
      }
    }
    html.append("</ul>\n<p>").append(ModelWiseSentence.definitions()).append("</p>\n");
    return f.done();
  }
}
