package org.overparam.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.overparam.config.RunSpec;
import org.overparam.data.Seeds;

/**
 * The {@code gpt} family, a decoder-only transformer. Input: windows of {@code context} token
 * indices ({@code [batch, context]}); output: for every position t a softmax over the
 * vocabulary for the token at t + 1 ({@code [batch, context, vocabulary]}), trained on all of
 * them (labels {@code [batch, context, 1]}, the token indices).
 *
 * <p>Layers: a token embedding table (vocabulary x width, no bias, N(0, 0.02^2)); a learned
 * position embedding ({@link PositionEmbedding}, with the embedding dropout); {@code depth}
 * {@link GptBlock}s of {@code heads} heads; a final LayerNorm ({@link FinalNorm}); a linear
 * softmax layer over the vocabulary (untied from the token embedding, N(0, 0.02^2) weights, so
 * that the loss at initialisation is ln(vocabulary)).
 *
 * <p>Counting (Kaplan et al. 2020): N, the non-embedding parameters, is every parameter but the
 * token and position tables ({@code depth x (12 d^2 + 13 d) + 2 d + d V + V}, the softmax layer
 * included). Training FLOPs per predicted token are {@code 6 N + 12 x depth x context x d}: 6
 * per weight a multiply-add touches (forward 2, backward 4), plus attention's own arithmetic,
 * the scores {@code QK^T} and their weighted sum of values, {@code 2 x 2 x context x d} per
 * layer forward, times 3 with the backward pass (the causal mask discards half of it, but the
 * full matrices are computed). Lookups, LayerNorms, GELU and softmax are not counted.
 */
public final class Gpt {
  static final double INIT_STD = 0.02;

  private Gpt() {}

  /** Parameters of the token and position tables, which N leaves out. */
  public static long embeddingParams(int context, int vocabulary, int width) {
    return (long) vocabulary * width + PositionEmbedding.params(width, context);
  }

  /** All parameters, both embedding tables included. */
  public static long params(int context, int vocabulary, int depth, int width) {
    long d = width;
    return embeddingParams(context, vocabulary, width) + depth * GptBlock.params(d)
        + FinalNorm.params(d) + d * vocabulary + vocabulary;
  }

  /** Kaplan's N: the parameters outside the token and position embeddings. */
  public static long nonEmbeddingParams(int context, int vocabulary, int depth, int width) {
    return params(context, vocabulary, depth, width)
        - embeddingParams(context, vocabulary, width);
  }

  /** Training FLOPs per predicted token: {@code 6 N + 12 x depth x context x width}. */
  public static long trainingFlopsPerToken(int context, int vocabulary, int depth, int width) {
    return 6 * nonEmbeddingParams(context, vocabulary, depth, width)
        + 12L * depth * context * width;
  }

  /**
   * The DL4J network for {@code spec}, initialised from the run seed's "init" stream, its rate
   * scheduled over {@code steps} minibatch steps when the optimizer has a schedule.
   */
  public static MultiLayerNetwork build(RunSpec spec, int context, int vocabulary, int steps) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, context, vocabulary,
        DataType.FLOAT, Mlp.updater(spec.optimizer(), spec.width(), steps)));
    net.init();
    return net;
  }

  /** The configuration {@link #build} uses, in {@code type} and with {@code updater}. */
  static MultiLayerConfiguration configuration(RunSpec spec, int context, int vocabulary,
      DataType type, IUpdater updater) {
    int d = spec.width();
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(Seeds.derive(spec.seed(), "init"))
        .dataType(type)
        .updater(updater)
        .weightDecay(spec.weightDecay())
        .list();
    b.layer(new EmbeddingSequenceLayer.Builder().nIn(vocabulary).nOut(d).inputLength(context)
        .hasBias(false).outputDataFormat(RNNFormat.NWC)
        .weightInit(new NormalDistribution(0, INIT_STD)).build());
    b.layer(new PositionEmbedding(d, context, spec.dropout()));
    for (int i = 0; i < spec.depth(); i++) {
      b.layer(new GptBlock(d, spec.heads(), context, spec.depth(), spec.dropout()));
    }
    b.layer(new FinalNorm(d, context));
    b.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT).nIn(d)
        .nOut(vocabulary).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NWC)
        .weightInit(new NormalDistribution(0, INIT_STD)).build());
    return Regularisation.once(b.build()); // weight decay once a step
  }
}
