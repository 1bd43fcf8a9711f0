package org.overparam.train.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
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

/**
 * Runs trained together as one stacked model end as each would trained alone by DL4J's own
 * loop: in double precision every evaluated epoch's losses and errors agree within 1e-9, with
 * members that differ in seed (initialisation, data order, label flips), label noise, weight
 * decay and learning rate, a short last minibatch and two hidden layers; a member that diverges
 * ends alone; a stack resumed from its checkpoints ends as an uninterrupted one.
 */
class StackedTrainingTest {
  private static final EpochListener QUIET = (s, m) -> {};

  @TempDir
  Path tmp;

  private final DataType was = Nd4j.defaultFloatingPointType();

  @AfterEach
  void restoreTypes() {
    Nd4j.setDefaultDataTypes(was, was);
  }

  /** 16 runs of one shape: 2 seeds x 2 noise levels x 2 weight decays x 2 learning rates. */
  static List<RunSpec> grid(String extra) {
    return Grid.runs(ExperimentFile.parse(gridText(extra), "stacked.yaml"));
  }

  static String gridText(String extra) {
    return """
        name: stacked
        dataset: {kind: teacher-student, input_dim: 12, classes: 4, teacher_width: 8, test_size: 300}
        train_sizes: [250]
        label_noise: [0.0, 0.25]
        weight_decay: [0.0, 0.001]
        model: {family: mlp, depths: [2], widths: [16]}
        optimizer: {kind: adam, learning_rate: [0.01, 0.003], batch_size: 32}
        epochs: 4
        eval_every: 1
        seeds: [1, 2]
        strategy: {kind: per-task}
        %s
        """.formatted(extra);
  }

  /** Four runs of which each pair differs in seed, noise, weight decay or rate. */
  static List<RunSpec> members(List<RunSpec> all) {
    List<RunSpec> out = new ArrayList<>();
    for (RunSpec r : all) {
      boolean a = r.seed() == 1 && r.labelNoise() == 0 && r.weightDecay() == 0
          && r.optimizer().learningRate() == 0.01;
      boolean b = r.seed() == 2 && r.labelNoise() == 0.25 && r.weightDecay() == 0
          && r.optimizer().learningRate() == 0.01;
      boolean c = r.seed() == 1 && r.labelNoise() == 0.25 && r.weightDecay() == 0.001
          && r.optimizer().learningRate() == 0.003;
      boolean d = r.seed() == 2 && r.labelNoise() == 0 && r.weightDecay() == 0.001
          && r.optimizer().learningRate() == 0.01;
      if (a || b || c || d) {
        out.add(r);
      }
    }
    assertThat(out).hasSize(4);
    return out;
  }

  static List<TrainTest> data(List<RunSpec> specs) {
    return specs.stream().map(s -> Datasets.prepare(Datasets.load(s.dataset()), s)).toList();
  }

  static void assertSameMetrics(RunResult stacked, RunResult alone, double tol) {
    assertThat(stacked.status()).isEqualTo(alone.status());
    assertThat(stacked.epochs()).hasSameSizeAs(alone.epochs());
    for (int i = 0; i < alone.epochs().size(); i++) {
      EpochMetrics a = alone.epochs().get(i);
      EpochMetrics b = stacked.epochs().get(i);
      assertThat(b.epoch()).isEqualTo(a.epoch());
      double[] got = {b.trainLoss(), b.trainError(), b.testLoss(), b.testError()};
      double[] want = {a.trainLoss(), a.trainError(), a.testLoss(), a.testError()};
      for (int j = 0; j < 4; j++) {
        assertThat(got[j]).as("%s epoch %d metric %d", alone.runId(), a.epoch(), j)
            .isCloseTo(want[j], org.assertj.core.data.Offset.offset(tol));
      }
    }
  }

  @Test
  void inDoublePrecisionEachMemberEndsAsTrainedAlone() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    List<RunSpec> specs = members(grid(""));
    List<TrainTest> data = data(specs);
    List<RunResult> stacked = new LocalTrainer(QUIET).trainStack(specs, data, "cpu");
    assertThat(stacked).hasSize(4);
    for (int k = 0; k < specs.size(); k++) {
      RunResult alone = new LocalTrainer(QUIET).train(specs.get(k), data.get(k), "cpu");
      assertThat(alone.stackSize()).isZero();
      assertThat(stacked.get(k).stackSize()).isEqualTo(4);
      assertThat(stacked.get(k).runId()).isEqualTo(specs.get(k).runId());
      assertThat(alone.epochs()).hasSize(4);
      assertSameMetrics(stacked.get(k), alone, 1e-9);
    }
    // the members did train apart: their final test losses differ
    assertThat(stacked.stream().map(r -> r.last().testLoss()).distinct()).hasSize(4);
  }

  @Test
  void inFloatEachMemberEndsCloseToTrainedAlone() {
    List<RunSpec> specs = members(grid(""));
    List<TrainTest> data = data(specs);
    List<RunResult> stacked = new LocalTrainer(QUIET).trainStack(specs, data, "cpu");
    for (int k = 0; k < specs.size(); k++) {
      RunResult alone = new LocalTrainer(QUIET).train(specs.get(k), data.get(k), "cpu");
      assertSameMetrics(stacked.get(k), alone, 1e-3);
    }
  }

  @Test
  void aDivergingMemberEndsAloneAndTheOthersAsTrainedAlone() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    List<RunSpec> specs = new ArrayList<>(members(grid("")));
    // the same shape, at a rate that overflows within a step
    RunSpec wild = Grid.runs(ExperimentFile.parse(gridText("")
        .replace("learning_rate: [0.01, 0.003]", "learning_rate: 1.0e200")
        .replace("seeds: [1, 2]", "seeds: [3]"), "wild.yaml")).get(0);
    specs.add(1, wild);
    List<TrainTest> data = data(specs);
    List<RunResult> stacked = new LocalTrainer(QUIET).trainStack(specs, data, "cpu");
    RunResult alone = new LocalTrainer(QUIET).train(wild, data.get(1), "cpu");
    assertThat(alone.status()).isEqualTo(RunStatus.DIVERGED);
    assertThat(stacked.get(1).status()).isEqualTo(RunStatus.DIVERGED);
    assertThat(stacked.get(1).epochs()).hasSameSizeAs(alone.epochs());
    for (int k : new int[] {0, 2, 3, 4}) {
      assertThat(stacked.get(k).status()).isEqualTo(RunStatus.COMPLETED);
      assertSameMetrics(stacked.get(k), new LocalTrainer(QUIET).train(specs.get(k), data.get(k),
          "cpu"), 1e-9);
    }
  }

  @Test
  void aResumedStackEndsAsAnUninterruptedOne() {
    List<RunSpec> specs = members(grid("checkpoint_every: 2"));
    List<TrainTest> data = data(specs);
    List<RunResult> reference = new LocalTrainer(QUIET).trainStack(specs, data, "cpu");

    Checkpoints cp = ResultsStore.open(tmp.toString()).checkpoints();
    EpochListener crash = (s, m) -> {
      if (m.epoch() >= 3) {
        throw new IllegalStateException("simulated crash in epoch " + m.epoch());
      }
    };
    assertThatThrownBy(() -> new LocalTrainer(crash, cp).trainStack(specs, data, "cpu"))
        .hasMessageContaining("simulated crash");
    for (RunSpec s : specs) {
      assertThat(cp.latest(s)).hasValueSatisfying(c -> assertThat(c.epoch()).isEqualTo(2));
    }
    List<RunResult> resumed = new LocalTrainer(QUIET, cp).trainStack(specs, data, "cpu");
    for (int k = 0; k < specs.size(); k++) {
      assertSameMetrics(resumed.get(k), reference.get(k), 0);
    }
  }
}
