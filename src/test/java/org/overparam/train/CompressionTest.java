package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.overparam.config.CompressionConfig;
import org.overparam.data.Examples;
import org.overparam.model.ReluDense;
import org.overparam.model.SoftmaxOutput;

/**
 * Magnitude pruning removes exactly the smallest {@code floor(s W)} weights over all matrices
 * together and leaves biases and the trained network alone; its thresholds are those of a full
 * sort; the variants evaluated together are those built one by one.
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
    float[] sorted = new float[all.size()];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = all.get(i);
    }
    Arrays.sort(sorted);
    for (double s : new double[] {0.0, 0.3, 0.9, 0.99}) {
      MultiLayerNetwork a = trained.clone();
      Compression.prune(a, s);

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

  @Test
  void thresholdsAreTheMagnitudesASortPutsAtEachRank() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
    // magnitudes over many octaves, repeated values, zeros of both signs, one value in a bucket
    float[][] w = new float[3][];
    for (int m = 0; m < w.length; m++) {
      w[m] = new float[5000 + 1000 * m];
      for (int i = 0; i < w[m].length; i++) {
        double u = rng.nextDouble();
        w[m][i] = u < 0.05 ? (rng.nextBoolean() ? 0f : -0f) : u < 0.2 ? 0.25f * (m + 1)
            : (float) ((rng.nextBoolean() ? 1 : -1) * Math.exp(-20 * rng.nextDouble()));
      }
    }
    w[2][17] = 1e30f;
    List<Double> sparsities = List.of(0.0, 0.01, 0.05, 0.051, 0.3, 0.5, 0.9, 0.99, 0.9999, 1.0);
    float[] all = new float[5000 + 6000 + 7000];
    int at = 0;
    for (float[] m : w) {
      for (float x : m) {
        all[at++] = Math.abs(x);
      }
    }
    Arrays.sort(all);

    float[] t = Compression.thresholds(w, sparsities);

    for (int i = 0; i < sparsities.size(); i++) {
      int k = (int) Math.floor(sparsities.get(i) * all.length);
      assertThat(t[i]).as("sparsity %s", sparsities.get(i)).isEqualTo(k == 0 ? -1f : all[k - 1]);
    }
    assertThat(t[t.length - 1]).isEqualTo(1e30f);
  }

  @Test
  void everyVariantIsTheNetworkPrunedAndQuantisedOnItsOwn() {
    MultiLayerNetwork trained = net();
    INDArray before = trained.params().dup();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    int n = 64;
    float[] x = new float[n * 30];
    int[] labels = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      labels[i] = rng.nextInt(4);
    }
    Examples test = new Examples(x, labels, 30, 4, 1);
    INDArray xTest = Evaluator.features(test);
    CompressionConfig c = new CompressionConfig(List.of(0.3, 0.9, 0.99), true);

    List<CompressionResult> variants = Compression.evaluate(trained, c, xTest, test);

    assertThat(variants).extracting(CompressionResult::variant).containsExactly("dense", "int8",
        "prune-0.3", "prune-0.3+int8", "prune-0.9", "prune-0.9+int8", "prune-0.99",
        "prune-0.99+int8");
    for (CompressionResult r : variants) {
      MultiLayerNetwork alone = trained.clone();
      Compression.prune(alone, r.sparsity());
      if (r.quantization().equals(Compression.INT8)) {
        Compression.quantizeInt8(alone);
      }
      double[] e = Evaluator.evaluate(alone, xTest, test);
      long[] counts = Compression.counts(alone);
      assertThat(r.testLoss()).as(r.variant()).isEqualTo(e[0]);
      assertThat(r.testError()).as(r.variant()).isEqualTo(e[1]);
      assertThat(r.weights()).isEqualTo(counts[0]);
      assertThat(r.nonzeroWeights()).as(r.variant()).isEqualTo(counts[1]);
    }
    assertThat(variants.get(2).nonzeroWeights()).isLessThan(variants.get(0).nonzeroWeights());
    assertThat(trained.params()).isEqualTo(before);
  }
}
