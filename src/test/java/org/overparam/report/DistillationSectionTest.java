package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The distillation section appears only for experiments with students (DistillationTest draws
 * one, with its table and chart, from a real analysis).
 */
class DistillationSectionTest {
  @Test
  void anExperimentWithoutStudentsHasNoSection() {
    Section.Rendered r = new DistillationSection().render(Analysed.inputs("dd"));
    assertThat(r.html()).isEmpty();
    assertThat(r.images()).isEmpty();
  }
}
