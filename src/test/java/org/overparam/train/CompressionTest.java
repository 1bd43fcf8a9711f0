package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.overparam.model.ReluDense;
import org.overparam.model.SoftmaxOutput;

/**
 * Magnitude pruning removes exactly the smallest {@code floor(s W)} weights over all matrices
 * together, leaves biases and the trained network alone, and gives the same network whether
 * the sorted magnitudes are computed per sparsity or once for all.
 */
class CompressionTest {
  private static MultiLayerNetwork net() {
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
        .list().layer(ReluDense.of(30, 20)).layer(SoftmaxOutput.of(20, 4)).build());
    n.init();
    return n;
  }

  private static List<Float> magnitudes(MultiLayerNetwork n) {
    List<Float> out = new ArrayList<>();
    for (INDArray w : Compression.weights(n)) {
      for (float v : w.dup('c').data().asFloat()) {
        out.add(Math.abs(v));
      }
    }
    return out;
  }

  @Test
  void prunesTheSmallestWeightsOverAllMatricesAndNothingElse() {
    MultiLayerNetwork trained = net();
    INDArray before = trained.params().dup();
    List<Float> all = magnitudes(trained);
    assertThat(all).hasSize(30 * 20 + 20 * 4);
    float[] sorted = Compression.sortedMagnitudes(trained);
    assertThat(sorted).hasSize(all.size());
    for (double s : new double[] {0.0, 0.3, 0.9, 0.99}) {
      MultiLayerNetwork a = trained.clone();
      Compression.prune(a, s);
      MultiLayerNetwork b = trained.clone();
      Compression.prune(b, s, sorted);
      assertThat(b.params()).isEqualTo(a.params());

      int k = (int) Math.floor(s * all.size());
      long[] counts = Compression.counts(a);
      assertThat(counts[0]).isEqualTo(all.size());
      assertThat(counts[1]).as("sparsity %s", s).isEqualTo(all.size() - k);
      // every weight kept is larger than every weight removed; biases are untouched
      float largestRemoved = k == 0 ? -1f : sorted[k - 1];
      for (float m : magnitudes(a)) {
        assertThat(m == 0f || m > largestRemoved).isTrue();
      }
      assertThat(a.getLayer(0).getParam("b")).isEqualTo(trained.getLayer(0).getParam("b"));
    }
    assertThat(trained.params()).isEqualTo(before);
  }
}
