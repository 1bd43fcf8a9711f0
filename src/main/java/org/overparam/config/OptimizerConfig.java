package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * How every model of the experiment is optimised.
 *
 * @param kind {@code sgd} (with momentum) or {@code adam}
 * @param learningRate step size
 * @param momentum SGD momentum (Nesterov); ignored by Adam
 * @param batchSize examples per step
 * @param referenceWidth absent: every model trains at {@code learningRate}. Given: the width at
 *     which {@code learningRate} holds; a model of width w trains at learningRate x
 *     referenceWidth / w, the rule of maximal-update parametrisation (muP) for Adam's step on
 *     hidden weights, here applied to every parameter. Wider transformers need smaller steps: at
 *     one rate the widest models of a grid train slowest and the loss stops falling with size.
 *     Left out of a run's JSON when absent, so files without it keep their run ids.
 */
public record OptimizerConfig(String kind, Double learningRate, Double momentum, Integer batchSize,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer referenceWidth)
    implements Serializable {
  public static final List<String> KINDS = List.of("sgd", "adam");

  public OptimizerConfig {
    kind = kind == null ? "adam" : kind;
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind: '" + kind + "' is not one of " + KINDS);
    }
    learningRate = learningRate == null ? 1e-3 : learningRate;
    momentum = momentum == null ? 0.9 : momentum;
    batchSize = batchSize == null ? 128 : batchSize;
    Check.positive(learningRate, "learning_rate");
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum);
    }
    Check.positive(batchSize, "batch_size");
    if (referenceWidth != null) {
      Check.positive(referenceWidth, "reference_width");
    }
  }

  /** A rate for every width. */
  public OptimizerConfig(String kind, Double learningRate, Double momentum, Integer batchSize) {
    this(kind, learningRate, momentum, batchSize, null);
  }

  /** The learning rate of a model of this width. */
  public double learningRateAt(int width) {
    return referenceWidth == null ? learningRate : learningRate * referenceWidth / width;
  }
}
