package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExperimentFileTest {
  static final String GOOD = """
      name: tiny
      dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
      train_sizes: [64, 128]
      label_noise: [0.0, 0.2]
      model: {family: mlp, depths: [1], widths: [4, 16]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 3
      seeds: [0, 1]
      """;

  @Test
  void readsAGoodFileAndEnumeratesTheCrossProduct() {
    ExperimentConfig c = ExperimentFile.parse(GOOD, "good.yaml");
    List<RunSpec> runs = Grid.runs(c);
    assertThat(runs).hasSize(2 * 2 * 2 * 2);
    assertThat(runs.stream().map(RunSpec::runId).distinct()).hasSize(16);
    assertThat(Grid.runs(ExperimentFile.parse(GOOD, "again")).stream().map(RunSpec::runId))
        .containsExactlyElementsOf(runs.stream().map(RunSpec::runId).toList());
    assertThat(c.strategy().kind()).isEqualTo("auto");
    assertThat(c.dataset().featureDim()).isEqualTo(8);
  }

  @Test
  void runIdIgnoresTheExperimentNameButNotTheConfig() {
    RunSpec a = Grid.runs(ExperimentFile.parse(GOOD, "a")).get(0);
    RunSpec b = Grid.runs(ExperimentFile.parse(GOOD.replace("name: tiny", "name: other"), "b"))
        .get(0);
    RunSpec c = Grid.runs(ExperimentFile.parse(GOOD.replace("epochs: 3", "epochs: 4"), "c"))
        .get(0);
    assertThat(a.runId()).isEqualTo(b.runId()).isNotEqualTo(c.runId());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown top-level key    | epochs: 3                   | epochs: 3\\nfoo: 1                 | foo: unknown key
      unknown nested key       | optimizer: {kind: sgd,      | optimizer: {colour: red, kind: sgd, | optimizer.colour: unknown key
      wrong type               | epochs: 3                   | epochs: three                       | epochs: wrong type
      float for int            | epochs: 3                   | epochs: 3.5                         | epochs: wrong type
      empty grid               | widths: [4, 16]             | widths: []                          | model.widths: grid is empty
      noise equal to one       | label_noise: [0.0, 0.2]     | label_noise: [0.0, 1.0]             | label_noise: value 1.0 must be in [0, 1)
      negative noise           | label_noise: [0.0, 0.2]     | label_noise: [-0.1]                 | label_noise: value -0.1 must be in [0, 1)
      negative width           | widths: [4, 16]             | widths: [4, -16]                    | model.widths: value -16
      zero epochs              | epochs: 3                   | epochs: 0                           | epochs: must be > 0
      batch above train size   | batch_size: 32}             | batch_size: 100}                    | optimizer.batch_size: 100 is larger
      name with separator      | name: tiny                  | name: ../evil                       | name: '../evil' must be
      unknown dataset kind     | kind: teacher-student       | kind: imagenet                      | dataset: kind: 'imagenet'
      unknown optimizer        | kind: sgd,                  | kind: rmsprop,                      | optimizer.kind: 'rmsprop'
      missing train sizes      | train_sizes: [64, 128]      | xtrain: 1                           | train_sizes: is required
      single value not list    | seeds: [0, 1]               | seeds: 7                            | seeds: wrong type
      repeated grid value      | widths: [4, 16]             | widths: [4, 4]                      | model.widths: values repeat
      """)
  void rejectsBadFilesWithOneLineNamingTheField(String what, String from, String to,
      String expected) {
    String yaml = GOOD.replace(from.strip(), to.strip().replace("\\n", "\n"));
    assertThat(yaml).isNotEqualTo(GOOD);
    assertThatThrownBy(() -> ExperimentFile.parse(yaml, "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("experiment file bad.yaml: ")
        .hasMessageContaining(expected.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
