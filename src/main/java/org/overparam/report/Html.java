package org.overparam.report;

import java.util.Locale;

/** The page's text helpers: escaping, number formats and the tag that shows a chart. */
final class Html {
  private Html() {}

  /** {@code o} as text safe inside an element or a quoted attribute. */
  static String esc(Object o) {
    String s = String.valueOf(o);
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Four significant digits; NaN as "". */
  static String fmt(double x) {
    return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.4g", x);
  }

  /** A number without trailing zeros or an exponent: 0.01, 0, 1000. */
  static String plain(double x) {
    return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }

  /** The paragraph that shows the PNG {@code file} (beside index.html). */
  static String image(String file, String alt) {
    return "<p><img src=\"" + file + "\" alt=\"" + esc(alt) + "\"></p>\n";
  }
}
