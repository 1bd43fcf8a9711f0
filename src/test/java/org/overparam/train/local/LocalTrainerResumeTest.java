package org.overparam.train.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.data.TrainTest;
import org.overparam.results.ResultsStore;
import org.overparam.train.Checkpoints;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;
import org.overparam.train.RunStatus;

/** A run stopped after a checkpoint and trained again ends as if it had never stopped. */
class LocalTrainerResumeTest {
  @TempDir
  Path tmp;

  static RunSpec spec(String optimizer, int evalEvery) {
    return Grid.runs(ExperimentFile.parse("""
        name: resume
        dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}
        train_sizes: [256]
        model: {family: mlp, depths: [2], widths: [16]}
        optimizer: {kind: %s, learning_rate: 0.01, batch_size: 32}
        epochs: 9
        eval_every: %d
        checkpoint_every: 2
        seeds: [5]
        strategy: {kind: per-task}
        """.formatted(optimizer, evalEvery), "resume.yaml")).get(0);
  }

  /** Stops the run by throwing once it has finished {@code epoch}. */
  static EpochListener crashAfter(int epoch) {
    return (spec, m) -> {
      if (m.epoch() >= epoch) {
        throw new IllegalStateException("simulated crash after epoch " + m.epoch());
      }
    };
  }

  @ParameterizedTest(name = "{0}, eval every {1}")
  @CsvSource({"adam, 1", "sgd, 1", "adam, 3"})
  void resumedRunMatchesAnUninterruptedOne(String optimizer, int evalEvery) throws IOException {
    RunSpec spec = spec(optimizer, evalEvery);
    TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec.trainSize(),
        spec.labelNoise(), spec.seed());
    ResultsStore store = ResultsStore.open(tmp.toString());
    Checkpoints cp = store.checkpoints();
    EpochListener quiet = (s, m) -> {};

    RunResult reference = new LocalTrainer(quiet, Checkpoints.none()).train(spec, data, "cpu");

    // Crash in epoch 6's report, before its checkpoint: the last one is after epoch 4.
    assertThatThrownBy(() -> new LocalTrainer(crashAfter(6), cp).train(spec, data, "cpu"))
        .hasMessageContaining("simulated crash");
    Path dir = tmp.resolve("_checkpoints/experiment=resume/" + spec.runId());
    assertThat(names(dir)).containsExactlyInAnyOrder("epoch-000004.json", "epoch-000004.zip");

    RunResult resumed = new LocalTrainer(quiet, cp).train(spec, data, "cpu");
    assertThat(resumed.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(resumed.epochs().stream().map(EpochMetrics::epoch))
        .containsExactlyElementsOf(reference.epochs().stream().map(EpochMetrics::epoch).toList());
    // Same network, optimiser state and order after the checkpoint: the same numbers.
    for (int i = 0; i < reference.epochs().size(); i++) {
      EpochMetrics a = reference.epochs().get(i);
      EpochMetrics b = resumed.epochs().get(i);
      assertThat(new double[] {b.trainLoss(), b.trainError(), b.testLoss(), b.testError()})
          .as("epoch %d", a.epoch())
          .containsExactly(a.trainLoss(), a.trainError(), a.testLoss(), a.testError());
    }

    // Writing the results removes the checkpoints, and the empty folders above them.
    store.write(resumed);
    assertThat(tmp.resolve("_checkpoints")).doesNotExist();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
