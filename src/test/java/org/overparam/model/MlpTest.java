package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.RunSpec;

/** The network a run trains takes the experiment's settings as the file states them. */
class MlpTest {
  /**
   * Decoupled weight decay {@code w} moves each weight by {@code -lr w W} a step on top of
   * Adam's step, once: two runs that differ only in {@code weight_decay} differ after one step
   * by exactly that, and biases not at all.
   */
  @Test
  void weightDecayIsAppliedOncePerStep() {
    // two runs of the stack test's grid that differ only in weight decay, 0 and 0.001
    List<RunSpec> runs = StackedMlpTest.specs("").stream()
        .filter(r -> r.optimizer().learningRate() == 0.01).toList();
    RunSpec plain = runs.stream().filter(r -> r.weightDecay() == 0).findFirst().orElseThrow();
    RunSpec decayed = runs.stream().filter(r -> r.weightDecay() > 0).findFirst().orElseThrow();
    double lr = plain.optimizer().learningRate();
    double w = decayed.weightDecay();
    MultiLayerNetwork a = Mlp.build(plain, 20, 5, 100);
    MultiLayerNetwork b = Mlp.build(decayed, 20, 5, 100);
    assertThat(b.params()).isEqualTo(a.params()); // same seed, same initialisation
    MultiLayerNetwork start = a.clone();

    Nd4j.getRandom().setSeed(7);
    INDArray x = Nd4j.rand(16, 20);
    INDArray y = Nd4j.zeros(16, 5);
    for (int i = 0; i < 16; i++) {
      y.putScalar(i, i % 5, 1.0);
    }
    a.fit(new DataSet(x, y));
    b.fit(new DataSet(x, y));

    for (int i = 0; i < a.getnLayers(); i++) {
      INDArray w0 = a.getLayer(i).getParam("W");
      INDArray w1 = b.getLayer(i).getParam("W");
      INDArray expected = start.getLayer(i).getParam("W").mul(-lr * w);
      INDArray got = w1.sub(w0);
      assertThat(got.sub(expected).amaxNumber().doubleValue())
          .as("layer %d: weight change from decay, against -lr w W", i)
          .isLessThan(0.05 * expected.amaxNumber().doubleValue()); // applied twice: off by 1x
      assertThat(b.getLayer(i).getParam("b")).isEqualTo(a.getLayer(i).getParam("b"));
    }
    assertThat(start.params()).isNotEqualTo(a.params());
  }
}
