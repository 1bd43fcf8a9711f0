package org.overparam.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;

/**
 * The model families behind one door: builds the network a run spec describes and states, before
 * building it, its exact parameter count and training FLOPs. A character family's vocabulary
 * comes from its text (read once per JVM).
 */
public final class Models {
  private Models() {}

  /**
   * The DL4J network for {@code spec}, given input length and number of classes, for a training
   * set of as many rows as {@code spec.trainSize()} makes (windows of {@code in} tokens for a
   * family that predicts every position of its window, else examples).
   */
  public static MultiLayerNetwork build(RunSpec spec, int in, int classes) {
    return build(spec, in, classes, spec.everyPosition() ? spec.trainSize() / in
        : spec.trainSize());
  }

  /**
   * The DL4J network for {@code spec}, given input length, number of classes and the rows of its
   * training set (which a scheduled rate needs: it spans the run's minibatch steps).
   */
  public static MultiLayerNetwork build(RunSpec spec, int in, int classes, int rows) {
    int steps = steps(spec, rows);
    return switch (spec.family()) {
      case "mlp" -> Mlp.build(spec, in, classes, steps);
      case "charlm", "charlstm" -> CharLm.build(spec, in, classes, steps);
      case "gpt" -> Gpt.build(spec, in, classes, steps);
      default -> throw new IllegalArgumentException("model.family: " + spec.family());
    };
  }

  /** Minibatch steps of a whole run over {@code rows} training rows: every epoch's. */
  public static int steps(RunSpec spec, int rows) {
    int batch = spec.optimizer().batchSize();
    return Math.max(1, spec.epochs() * ((rows + batch - 1) / batch));
  }

  /** Exact parameter count of the network {@code spec} builds. */
  public static long params(RunSpec spec) {
    return params(spec, spec.dataset().featureDim(), Datasets.classes(spec.dataset()));
  }

  /** Exact parameter count of the network {@code build(spec, in, classes)} returns. */
  public static long params(RunSpec spec, int in, int classes) {
    return switch (spec.family()) {
      case "mlp" -> Mlp.params(in, spec.depth(), spec.width(), classes);
      case "charlm", "charlstm" -> CharLm.params(spec.family(), in, classes, spec.embedding(),
          spec.depth(), spec.width());
      case "gpt" -> Gpt.params(in, classes, spec.depth(), spec.width());
      default -> throw new IllegalArgumentException("model.family: " + spec.family());
    };
  }

  /**
   * Training FLOPs per example of the network {@code spec} builds; per predicted token for a
   * family that predicts every position of its window (so that times train_size, in tokens, it
   * is the compute of an epoch).
   */
  public static long trainingFlopsPerExample(RunSpec spec) {
    return trainingFlopsPerExample(spec, spec.dataset().featureDim(),
        Datasets.classes(spec.dataset()));
  }

  /** Training FLOPs per example of the network {@code build(spec, in, classes)} returns. */
  public static long trainingFlopsPerExample(RunSpec spec, int in, int classes) {
    return switch (spec.family()) {
      case "mlp" -> Mlp.trainingFlopsPerExample(params(spec, in, classes));
      case "charlm", "charlstm" -> CharLm.trainingFlopsPerExample(spec.family(), in, classes,
          spec.embedding(), spec.depth(), spec.width());
      case "gpt" -> Gpt.trainingFlopsPerToken(in, classes, spec.depth(), spec.width());
      default -> throw new IllegalArgumentException("model.family: " + spec.family());
    };
  }

  /** Parameters outside embedding tables (token and position): all of them for an MLP. */
  public static long nonEmbeddingParams(MultiLayerNetwork net) {
    long embedding = 0;
    for (Layer l : net.getLayers()) {
      if (l instanceof EmbeddingSequenceLayer
          || l.conf().getLayer() instanceof PositionEmbedding) {
        embedding += l.numParams();
      }
    }
    return net.numParams() - embedding;
  }
}
