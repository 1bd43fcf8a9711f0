package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;

/**
 * One step of a float stack (its update fused into one pass a member) leaves each member's
 * parameters and Adam state as DL4J's own fit of the same minibatch does, to float rounding,
 * step after step; networks a stack cannot train are refused by name.
 */
class StackedMlpTest {
  static List<RunSpec> specs(String extra) {
    return specs("model: {family: mlp, depths: [2], widths: [12]}", extra);
  }

  static List<RunSpec> specs(String model, String extra) {
    return Grid.runs(ExperimentFile.parse("""
        name: stack
        dataset: {kind: teacher-student, input_dim: 20, classes: 5, test_size: 100}
        train_sizes: [64]
        weight_decay: [0.0, 0.001]
        %s
        optimizer: {kind: adam, learning_rate: [0.01, 0.002], batch_size: 16}
        epochs: 2
        seeds: [1]
        %s
        """.formatted(model, extra), "stack.yaml"));
  }

  /**
   * Small members; and members over {@link StackedMlp#SPLIT_UPDATE} parameters (20 x 520,
   * 520 x 520 and 520 x 5 weights) at two BLAS threads, whose parameter step is cut in two.
   * The stack scores the weight decay term on the weights after the step, DL4J before it: a
   * step moves {@code coeff / 2 |W|^2} of 280,000 weights by up to a few hundredths.
   */
  @ParameterizedTest(name = "{0}, {1} threads")
  @CsvSource(delimiter = ';', value = {
      "model: {family: mlp, depths: [2], widths: [12]}; 1; 1e-3",
      "model: {family: mlp, depths: [2], widths: [520]}; 2; 0.05"})
  void eachStepLeavesEveryMemberAsDl4jsFitDoes(String model, int threads, double scoreOff) {
    int before = Nd4j.factory().blas().getMaxThreads();
    Nd4j.factory().blas().setMaxThreads(threads);
    try {
      steps(specs(model, ""), scoreOff);
    } finally {
      Nd4j.factory().blas().setMaxThreads(before);
    }
  }

  private void steps(List<RunSpec> specs, double scoreOff) {
    List<MultiLayerNetwork> alone = new ArrayList<>();
    List<MultiLayerNetwork> members = new ArrayList<>();
    for (RunSpec s : specs) {
      alone.add(Mlp.build(s, 20, 5, 100));
      members.add(Mlp.build(s, 20, 5, 100));
    }
    StackedMlp stack = StackedMlp.of(members);
    int k = specs.size();
    SplittableRandom rng = new SplittableRandom(7);
    BitSet live = new BitSet();
    live.set(0, k);
    for (int step = 0; step < 12; step++) {
      int rows = step % 3 == 2 ? 5 : 16; // a short minibatch now and then
      INDArray[] x = new INDArray[k];
      double[][] y = new double[k][];
      int[][] order = new int[k][rows];
      for (int m = 0; m < k; m++) {
        x[m] = Nd4j.rand(DataType.FLOAT, rows, 20).subi(0.5);
        y[m] = new double[rows * 5];
        float[] labels = new float[rows * 5];
        for (int r = 0; r < rows; r++) {
          int c = rng.nextInt(5);
          y[m][r * 5 + c] = 1;
          labels[r * 5 + c] = 1;
          order[m][r] = r;
        }
        alone.get(m).fit(new DataSet(x[m], Nd4j.create(labels, new long[] {rows, 5}, 'c')));
      }
      stack.step(x, y, order, 0, rows, live);
      for (int m = 0; m < k; m++) {
        MultiLayerNetwork got = Mlp.build(specs.get(m), 20, 5, 100);
        stack.copyInto(m, got);
        assertThat(got.params().sub(alone.get(m).params()).amaxNumber().doubleValue())
            .as("member %d step %d", m, step).isLessThanOrEqualTo(1e-6);
        assertThat(got.getUpdater().getStateViewArray().sub(alone.get(m).getUpdater()
            .getStateViewArray()).amaxNumber().doubleValue()).as("member %d step %d", m, step)
            .isLessThanOrEqualTo(1e-6);
        assertThat(got.getIterationCount()).isEqualTo(alone.get(m).getIterationCount());
        assertThat(stack.score(m)).isCloseTo(alone.get(m).score(),
            org.assertj.core.data.Offset.offset(scoreOff));
      }
    }
    // the members moved, and apart
    assertThat(alone.get(0).params().sub(Mlp.build(specs.get(0), 20, 5, 100).params())
        .amaxNumber().doubleValue()).isGreaterThan(1e-3);
  }

  @Test
  void networksAStackCannotTrainAreRefusedByName() {
    RunSpec sgd = Grid.runs(ExperimentFile.parse("""
        name: stack
        dataset: {kind: teacher-student, input_dim: 20, classes: 5, test_size: 100}
        train_sizes: [64]
        model: {family: mlp, depths: [2], widths: [12]}
        optimizer: {kind: sgd, batch_size: 16}
        dropout: [0.2]
        epochs: 2
        seeds: [1]
        """, "sgd.yaml")).get(0);
    assertThatThrownBy(() -> StackedMlp.of(List.of(Mlp.build(sgd, 20, 5, 100))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot stack");
    RunSpec wide = specs("").get(0);
    RunSpec narrow = Grid.runs(ExperimentFile.parse("""
        name: stack
        dataset: {kind: teacher-student, input_dim: 20, classes: 5, test_size: 100}
        train_sizes: [64]
        model: {family: mlp, depths: [2], widths: [8]}
        optimizer: {batch_size: 16}
        epochs: 2
        seeds: [1]
        """, "narrow.yaml")).get(0);
    assertThatThrownBy(() -> StackedMlp.of(List.of(Mlp.build(wide, 20, 5, 100),
        Mlp.build(narrow, 20, 5, 100)))).hasMessageContaining("shape");
    assertThat(StackedMlp.trains(sgd)).isFalse();
    assertThat(StackedMlp.trains(wide)).isTrue();
  }
}
