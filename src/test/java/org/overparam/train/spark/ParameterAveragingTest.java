package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.dataset.DataSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;

/** The minibatches each worker builds on its executor are the run's minibatches, cut evenly. */
class ParameterAveragingTest {
  static RunSpec spec() {
    return Grid.runs(ExperimentFile.parse("""
        name: batches
        dataset: {kind: teacher-student, input_dim: 6, classes: 3, teacher_width: 4, test_size: 50}
        train_sizes: [300]
        label_noise: [0.1]
        model: {family: mlp, depths: [1], widths: [5]}
        optimizer: {kind: sgd, batch_size: 16}
        epochs: 1
        seeds: [7]
        strategy: {kind: parameter-averaging, workers: 3, batch_per_worker: 32}
        """, "batches.yaml")).get(0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 10})
  void workersTogetherHoldEveryMinibatchOnceInOrder(int workers) {
    RunSpec spec = spec();
    List<DataSet> all = ParameterAveraging.minibatches(Datasets.prepare(
        Datasets.load(spec.dataset()), spec.trainSize(), spec.labelNoise(), spec.seed()).train(),
        32, spec.seed());
    assertThat(all).hasSize(10); // 300 rows in batches of 32: nine full, one of 12

    List<DataSet> joined = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      List<DataSet> mine = ParameterAveraging.workerBatches(spec, w, workers);
      assertThat(mine.size()).isBetween(all.size() / workers, all.size() / workers + 1);
      joined.addAll(mine);
    }
    assertThat(joined).hasSameSizeAs(all);
    for (int i = 0; i < all.size(); i++) {
      assertThat(joined.get(i).getFeatures()).isEqualTo(all.get(i).getFeatures());
      assertThat(joined.get(i).getLabels()).isEqualTo(all.get(i).getLabels());
    }
  }
}
