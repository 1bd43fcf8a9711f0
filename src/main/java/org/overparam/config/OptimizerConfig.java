package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * How every model of the experiment is optimised.
 *
 * @param kind {@code sgd} (with momentum) or {@code adam}
 * @param learningRate step size
 * @param momentum SGD momentum (Nesterov); ignored by Adam
 * @param batchSize examples per step
 */
public record OptimizerConfig(String kind, Double learningRate, Double momentum, Integer batchSize)
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
  }
}
