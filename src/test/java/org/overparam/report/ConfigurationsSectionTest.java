package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The configurations section shows only when an experiment holds several. */
class ConfigurationsSectionTest {
  @Test
  void oneConfigurationNeedsNoTable() {
    assertThat(new ConfigurationsSection().render(Analysed.inputs("dd")).html()).isEmpty();
    assertThat(Analysed.inputs("dd").configLabel("ab12")).isEmpty();
  }

  @Test
  void anExperimentWithoutRowsHasNoSection() {
    assertThat(new ConfigurationsSection().render(Analysed.inputs("none")).html()).isEmpty();
  }
}
