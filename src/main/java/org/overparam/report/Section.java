package org.overparam.report;

import java.util.List;

/** One section of an experiment's page, drawn from the analysis tables alone. */
interface Section {
  /** The section's heading, as the page shows it. */
  String title();

  /** The section's HTML (empty when it has nothing to show) and the charts it saved. */
  Rendered render(ReportInputs in);

  /**
   * @param html the section's HTML
   * @param images the PNG files it wrote beside index.html, in the order shown
   */
  record Rendered(String html, List<String> images) {
    public Rendered {
      java.util.Objects.requireNonNull(html, "html");
      images = List.copyOf(images);
    }
  }
}
