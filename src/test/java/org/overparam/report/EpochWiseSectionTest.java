package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Epoch-wise heat maps and the table of cells where the rise and fall happened. */
class EpochWiseSectionTest {
  @Test
  void drawsTheHeatMapAndListsTheBump() throws Exception {
    Section.Rendered r = new EpochWiseSection().render(Analysed.inputs("dd"));
    assertThat(r.images()).containsExactly("heatmap-1.png");
    Analysed.assertPngs("dd", r.html(), r.images());
    assertThat(r.html()).startsWith("<h2>Epoch-wise: test error by width and epoch</h2>\n")
        .contains("alt=\"test error: noise 0.2, wd 0.0, dropout 0.0, n=1000, depth 1\"")
        .contains(") in 1 of 7 cells.</p>\n")
        // Width 32: first minimum 0.30 at epoch 3, 0.42 at 5, later minimum and final 0.33.
        .contains("<td>32</td><td>0.3000 (3)</td><td>0.4200 (5)</td><td>0.3300 (10)</td>"
            + "<td>0.3300</td></tr>");
  }

  @Test
  void anExperimentWithoutRowsHasNoHeatMaps() {
    Section.Rendered r = new EpochWiseSection().render(Analysed.inputs("none"));
    assertThat(r.images()).isEmpty();
    assertThat(r.html()).endsWith(") in 0 of 0 cells.</p>\n").doesNotContain("<table>");
  }
}
