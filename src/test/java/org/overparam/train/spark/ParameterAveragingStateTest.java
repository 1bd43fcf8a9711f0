package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.testing.TestSpark;
import org.overparam.train.Checkpoints;
import org.overparam.train.RunStatus;

/**
 * The optimiser's state travels with the parameters: one worker averaging once an epoch trains
 * exactly as one network fitting that worker's minibatches epoch after epoch, its Adam moments
 * (or momentum) carried from one averaging round to the next rather than restarted.
 */
class ParameterAveragingStateTest {
  /** The network and optimiser state of every checkpoint, copied when saved. */
  static final class Kept implements Checkpoints {
    final Map<Integer, INDArray[]> byEpoch = new HashMap<>();

    @Override
    public Optional<Checkpoint> latest(RunSpec spec) {
      return Optional.empty();
    }

    @Override
    public void save(RunSpec spec, Checkpoint c) {
      byEpoch.put(c.epoch(), new INDArray[] {c.net().params().dup(),
          c.net().getUpdater().getStateViewArray().dup()});
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"adam", "sgd"})
  void oneWorkerCarriesItsOptimiserStateAcrossRounds(String optimiser) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    RunSpec spec = spec(optimiser, 1, 4);
    Kept kept = new Kept();
    assertThat(ParameterAveraging.train(sc, spec, (s, m) -> {}, kept).status())
        .isEqualTo(RunStatus.COMPLETED);

    TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec);
    MultiLayerNetwork alone = Models.build(spec, data.train().dim(), data.train().classes());
    List<DataSet> batches = ParameterAveraging.workerBatches(spec, 0, 1);
    assertThat(batches).hasSize(8); // one round of all eight minibatches an epoch
    for (int epoch = 1; epoch <= 2; epoch++) {
      for (DataSet b : batches) {
        alone.fit(b);
      }
      INDArray[] averaged = kept.byEpoch.get(epoch);
      assertThat(averaged[1].sumNumber().doubleValue()).as("state after epoch %d", epoch)
          .isNotEqualTo(0.0);
      assertThat(maxAbsDiff(averaged[1], alone.getUpdater().getStateViewArray()))
          .as("optimiser state after epoch %d", epoch).isLessThan(1e-6);
      assertThat(maxAbsDiff(averaged[0], alone.params())).as("parameters after epoch %d", epoch)
          .isLessThan(1e-6);
    }
  }

  /** A small teacher-student run of {@code workers} workers averaging once an epoch. */
  static RunSpec spec(String optimiser, int workers, int seed) {
    return Grid.runs(ExperimentFile.parse("""
        name: pa-state
        dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 100}
        train_sizes: [256]
        model: {family: mlp, depths: [1], widths: [16]}
        optimizer: {kind: %s, learning_rate: 0.01, batch_size: 32}
        epochs: 3
        checkpoint_every: 1
        seeds: [%d]
        strategy: {kind: parameter-averaging, workers: %d, batch_per_worker: 32}
        """.formatted(optimiser, seed, workers), "pa-state.yaml")).get(0);
  }

  private static double maxAbsDiff(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue();
  }
}
