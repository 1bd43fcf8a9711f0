package org.overparam.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.preprocessors.KerasFlattenRnnPreprocessor;
import org.nd4j.linalg.activations.Activation;
import org.overparam.config.RunSpec;
import org.overparam.data.Seeds;

/**
 * The character language-model families. Input: the vocabulary indices of {@code context}
 * characters; output: a softmax over the vocabulary for the next one.
 *
 * <ul>
 *   <li>{@code charlm}: a shared embedding table (vocabulary x embedding, no bias) looks up each
 *       character, the {@code context} vectors are concatenated, then {@code depth} ReLU layers
 *       of {@code width} units and the softmax layer.
 *   <li>{@code charlstm}: the same embeddings read in order by {@code depth} stacked LSTM layers
 *       of {@code width} units; the last step of the last layer feeds the softmax layer.
 * </ul>
 */
public final class CharLm {
  private CharLm() {}

  /** Parameters of the embedding table. */
  public static long embeddingParams(int vocabulary, int embedding) {
    return (long) vocabulary * embedding;
  }

  /** All weights and biases, embedding table included. */
  public static long params(String family, int context, int vocabulary, int embedding, int depth,
      int width) {
    long p = embeddingParams(vocabulary, embedding);
    if (family.equals("charlstm")) {
      long prev = embedding;
      for (int i = 0; i < depth; i++) {
        p += lstmParams(prev, width);
        prev = width;
      }
    } else {
      long prev = (long) context * embedding;
      for (int i = 0; i < depth; i++) {
        p += prev * width + width;
        prev = width;
      }
    }
    return p + (long) width * vocabulary + vocabulary;
  }

  /** DL4J's LSTM without peepholes: input and recurrent weights and a bias for 4 gates. */
  static long lstmParams(long in, long width) {
    return 4 * (in * width + width * width + width);
  }

  /**
   * Training FLOPs per predicted character: 6 per weight a multiply-add touches (forward 2,
   * backward 4). An embedding lookup multiplies nothing, so the table is not counted; an LSTM
   * layer applies its weights at every one of the {@code context} steps.
   */
  public static long trainingFlopsPerExample(String family, int context, int vocabulary,
      int embedding, int depth, int width) {
    long nonEmbedding = params(family, context, vocabulary, embedding, depth, width)
        - embeddingParams(vocabulary, embedding);
    if (!family.equals("charlstm")) {
      return 6 * nonEmbedding;
    }
    long output = (long) width * vocabulary + vocabulary;
    return 6 * ((nonEmbedding - output) * context + output);
  }

  /**
   * The DL4J network for {@code spec}, initialised from the run seed's "init" stream, its rate
   * scheduled over {@code steps} minibatch steps when the optimizer has a schedule.
   */
  public static MultiLayerNetwork build(RunSpec spec, int context, int vocabulary, int steps) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(Seeds.derive(spec.seed(), "init"))
        .updater(Mlp.updater(spec.optimizer(), spec.width(), steps))
        .weightDecay(spec.weightDecay())
        .list();
    int e = spec.embedding();
    b.layer(new EmbeddingSequenceLayer.Builder().nIn(vocabulary).nOut(e).inputLength(context)
        .hasBias(false).outputDataFormat(RNNFormat.NCW).weightInit(WeightInit.NORMAL).build());
    if (spec.family().equals("charlstm")) {
      long prev = e;
      for (int i = 0; i < spec.depth(); i++) {
        LSTM lstm = new LSTM.Builder().nIn(prev).nOut(spec.width()).activation(Activation.TANH)
            .dataFormat(RNNFormat.NCW).build();
        b.layer(i == spec.depth() - 1 ? new LastTimeStep(lstm) : lstm);
        prev = spec.width();
      }
    } else {
      // [batch, embedding, context] -> [batch, embedding x context] for the first dense layer
      b.inputPreProcessor(1, new KerasFlattenRnnPreprocessor(e, context));
      long prev = (long) context * e;
      for (int i = 0; i < spec.depth(); i++) {
        if (spec.dropout() > 0 && i > 0) {
          b.layer(new DenseLayer.Builder().nIn(prev).nOut(spec.width())
              .activation(Activation.RELU).weightInit(WeightInit.RELU)
              .dropOut(1.0 - spec.dropout()) // DL4J takes the probability of keeping a unit
              .build());
        } else {
          b.layer(ReluDense.of(prev, spec.width())); // DL4J's layer, less backward arithmetic
        }
        prev = spec.width();
      }
    }
    b.layer(SoftmaxOutput.forRun(spec.width(), vocabulary, spec.dropout())); // one softmax a step
    // weight decay once a step
    MultiLayerNetwork net = new MultiLayerNetwork(Regularisation.once(b.build()));
    net.init();
    return net;
  }
}
