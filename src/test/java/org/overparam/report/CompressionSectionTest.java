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

  @Test
  void aComparisonNamesTheExperimentsThatDidNotCompress() {
    ReportInputs.Fragment f = Analysed.root().fragment();
    CompressionSection.compare(java.util.List.of(Analysed.inputs("dd")), f);
    Section.Rendered r = f.done();
    assertThat(r.html()).isEqualTo("<h2>Compression compared</h2>\n<p>Not compressed: dd (no "
        + "compression results: the experiment has no <code>compression:</code> section, or its "
        + "runs were recorded before it had one).</p>\n");
    assertThat(r.images()).isEmpty();
  }
}
