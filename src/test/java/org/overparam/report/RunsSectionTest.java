package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The run-status section, from the run_status table of a real analysis. */
class RunsSectionTest {
  @Test
  void countsRunsByStatusWithAnEscapedExample() {
    Section.Rendered r = new RunsSection().render(Analysed.inputs("dd"));
    assertThat(r.html()).startsWith("<h2>Runs</h2>\n<p>23 runs; ")
        .contains("21 completed", "1 diverged (e.g. train loss NaN at epoch 5)",
            "1 failed (e.g. out of &lt;memory&gt;)")
        .endsWith(".</p>\n");
    assertThat(r.images()).isEmpty();
  }

  @Test
  void anExperimentWithoutRowsHasNoRuns() {
    assertThat(new RunsSection().render(Analysed.inputs("none")).html())
        .isEqualTo("<h2>Runs</h2>\n<p>0 runs.</p>\n");
  }
}
