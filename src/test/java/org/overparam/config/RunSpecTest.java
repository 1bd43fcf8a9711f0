package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Run ids and configuration ids: what keys a run, and what keys a cell of the analysis. */
class RunSpecTest {
  static final String BASE = """
      name: ids
      dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
      train_sizes: [64, 128]
      label_noise: [0.0, 0.2]
      model: {family: mlp, depths: [1, 2], widths: [4, 8]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 4
      weight_decay: [0.0, 1e-4]
      dropout: [0.0, 0.1]
      seeds: [0, 1]
      checkpoint_every: 2
      """;

  static List<RunSpec> runs(String yaml) {
    return Grid.runs(ExperimentFile.parse(yaml, "ids.yaml"));
  }

  @Test
  void everyGridPointOfOneFileSharesOneConfiguration() {
    List<RunSpec> runs = runs(BASE);
    assertThat(runs).hasSize(128);
    assertThat(runs.stream().map(RunSpec::runId).distinct()).hasSize(128);
    assertThat(runs.stream().map(RunSpec::configId).collect(Collectors.toSet())).hasSize(1);
  }

  @Test
  void theNameCheckpointsAndCompressionChangeNeitherId() {
    RunSpec a = runs(BASE).get(0);
    RunSpec b = runs(BASE.replace("name: ids", "name: other").replace("checkpoint_every: 2",
        "checkpoint_every: 0") + "compression: {sparsities: [0.5]}\n").get(0);
    assertThat(b.runId()).isEqualTo(a.runId());
    assertThat(b.configId()).isEqualTo(a.configId());
    assertThat(RunSpec.configId(b.toJson())).isEqualTo(a.configId());
  }

  @Test
  void anyOtherSettingIsAnotherConfiguration() {
    String id = runs(BASE).get(0).configId();
    Set<String> others = List.of(
        BASE.replace("learning_rate: 0.05", "learning_rate: 0.1"),
        BASE.replace("epochs: 4", "epochs: 5"),
        BASE.replace("batch_size: 32", "batch_size: 16"),
        BASE.replace("kind: sgd, learning_rate: 0.05, momentum: 0.9",
            "kind: adam, learning_rate: 0.05"),
        BASE.replace("test_size: 100", "test_size: 50"),
        BASE + "eval_every: 2\n").stream()
        .map(y -> runs(y).get(0).configId()).collect(Collectors.toSet());
    assertThat(others).hasSize(6).doesNotContain(id);
  }

  @Test
  void configurationFieldsLeaveTheGridOut() {
    var fields = RunSpec.configFields(runs(BASE).get(0).toJson());
    assertThat(fields).containsEntry("optimizer.learning_rate", "0.05")
        .containsEntry("epochs", "4").containsKey("dataset.kind");
    assertThat(fields.keySet()).doesNotContainAnyElementsOf(RunSpec.GRID_FIELDS);
  }
}
