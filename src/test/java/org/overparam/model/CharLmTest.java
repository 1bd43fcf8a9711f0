package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;

class CharLmTest {
  static RunSpec spec(String family, int depth, int width, int embedding, int context) {
    return Grid.runs(ExperimentFile.parse("""
        name: c
        dataset: {kind: text, context: %d}
        train_sizes: [1000]
        model: {family: %s, depths: [%d], widths: [%d], embedding: %d}
        epochs: 1
        """.formatted(context, family, depth, width, embedding), "c.yaml")).get(0);
  }

  @ParameterizedTest(name = "{0} depth {1} width {2} embedding {3} context {4} vocabulary {5}")
  @CsvSource({
      "charlm, 1, 8, 4, 6, 30",
      "charlm, 3, 64, 16, 32, 62",
      "charlm, 2, 1, 1, 1, 2",
      "charlstm, 1, 8, 4, 6, 30",
      "charlstm, 2, 16, 8, 10, 62"})
  void countsEveryParameterDl4jHasAndSeparatesTheEmbedding(String family, int depth, int width,
      int embedding, int context, int vocabulary) {
    RunSpec s = spec(family, depth, width, embedding, context);
    MultiLayerNetwork net = Models.build(s, context, vocabulary);
    assertThat(Models.params(s, context, vocabulary)).isEqualTo(net.numParams());
    assertThat(Models.nonEmbeddingParams(net))
        .isEqualTo(net.numParams() - (long) vocabulary * embedding)
        .isEqualTo(net.numParams() - net.getLayer(0).numParams());

    // One softmax row per example over the vocabulary, from integer character indices.
    INDArray x = Nd4j.create(new float[][] {new float[context], new float[context]});
    x.putScalar(1, context - 1, vocabulary - 1);
    INDArray p = net.output(x);
    assertThat(p.shape()).containsExactly(2, vocabulary);
    assertThat(p.sum(1).toDoubleVector()).containsExactly(new double[] {1.0, 1.0},
        org.assertj.core.data.Offset.offset(1e-4));
  }

  @ParameterizedTest
  @CsvSource({"charlm, 6", "charlstm, 6"})
  void flopsCountTheWeightsAMultiplyAddTouches(String family, int context) {
    RunSpec s = spec(family, 1, 8, 4, context);
    MultiLayerNetwork net = Models.build(s, context, 30);
    long nonEmbedding = Models.nonEmbeddingParams(net);
    long flops = Models.trainingFlopsPerExample(s, context, 30);
    if (family.equals("charlm")) {
      assertThat(flops).isEqualTo(6 * nonEmbedding);
    } else {
      long output = 8 * 30 + 30;
      assertThat(flops).isEqualTo(6 * ((nonEmbedding - output) * context + output));
    }
  }
}
