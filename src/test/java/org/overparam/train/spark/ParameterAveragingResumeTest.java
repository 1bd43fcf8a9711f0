package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;
import org.overparam.train.Checkpoints;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;
import org.overparam.train.RunStatus;

/** The driver checkpoints a parameter-averaging run; a rerun continues it to the same end. */
class ParameterAveragingResumeTest {
  @TempDir
  Path tmp;

  @Test
  void resumedRunMatchesAnUninterruptedOne() throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    RunSpec spec = Grid.runs(ExperimentFile.parse("""
        name: resume-pa
        dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}
        train_sizes: [512]
        model: {family: mlp, depths: [1], widths: [32]}
        optimizer: {kind: adam, learning_rate: 0.01, batch_size: 32}
        epochs: 6
        checkpoint_every: 2
        seeds: [2]
        strategy: {kind: parameter-averaging, workers: 2, averaging_frequency: 2, batch_per_worker: 32}
        """, "resume-pa.yaml")).get(0);
    ResultsStore store = ResultsStore.open(tmp.toString());
    EpochListener quiet = (s, m) -> {};

    RunResult reference = ParameterAveraging.train(sc, spec, quiet, Checkpoints.none());

    EpochListener crash = (s, m) -> {
      if (m.epoch() == 5) {
        throw new IllegalStateException("simulated driver crash in epoch 5");
      }
    };
    assertThatThrownBy(() -> ParameterAveraging.train(sc, spec, crash, store.checkpoints()))
        .hasMessageContaining("simulated");
    Path dir = tmp.resolve("_checkpoints/experiment=resume-pa/" + spec.runId());
    assertThat(dir.resolve("epoch-000004.json")).exists();
    assertThat(dir.resolve("epoch-000004.zip")).exists();
    assertThat(dir.resolve("epoch-000002.zip")).doesNotExist();

    RunResult resumed = ParameterAveraging.train(sc, spec, quiet, store.checkpoints());
    assertThat(resumed.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(resumed.epochs().stream().map(EpochMetrics::epoch)).containsExactly(1, 2, 3, 4,
        5, 6);
    // Epochs 1-4 come from the checkpoint; 5-6 are retrained from its state with the same splits.
    for (int i = 0; i < 6; i++) {
      EpochMetrics a = reference.epochs().get(i);
      EpochMetrics b = resumed.epochs().get(i);
      assertThat(new double[] {b.trainLoss(), b.trainError(), b.testLoss(), b.testError()})
          .as("epoch %d", a.epoch())
          .containsExactly(a.trainLoss(), a.trainError(), a.testLoss(), a.testError());
    }
    store.write(resumed);
    assertThat(Files.exists(dir)).isFalse();
  }
}
