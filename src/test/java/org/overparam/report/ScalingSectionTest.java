package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scaling section: fitted coefficients and charts, or a line saying there are none. */
class ScalingSectionTest {
  @Test
  void listsTheFitsWithTheirChartsInNats() throws Exception {
    Section.Rendered r = new ScalingSection().render(Analysed.inputs("dd"));
    assertThat(r.html()).startsWith("<h2>Scaling laws</h2>\n<p>Loss: each cell's least test "
        + "loss over epochs, averaged over seeds, in nats. ")
        .contains("<h3>Fitted coefficients</h3>\n<table>");
    Analysed.assertPngs("dd", r.html(), r.images());
    assertThat(r.images()).allMatch(f -> f.matches("(scaling|frontier)-\\d+-[A-Za-z]+\\.png"));
  }

  @Test
  void anExperimentWithoutFitsSaysSo() {
    Section.Rendered r = new ScalingSection().render(Analysed.inputs("none"));
    assertThat(r.html()).isEqualTo("<h2>Scaling laws</h2>\n<p>No scaling fits in the analysis "
        + "tables.</p>\n");
    assertThat(r.images()).isEmpty();
  }
}
