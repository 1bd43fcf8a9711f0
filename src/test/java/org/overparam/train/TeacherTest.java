package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.overparam.config.Distillation;
import org.overparam.config.ExperimentConfig;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.data.TrainTest;
import org.overparam.results.ResultsStore;
import org.overparam.train.local.LocalTrainer;

/**
 * Distillation on real DL4J training of a few hundred Fashion-MNIST images: the teacher's
 * network kept where its students read it, the soft labels and their temperature limits, the
 * mixed targets, a student at alpha 0 equal to the label-only run bit for bit, and a student
 * resumed from its checkpoint.
 */
class TeacherTest {
  @TempDir
  static Path tmp;

  static final String YAML = """
      name: teach
      dataset: {kind: fashion-mnist, test_size: 500}
      train_sizes: [300]
      label_noise: [0.2]
      model: {family: mlp, depths: [1], widths: [8, 32]}
      optimizer: {kind: adam, learning_rate: 0.001, batch_size: 50}
      epochs: 3
      checkpoint_every: 1
      seeds: [3]
      strategy: {kind: per-task}
      distillation: {widths: [8], temperature: 4.0, alpha: %s}
      """;

  static final EpochListener QUIET = (s, m) -> {};

  static ResultsStore store;
  static RunSpec teacher;
  static RunSpec labels8;
  static RunResult taught;
  static TrainTest data;

  /** The run of the teacher width (32) trained by a store that keeps its network. */
  @BeforeAll
  static void trainTheTeacher() {
    ExperimentConfig c = ExperimentFile.parse(YAML.formatted("0.5"), "teach.yaml");
    List<RunSpec> grid = Grid.runs(c);
    teacher = Distillation.teachers(c, grid).get(0);
    labels8 = grid.get(0);
    assertThat(teacher.width()).isEqualTo(32);
    assertThat(labels8.width()).isEqualTo(8);
    store = ResultsStore.open(tmp.resolve("results").toString());
    data = Datasets.prepare(Datasets.load(teacher.dataset()), teacher);
    taught = new LocalTrainer(QUIET, store.checkpoints().keepingFinal(Set.of(teacher.runId())))
        .train(teacher, data, "cpu");
    store.write(taught);
  }

  static RunSpec student(String alpha) {
    ExperimentConfig c = ExperimentFile.parse(YAML.formatted(alpha), "teach.yaml");
    return Distillation.students(c, Grid.runs(c)).get(0);
  }

  static MultiLayerNetwork teacherNet() {
    return store.checkpoints().finalModel("teach", teacher.runId()).orElseThrow();
  }

  @Test
  void theTeacherKeepsItsFinalNetworkWhereItsStudentsReadItAndOtherRunsKeepNone() {
    Path kept = tmp.resolve("results/_models/experiment=teach/" + teacher.runId() + ".zip");
    assertThat(kept).isRegularFile();
    // The kept network is the one the run ended with: its test error is the recorded one.
    MultiLayerNetwork net = teacherNet();
    double[] test = Evaluator.evaluate(net, Evaluator.features(data.test()), data.test());
    assertThat(test[1]).isEqualTo(taught.last().testError());
    // A run that is not a teacher keeps nothing; checkpoints went with the recorded run.
    RunResult other = new LocalTrainer(QUIET, store.checkpoints()
        .keepingFinal(Set.of(teacher.runId()))).train(labels8, data, "cpu");
    assertThat(other.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(store.checkpoints().hasFinal("teach", labels8.runId())).isFalse();
    assertThat(store.checkpoints().hasFinal("teach", teacher.runId())).isTrue();
    assertThat(tmp.resolve("results/_checkpoints/experiment=teach/" + teacher.runId()))
        .doesNotExist();
  }

  @Test
  void softLabelsAreTheTeachersOutputsAtTemperatureOneAndNearUniformAtALargeOne() {
    MultiLayerNetwork net = teacherNet();
    INDArray x = Evaluator.features(data.train());
    double[][] t1 = Teacher.softLabels(net, x, 1.0);
    double[][] t4 = Teacher.softLabels(net, x, 4.0);
    double[][] hot = Teacher.softLabels(net, x, 1e6);
    float[] out = net.output(x, false).dup('c').data().asFloat();
    assertThat(t1).hasNumberOfRows(300);
    double entropy1 = 0;
    double entropy4 = 0;
    for (int i = 0; i < 300; i++) {
      assertThat(t1[i]).hasSize(10);
      assertThat(sum(t1[i])).isCloseTo(1, within(1e-12));
      assertThat(sum(t4[i])).isCloseTo(1, within(1e-12));
      for (int c = 0; c < 10; c++) {
        // softmax(z / 1) is the network's own output: the logits are the output layer's.
        assertThat(t1[i][c]).as("row %d class %d", i, c).isCloseTo(out[i * 10 + c],
            within(2e-6));
        // T -> infinity: every class equally likely.
        assertThat(hot[i][c]).isCloseTo(0.1, within(1e-4));
      }
      // Softening keeps the teacher's ranking and raises the entropy.
      assertThat(argmax(t4[i])).isEqualTo(argmax(t1[i]));
      entropy1 += entropy(t1[i]);
      entropy4 += entropy(t4[i]);
    }
    assertThat(entropy4 / 300).isGreaterThan(entropy1 / 300 + 0.1)
        .isLessThan(Math.log(10));
  }

  @Test
  void theMixIsTheLabelsAtAlphaZeroTheSoftLabelsAtOneAndTheirAverageBetween() {
    double[][] soft = Teacher.softLabels(teacherNet(), Evaluator.features(data.train()), 4.0);
    INDArray hard = Evaluator.labels(data.train());
    INDArray zero = Teacher.mix(soft, data.train(), 0.0);
    assertThat(zero.shape()).containsExactly(hard.shape());
    assertThat(zero.data().asFloat()).containsExactly(hard.data().asFloat());
    float[] one = Teacher.mix(soft, data.train(), 1.0).data().asFloat();
    float[] half = Teacher.mix(soft, data.train(), 0.5).data().asFloat();
    float[] y = hard.data().asFloat();
    for (int i = 0; i < 300; i++) {
      for (int c = 0; c < 10; c++) {
        assertThat(one[i * 10 + c]).isEqualTo((float) soft[i][c]);
        assertThat(half[i * 10 + c]).isCloseTo((float) (soft[i][c] + y[i * 10 + c]) / 2,
            within(1e-7f));
      }
    }
    // A run trained on labels alone fits its labels.
    assertThat(Teacher.targets(labels8, data.train(), store.checkpoints()).data().asFloat())
        .containsExactly(hard.data().asFloat());
  }

  @Test
  void aStudentAtAlphaZeroTrainsBitForBitAsTheLabelOnlyRunAndAtOneHalfOtherwise()
      throws IOException {
    fresh(student("0.0"));
    fresh(student("0.5"));
    RunResult labels = new LocalTrainer(QUIET).train(labels8, data, "cpu");
    RunResult zero = new LocalTrainer(QUIET, store.checkpoints()).train(student("0.0"), data,
        "cpu");
    RunResult half = new LocalTrainer(QUIET, store.checkpoints()).train(student("0.5"), data,
        "cpu");
    assertThat(zero.runId()).isNotEqualTo(labels.runId());
    assertThat(numbers(zero)).containsExactly(numbers(labels));
    assertThat(numbers(half)).isNotEqualTo(numbers(labels));
    // Metrics measure the student on its hard labels, as every run's.
    assertThat(half.epochs()).hasSize(3);
    assertThat(half.status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aStudentResumesFromItsCheckpointToTheSameNumbers() throws IOException {
    RunSpec s = student("0.5");
    Path dir = fresh(s);
    RunResult reference = new LocalTrainer(QUIET, store.checkpoints()).train(s, data, "cpu");
    fresh(s);
    EpochListener crash = (spec, m) -> {
      if (m.epoch() == 2) {
        throw new IllegalStateException("simulated crash in epoch 2");
      }
    };
    assertThatThrownBy(() -> new LocalTrainer(crash, store.checkpoints()).train(s, data, "cpu"))
        .hasMessageContaining("simulated crash");
    assertThat(dir.resolve("epoch-000001.zip")).isRegularFile();
    RunResult resumed = new LocalTrainer(QUIET, store.checkpoints()).train(s, data, "cpu");
    assertThat(numbers(resumed)).containsExactly(numbers(reference));
  }

  @Test
  void aStudentWhoseTeacherKeptNoNetworkFailsSayingWhere() {
    RunSpec orphan = labels8.withDistillation(new Distillation(labels8.runId(), 8, 4.0, 0.5));
    assertThatThrownBy(() -> new LocalTrainer(QUIET, store.checkpoints()).train(orphan, data,
        "cpu")).isInstanceOf(IllegalStateException.class)
        .hasMessage("teacher run " + labels8.runId() + " has no trained model kept in the "
            + "results root (_models/experiment=teach/" + labels8.runId() + ".zip)");
  }

  /** Every evaluated epoch's losses and errors, in order. */
  static double[] numbers(RunResult r) {
    return r.epochs().stream().flatMapToDouble(m -> java.util.stream.DoubleStream.of(
        m.trainLoss(), m.trainError(), m.testLoss(), m.testError())).toArray();
  }

  private static double sum(double[] p) {
    double s = 0;
    for (double v : p) {
      s += v;
    }
    return s;
  }

  private static int argmax(double[] p) {
    int a = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[a]) {
        a = c;
      }
    }
    return a;
  }

  private static double entropy(double[] p) {
    double h = 0;
    for (double v : p) {
      h -= v > 0 ? v * Math.log(v) : 0;
    }
    return h;
  }

  /** Removes what earlier tests left of {@code s}'s checkpoints; returns their folder. */
  private static Path fresh(RunSpec s) throws IOException {
    Path dir = tmp.resolve("results/_checkpoints/experiment=teach/" + s.runId());
    deleteTree(dir);
    return dir;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
