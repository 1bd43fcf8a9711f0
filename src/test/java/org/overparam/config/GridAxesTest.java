package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The optimiser and augmentation axes: lists make grid axes whose values are configurations of
 * their own, and files that give single values keep the run ids they always had.
 */
class GridAxesTest {
  static final String BASE = """
      name: axes
      dataset: {kind: fashion-mnist, test_size: 100}
      train_sizes: [300]
      label_noise: [0.2]
      model: {family: mlp, depths: [1], widths: [16, 32]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 2
      seeds: [0, 1]
      """;

  static List<RunSpec> runs(String yaml) {
    return Grid.runs(ExperimentFile.parse(yaml, "axes.yaml"));
  }

  @Test
  void filesOfSingleValuesKeepTheirRunAndConfigurationIds() {
    // Ids of runs recorded before the optimiser and augmentation axes existed.
    List<RunSpec> quickstart = Grid.runs(ExperimentFile.read(
        Path.of("conf/experiments/quickstart.yaml")));
    assertThat(quickstart).hasSize(55);
    assertThat(quickstart.get(0).runId()).isEqualTo("3e8fe449fa6d9ae3");
    assertThat(quickstart.get(54).runId()).isEqualTo("6b25fe8b1fe313b7");
    assertThat(quickstart.stream().map(RunSpec::configId).distinct().toList())
        .containsExactly("40af9927");
    assertThat(quickstart.get(0).toJson()).doesNotContain("augmentation");
    RunSpec mnist1d = Grid.runs(ExperimentFile.read(
        Path.of("conf/experiments/mnist1d-double-descent.yaml"))).get(0);
    assertThat(mnist1d.runId()).isEqualTo("bc51088ab41a6a2f");
    assertThat(mnist1d.configId()).isEqualTo("8b078a0e");
  }

  @Test
  void runsWithWeightDecayGotNewIdsWhenTheirDecayWasAppliedOnce() {
    List<RunSpec> runs = Grid.runs(ExperimentFile.read(
        Path.of("conf/experiments/regularisation.yaml")));
    assertThat(runs.get(0).weightDecay()).isZero();
    assertThat(runs.get(0).runId()).isEqualTo("eb7eb9bc76978c72"); // as before
    assertThat(runs.get(10).weightDecay()).isEqualTo(5e-4);
    // trained at twice its decay under "9761bcbc4c0b8443"
    assertThat(runs.get(10).runId()).isNotEqualTo("9761bcbc4c0b8443")
        .isEqualTo("aeb696a10ef8c2d1");
  }

  @Test
  void parameterAveragingRunsGotNewIdsWhenTheirOptimiserStateWasAveraged() {
    String yaml = """
        name: pa-id
        dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 100}
        train_sizes: [256]
        model: {family: mlp, depths: [1], widths: [16]}
        epochs: 3
        seeds: [4]
        strategy: {kind: %s}
        """;
    RunSpec averaged = Grid.runs(ExperimentFile.parse(yaml.formatted("parameter-averaging"),
        "pa-id.yaml")).get(0);
    // trained with its optimiser state restarted every averaging round under "96c9b7923b9fda5d"
    assertThat(averaged.runId()).isNotEqualTo("96c9b7923b9fda5d").isEqualTo("2e9da1761f22fa41");
    RunSpec perTask = Grid.runs(ExperimentFile.parse(yaml.formatted("per-task"), "pa-id.yaml"))
        .get(0);
    assertThat(perTask.runId()).isEqualTo("54f257350dbed1ec"); // as before
  }

  @Test
  void aListOfOneValueIsTheSingleValue() {
    List<String> ids = runs(BASE).stream().map(RunSpec::runId).toList();
    assertThat(runs(BASE.replace("kind: sgd, learning_rate: 0.05", "kind: [sgd], "
        + "learning_rate: [0.05]").replace("batch_size: 32", "batch_size: [32]")
        + "augmentation: [0]\n").stream().map(RunSpec::runId).toList())
        .containsExactlyElementsOf(ids);
    assertThat(runs(BASE.replace("learning_rate: 0.05", "learning_rate: {sgd: 0.05}"))
        .stream().map(RunSpec::runId).toList()).containsExactlyElementsOf(ids);
  }

  @Test
  void optimiserListsAreAxesOfConfigurationsInFileOrder() {
    List<RunSpec> runs = runs(BASE.replace("kind: sgd, learning_rate: 0.05",
        "kind: [sgd, adam], learning_rate: {sgd: [0.05, 0.1], adam: 0.001}")
        .replace("batch_size: 32", "batch_size: [32, 256]"));
    // (2 sgd rates + 1 adam rate) x 2 batch sizes = 6 configurations of 2 widths x 2 seeds.
    assertThat(runs).hasSize(6 * 4);
    assertThat(runs.stream().map(RunSpec::runId).distinct()).hasSize(24);
    Set<String> configs = runs.stream().map(RunSpec::configId).collect(Collectors.toSet());
    assertThat(configs).hasSize(6);
    assertThat(runs.stream().map(r -> r.optimizer().kind() + " " + r.optimizer().learningRate()
        + " " + r.optimizer().batchSize()).distinct().toList()).containsExactly(
        "sgd 0.05 32", "sgd 0.05 256", "sgd 0.1 32", "sgd 0.1 256", "adam 0.001 32",
        "adam 0.001 256");
    // Within a configuration the grid runs as before: width, then seed.
    assertThat(runs.subList(0, 4).stream().map(r -> r.width() + "/" + r.seed()).toList())
        .containsExactly("16/0", "16/1", "32/0", "32/1");
    assertThat(runs.get(0).runId()).isEqualTo(runs(BASE).get(0).runId());
    assertThat(RunSpec.configFields(runs.get(4).toJson()))
        .containsEntry("optimizer.batch_size", "256");
  }

  @Test
  void augmentationIsAConfigurationLeftOutOfTheJsonAtZero() {
    List<RunSpec> runs = runs(BASE + "augmentation: [0, 2]\n");
    assertThat(runs).hasSize(8);
    List<RunSpec> plain = runs.subList(0, 4);
    List<RunSpec> shifted = runs.subList(4, 8);
    assertThat(plain.stream().map(RunSpec::runId).toList()).containsExactlyElementsOf(
        runs(BASE).stream().map(RunSpec::runId).toList());
    assertThat(shifted).allSatisfy(r -> assertThat(r.augmentation()).isEqualTo(2));
    assertThat(shifted.get(0).toJson()).contains("\"augmentation\":2");
    assertThat(plain.get(0).toJson()).doesNotContain("augmentation");
    assertThat(shifted.stream().map(RunSpec::configId).distinct().toList()).hasSize(1)
        .doesNotContain(plain.get(0).configId());
    assertThat(RunSpec.GRID_FIELDS).doesNotContain("augmentation");
    assertThat(shifted.get(0).label()).contains("aug=2");
    assertThat(shifted.get(0).withWidth(64).augmentation()).isEqualTo(2);
  }

  @Test
  void theLeverExperimentFilesAreGridsOfConfigurationsOfFiveSeeds() {
    List<RunSpec> implicit = Grid.runs(ExperimentFile.read(
        Path.of("conf/experiments/implicit-regularisation.yaml")));
    assertThat(implicit).hasSize(4 * 11 * 5);
    assertThat(implicit.stream().map(r -> r.optimizer().kind() + "/" + r.optimizer()
        .learningRate() + "/" + r.optimizer().batchSize()).distinct().toList())
        .containsExactly("sgd/0.05/32", "sgd/0.05/256", "adam/0.001/32", "adam/0.001/256");
    assertThat(implicit.stream().map(RunSpec::configId).distinct()).hasSize(4);
    List<RunSpec> regularisation = Grid.runs(ExperimentFile.read(
        Path.of("conf/experiments/regularisation.yaml")));
    assertThat(regularisation).hasSize(2 * 2 * 2 * 9 * 5);
    assertThat(regularisation.stream().map(RunSpec::configId).distinct()).hasSize(2);
    for (List<RunSpec> runs : List.of(implicit, regularisation)) {
      assertThat(runs.stream().map(RunSpec::seed).distinct()).hasSize(5);
      assertThat(runs).allSatisfy(r -> assertThat(r.trainSize()).isEqualTo(1000))
          .allSatisfy(r -> assertThat(r.labelNoise()).isEqualTo(0.2));
    }
  }
}
