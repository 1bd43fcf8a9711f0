package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.overparam.analysis.ModelWiseSentence;

/** The findings section: one sentence per series of double_descent at ε = 0.01. */
class FindingsSectionTest {
  @Test
  void saysWhereTheThresholdAndPeakFell() {
    String html = new FindingsSection().render(Analysed.inputs("dd")).html();
    assertThat(html).startsWith("<h2>Where the threshold and peak fell</h2>\n<ul>\n<li>")
        .contains("<li>noise 0.2, weight decay 0, dropout 0, 1,000 training examples, "
            + "depth 1: threshold (train error &lt;= 0.01) at 1,600 parameters (width 16, 1.60 "
            + "per training example); test-error peak 0.4500 at 1,600 parameters (width 16), "
            + "0.1500 above the classical minimum (0.3000 at 400); best after it 0.2000 at "
            + "12,800; paired over 3 seeds the peak rises 0.1500 [0.1500, 0.1500] over the "
            + "classical minimum and 0.2500 [0.2500, 0.2500] over the largest model (width "
            + "128): both 95% intervals above 0, but 3 seeds are too few to claim double "
            + "descent (5 needed).</li>\n")
        .contains("<p>" + ModelWiseSentence.definitions() + "</p>\n")
        .contains("at most 0.01.");
    // One series, told once: the rows at ε = 0 and 0.05 are not.
    assertThat(html.split("<li>", -1)).hasSize(2);
  }

  @Test
  void anExperimentWithoutRowsHasAnEmptyList() {
    assertThat(new FindingsSection().render(Analysed.inputs("none")).html())
        .startsWith("<h2>Where the threshold and peak fell</h2>\n<ul>\n</ul>\n<p>");
  }
}
