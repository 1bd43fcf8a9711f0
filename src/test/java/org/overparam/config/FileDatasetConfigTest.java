package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The npz and parquet dataset kinds as an experiment file states them. */
class FileDatasetConfigTest {
  static String experiment(String dataset) {
    return """
        name: files
        dataset: %s
        train_sizes: [100]
        model: {family: mlp, widths: [4]}
        optimizer: {batch_size: 50}
        epochs: 2
        """.formatted(dataset);
  }

  static DatasetConfig dataset(String yaml) {
    return ExperimentFile.parse(experiment(yaml), "e.yaml").dataset();
  }

  @Test
  void readsBothKindsWithTheirDefaults() {
    DatasetConfig.Npz n = (DatasetConfig.Npz) dataset("{kind: npz, path: a.npz, test_path: "
        + "b.npz, input_dim: 40, classes: 10}");
    assertThat(n.features()).isEqualTo("x");
    assertThat(n.labels()).isEqualTo("y");
    assertThat(n.testFraction()).isNull();
    assertThat(n.splitSeed()).isNull();
    assertThat(n.featureDim()).isEqualTo(40);
    assertThat(n.numClasses()).isEqualTo(10);
    assertThat(n.testExamples()).isZero();
    assertThat(n.describe()).isEqualTo("npz:a.npz,test=b.npz,features=x,labels=y,d=40,k=10");

    DatasetConfig.Parquet p = (DatasetConfig.Parquet) dataset("{kind: parquet, path: t.parquet, "
        + "test_fraction: 0.25, features: pixel, labels: label, input_dim: 784, classes: 10, "
        + "test_size: 500}");
    assertThat(p.splitSeed()).isZero();
    assertThat(p.testExamples()).isEqualTo(500);
    assertThat(p.describe()).isEqualTo("parquet:t.parquet,test_fraction=0.25,split_seed=0,"
        + "features=pixel,labels=label,d=784,k=10");
    assertThat(dataset("{kind: parquet, path: t.parquet, test_fraction: 0.25, split_seed: 9, "
        + "input_dim: 3, classes: 2}").describe()).contains("split_seed=9");
  }

  @Test
  void theSplitAndTheNamesAreInTheRunIdentity() {
    String base = "{kind: npz, path: a.npz, test_fraction: 0.2, input_dim: 4, classes: 3}";
    String id = Grid.runs(ExperimentFile.parse(experiment(base), "a")).get(0).runId();
    for (String other : new String[] {base.replace("0.2", "0.3"),
        base.replace("}", ", split_seed: 1}"), base.replace("}", ", features: f}"),
        base.replace("a.npz", "b.npz")}) {
      assertThat(Grid.runs(ExperimentFile.parse(experiment(other), "b")).get(0).runId())
          .as(other).isNotEqualTo(id);
    }
    assertThat(Grid.runs(ExperimentFile.parse(experiment(base.replace("}", ", split_seed: 0}")),
        "c")).get(0).runId()).as("the default split seed, written out").isEqualTo(id);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no test set        | {kind: npz, path: a.npz, input_dim: 4, classes: 3}                                      | dataset.test_path: is required unless test_fraction is given
      both test sets     | {kind: npz, path: a.npz, test_path: b.npz, test_fraction: 0.2, input_dim: 4, classes: 3} | dataset.test_fraction: give test_path (a file of test examples) or test_fraction (a share of path), not both
      seed without split | {kind: npz, path: a.npz, test_path: b.npz, split_seed: 3, input_dim: 4, classes: 3}     | dataset.split_seed: only goes with test_fraction
      fraction of one    | {kind: parquet, path: a, test_fraction: 1.0, input_dim: 4, classes: 3}                   | dataset.test_fraction: must be in (0, 1), got 1.0
      zero fraction      | {kind: parquet, path: a, test_fraction: 0, input_dim: 4, classes: 3}                     | dataset.test_fraction: must be in (0, 1), got 0.0
      no path            | {kind: npz, test_fraction: 0.2, input_dim: 4, classes: 3}                                | dataset.path: is required
      blank path         | {kind: npz, path: ' ', test_fraction: 0.2, input_dim: 4, classes: 3}                     | dataset.path: must not be empty
      no input_dim       | {kind: npz, path: a.npz, test_fraction: 0.2, classes: 3}                                 | dataset.input_dim: is required
      zero input_dim     | {kind: npz, path: a.npz, test_fraction: 0.2, input_dim: 0, classes: 3}                   | dataset.input_dim: must be > 0
      no classes         | {kind: npz, path: a.npz, test_fraction: 0.2, input_dim: 4}                               | dataset.classes: is required
      one class          | {kind: parquet, path: a, test_fraction: 0.2, input_dim: 4, classes: 1}                   | dataset.classes: must be in 2..65536, got 1
      same names         | {kind: npz, path: a.npz, test_fraction: 0.2, features: y, input_dim: 4, classes: 3}      | dataset.labels: 'y' is also the features' name
      empty features     | {kind: npz, path: a.npz, test_fraction: 0.2, features: '', input_dim: 4, classes: 3}     | dataset.features
      zero test size     | {kind: npz, path: a.npz, test_fraction: 0.2, input_dim: 4, classes: 3, test_size: 0}     | dataset.test_size: must be > 0
      unknown key        | {kind: npz, path: a.npz, test_fraction: 0.2, input_dim: 4, classes: 3, label: y}         | dataset.label: unknown key
      """)
  void refusesBadDatasetsWithOneLineNamingTheField(String what, String yaml, String expected) {
    assertThatThrownBy(() -> dataset(yaml.strip())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("experiment file e.yaml: ")
        .hasMessageContaining(expected.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theMnist1dExperimentFileIsValid() {
    ExperimentConfig c = ExperimentFile.read(Path.of("conf/experiments/"
        + "mnist1d-double-descent.yaml"));
    DatasetConfig.Npz d = (DatasetConfig.Npz) c.dataset();
    assertThat(d.path()).isEqualTo("data/mnist1d/train.npz");
    assertThat(d.testPath()).isEqualTo("data/mnist1d/test.npz");
    assertThat(d.featureDim()).isEqualTo(40);
    assertThat(d.numClasses()).isEqualTo(10);
    assertThat(c.trainSizes()).containsExactly(4000);
    assertThat(c.model().depths()).containsExactly(2);
    assertThat(c.optimizer().kinds()).containsExactly("sgd");
    assertThat(c.epochs()).isEqualTo(500);
  }
}
