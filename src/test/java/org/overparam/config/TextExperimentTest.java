package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextExperimentTest {
  static final String GOOD = """
      name: chars
      dataset: {kind: text, path: some.txt, context: 16, validation_fraction: 0.05}
      train_sizes: [1000, 4000]
      model: {family: charlm, depths: [2], widths: [32, 64], embedding: 8}
      optimizer: {kind: adam, learning_rate: 0.002, batch_size: 64}
      epochs: 2
      compression: {sparsities: [0.5, 0.9], quantize_int8: false}
      """;

  @Test
  void readsATextExperimentWithCompression() {
    ExperimentConfig c = ExperimentFile.parse(GOOD, "good.yaml");
    DatasetConfig.Text t = (DatasetConfig.Text) c.dataset();
    assertThat(t.context()).isEqualTo(16);
    assertThat(t.featureDim()).isEqualTo(16);
    assertThat(t.testSize()).isEqualTo(100_000);
    assertThat(c.model().embedding()).isEqualTo(8);
    assertThat(c.compression().sparsities()).containsExactly(0.5, 0.9);
    assertThat(c.compression().quantizeInt8()).isFalse();
    List<RunSpec> runs = Grid.runs(c);
    assertThat(runs).hasSize(4);
    assertThat(runs.get(0).embedding()).isEqualTo(8);
    assertThat(runs.get(0).label()).contains("e=8");
  }

  @Test
  void defaultsAreDocumentedOnes() {
    ExperimentConfig c = ExperimentFile.parse("""
        name: d
        dataset: {kind: text}
        train_sizes: [1000]
        model: {family: charlm, widths: [32]}
        epochs: 1
        compression: {}
        """, "d.yaml");
    DatasetConfig.Text t = (DatasetConfig.Text) c.dataset();
    assertThat(t.path()).isEqualTo("data/kjv.txt");
    assertThat(t.context()).isEqualTo(32);
    assertThat(t.validationFraction()).isEqualTo(0.1);
    assertThat(c.model().embedding()).isEqualTo(16);
    assertThat(c.compression().sparsities()).containsExactly(0.5, 0.8, 0.9, 0.95, 0.99);
    assertThat(c.compression().quantizeInt8()).isTrue();
    assertThat(ExperimentFile.parse(GOOD.replace(
        "compression: {sparsities: [0.5, 0.9], quantize_int8: false}", ""), "x").compression())
        .isNull();
  }

  @Test
  void compressionAndEmbeddingDoNotChangeAnMlpRunsIdentity() {
    String mlp = """
        name: m
        dataset: {kind: teacher-student, input_dim: 8, classes: 3}
        train_sizes: [100]
        model: {family: mlp, widths: [4]}
        optimizer: {batch_size: 10}
        epochs: 1
        """;
    RunSpec plain = Grid.runs(ExperimentFile.parse(mlp, "m")).get(0);
    RunSpec compressed = Grid.runs(ExperimentFile.parse(mlp + "compression: {}\n", "m")).get(0);
    assertThat(plain.toJson()).doesNotContain("embedding").doesNotContain("compression");
    assertThat(compressed.runId()).isEqualTo(plain.runId());
    assertThat(compressed.toJson()).contains("\"compression\":{");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      charlm on images       | kind: text, path: some.txt, context: 16, validation_fraction: 0.05 | kind: teacher-student | model.family: charlm reads characters and needs dataset kind text
      zero context           | context: 16                 | context: 0                          | dataset.context: must be in 1..4096
      validation fraction 1  | validation_fraction: 0.05   | validation_fraction: 1.0            | dataset.validation_fraction: must be in (0, 1)
      embedding for mlp      | family: charlm              | family: mlp                         | model.embedding: only the
      zero embedding         | embedding: 8                | embedding: 0                        | model.embedding: must be in 1..4096
      unknown family         | family: charlm              | family: transformer                 | model.family: 'transformer' is not one of
      sparsity of one        | sparsities: [0.5, 0.9]      | sparsities: [0.5, 1.0]              | compression.sparsities: value 1.0 must be in (0, 1)
      unknown compression key| quantize_int8: false        | quantise: false                     | compression.quantise: unknown key
      """)
  void rejectsBadTextExperimentsWithOneLine(String what, String from, String to,
      String expected) {
    String yaml = GOOD.replace(from.strip(), to.strip());
    assertThat(yaml).isNotEqualTo(GOOD);
    assertThatThrownBy(() -> ExperimentFile.parse(yaml, "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("experiment file bad.yaml: ")
        .hasMessageContaining(expected.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
