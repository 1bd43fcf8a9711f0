package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The compression section appears only for experiments that compressed their models. */
class CompressionSectionTest {
  @Test
  void anExperimentThatDidNotCompressHasNoSection() {
    Section.Rendered r = new CompressionSection().render(Analysed.inputs("dd"));
    assertThat(r.html()).isEmpty();
    assertThat(r.images()).isEmpty();
  }
}
