package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Model-wise panels: an error and a loss chart per panel, saved as PNGs and linked. */
class ModelWiseSectionTest {
  @Test
  void drawsAnErrorAndALossChartPerPanel() throws Exception {
    Section.Rendered r = new ModelWiseSection().render(Analysed.inputs("dd"));
    assertThat(r.html()).startsWith("<h2>Model-wise: error and loss against parameters</h2>\n")
        .contains("alt=\"n=1000, depth 1, dropout 0.0, weight decay 0.0: error\"",
            "alt=\"n=1000, depth 1, dropout 0.0, weight decay 0.0: loss\"");
    assertThat(r.images()).containsExactly("modelwise-1-error.png", "modelwise-1-loss.png");
    Analysed.assertPngs("dd", r.html(), r.images());
  }

  @Test
  void anExperimentWithoutRowsHasNoCharts() {
    Section.Rendered r = new ModelWiseSection().render(Analysed.inputs("none"));
    assertThat(r.html()).isEqualTo("<h2>Model-wise: error and loss against parameters</h2>\n");
    assertThat(r.images()).isEmpty();
  }
}
