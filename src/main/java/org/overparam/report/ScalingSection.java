package org.overparam.report;

/** The report's scaling-law section: fits on log-log axes and their coefficients. */
final class ScalingSection {
  private ScalingSection() {}

  static void append(Report r) {
    r.html().append("<h2>Scaling laws</h2>\n<p>No scaling fits in the analysis tables.</p>\n");
  }
}
