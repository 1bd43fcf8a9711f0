package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.DataSource;
import org.overparam.data.Datasets;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.train.local.LocalTrainer;

/** A tiny character model trained for real on Genesis 1-3, then compressed. */
class CharLmTrainingTest {
  static RunSpec spec;
  static TrainTest data;
  static RunResult result;

  @BeforeAll
  static void train() throws Exception {
    Path text = Path.of(CharLmTrainingTest.class.getResource("/text/genesis-1-3.kjv").toURI());
    spec = Grid.runs(ExperimentFile.parse("""
        name: genesis
        dataset: {kind: text, path: '%s', context: 8, validation_fraction: 0.1, test_size: 1000}
        train_sizes: [8000]
        model: {family: charlm, depths: [1], widths: [64], embedding: 8}
        optimizer: {kind: adam, learning_rate: 0.005, batch_size: 64}
        epochs: 4
        seeds: [1]
        compression: {sparsities: [0.5, 0.9, 0.99], quantize_int8: true}
        """.formatted(text), "genesis.yaml")).get(0);
    DataSource src = Datasets.load(spec.dataset());
    data = Datasets.prepare(src, spec.trainSize(), 0.0, spec.seed());
    result = new LocalTrainer((s, m) -> { }).train(spec, data, "cpu");
  }

  @Test
  void trainingLowersTheLossBelowAUniformGuess() {
    assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(result.epochs()).hasSize(4);
    double uniform = Math.log(data.train().classes());
    EpochMetrics first = result.epochs().get(0);
    EpochMetrics last = result.last();
    assertThat(last.trainLoss()).isLessThan(first.trainLoss()).isLessThan(0.8 * uniform);
    assertThat(last.testLoss()).isLessThan(0.8 * uniform);
    assertThat(last.testError()).isLessThan(0.8);
    assertThat(result.params()).isEqualTo(Models.params(spec));
    assertThat(result.nonEmbeddingParams())
        .isEqualTo(result.params() - 8L * data.train().classes());
    assertThat(result.flopsPerExample()).isEqualTo(6 * result.nonEmbeddingParams());
  }

  @Test
  void everyVariantIsEvaluatedAndPruningHitsItsSparsity() {
    Map<String, CompressionResult> v = result.compression().stream()
        .collect(Collectors.toMap(CompressionResult::variant, c -> c));
    assertThat(v.keySet()).containsExactlyInAnyOrder("dense", "int8", "prune-0.5",
        "prune-0.5+int8", "prune-0.9", "prune-0.9+int8", "prune-0.99", "prune-0.99+int8");
    CompressionResult dense = v.get("dense");
    assertThat(dense.testLoss()).isCloseTo(result.last().testLoss(), within(1e-6));
    assertThat(dense.weights()).isEqualTo(result.params() - 64 - data.train().classes());
    for (CompressionResult c : result.compression()) {
      // Pruning alone hits its target; rounding to 8 bits also zeroes the tiniest weights.
      if (c.quantization().equals(Compression.NONE)) {
        assertThat(c.achievedSparsity()).as(c.variant()).isBetween(
            Math.floor(c.sparsity() * c.weights()) / c.weights(), c.sparsity() + 0.01);
      } else {
        assertThat(c.achievedSparsity()).as(c.variant())
            .isGreaterThanOrEqualTo(Math.floor(c.sparsity() * c.weights()) / c.weights())
            .isLessThan(c.sparsity() + 0.1);
      }
      assertThat(c.nonzeroWeights()).isEqualTo(Math.round((1 - c.achievedSparsity())
          * c.weights()));
    }
    // 8-bit weights cost little; removing 99% of the weights costs a lot.
    CompressionResult int8 = v.get("int8");
    assertThat(int8.testLoss()).isCloseTo(dense.testLoss(), within(0.02 * dense.testLoss()));
    assertThat(int8.testError()).isCloseTo(dense.testError(), within(0.02));
    assertThat(v.get("prune-0.99").testLoss()).isGreaterThan(dense.testLoss() + 0.1);
  }

  @Test
  void pruningZeroesTheSmallestWeightsAndLeavesBiasesAlone() {
    MultiLayerNetwork net = Models.build(spec, data.train().dim(), data.train().classes());
    MultiLayerNetwork pruned = net.clone();
    Compression.prune(pruned, 0.8);
    long[] counts = Compression.counts(pruned);
    assertThat(1 - (double) counts[1] / counts[0]).isCloseTo(0.8, within(1.0 / counts[0] + 1e-9));
    // The largest surviving magnitude bound: every zeroed weight was no larger than every kept one.
    List<INDArray> before = Compression.weights(net);
    List<INDArray> after = Compression.weights(pruned);
    double maxZeroed = 0;
    double minKept = Double.MAX_VALUE;
    for (int i = 0; i < before.size(); i++) {
      float[] b = before.get(i).dup('c').data().asFloat();
      float[] a = after.get(i).dup('c').data().asFloat();
      for (int j = 0; j < b.length; j++) {
        if (a[j] == 0f) {
          maxZeroed = Math.max(maxZeroed, Math.abs(b[j]));
        } else {
          assertThat(a[j]).isEqualTo(b[j]);
          minKept = Math.min(minKept, Math.abs(b[j]));
        }
      }
    }
    assertThat(maxZeroed).isLessThanOrEqualTo(minKept);
    for (int l = 0; l < net.getLayers().length; l++) {
      Layer orig = net.getLayer(l);
      if (orig.paramTable().containsKey("b")) {
        assertThat(pruned.getLayer(l).getParam("b")).isEqualTo(orig.getParam("b"));
      }
    }
    // The trained network itself is untouched by compression.
    assertThat(Compression.counts(net)[1]).isEqualTo(Compression.counts(net)[0]);
  }

  @Test
  void int8WeightsTakeAtMost255LevelsPerMatrix() {
    MultiLayerNetwork q = Models.build(spec, data.train().dim(), data.train().classes());
    Compression.quantizeInt8(q);
    for (INDArray w : Compression.weights(q)) {
      float[] v = w.dup('c').data().asFloat();
      long levels = new java.util.HashSet<>(java.util.Arrays.asList(
          java.util.stream.IntStream.range(0, v.length).mapToObj(i -> v[i])
              .toArray(Float[]::new))).size();
      assertThat(levels).isLessThanOrEqualTo(255);
    }
  }
}
