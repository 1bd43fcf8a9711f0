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
 * @param schedule how the rate changes over a run: absent (or {@code constant} in a file, which
 *     reads as absent): it does not; {@code cosine}: it falls from the rate to a tenth of it along
 *     half a cosine over the run's minibatch steps, all epochs (Chinchilla's schedule, so that each
 *     run ends annealed at its own budget). A scheduled run trains per task: strategy auto keeps
 *     it there, and parameter-averaging and by-size are refused. Left out of a run's JSON when
 *     absent, so files without it keep their run ids.
 */
public record OptimizerConfig(String kind, Double learningRate, Double momentum, Integer batchSize,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer referenceWidth,
    @JsonInclude(JsonInclude.Include.NON_NULL) String schedule)
    implements Serializable {
  public static final List<String> KINDS = List.of("sgd", "adam");
  /** The schedules a file may name; the first is the default, stored as absent. */
  public static final List<String> SCHEDULES = List.of("constant", "cosine");

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
    schedule = schedule(schedule);
  }

  /**
   * {@code schedule} checked against {@link #SCHEDULES}, the default ({@code constant}) as null.
   */
  static String schedule(String schedule) {
    if (schedule != null && !SCHEDULES.contains(schedule)) {
      throw new IllegalArgumentException("schedule: '" + schedule + "' is not one of "
          + SCHEDULES);
    }
    return SCHEDULES.get(0).equals(schedule) ? null : schedule;
  }

  /** A constant rate. */
  public OptimizerConfig(String kind, Double learningRate, Double momentum, Integer batchSize,
      Integer referenceWidth) {
    this(kind, learningRate, momentum, batchSize, referenceWidth, null);
  }

  /** Whether the rate follows a cosine over the run. */
  public boolean cosine() {
    return "cosine".equals(schedule);
  }

  /** A rate for every width. */
  public OptimizerConfig(String kind, Double learningRate, Double momentum, Integer batchSize) {
    this(kind, learningRate, momentum, batchSize, null, null);
  }

  /** The learning rate of a model of this width. */
  public double learningRateAt(int width) {
    return referenceWidth == null ? learningRate : learningRate * referenceWidth / width;
  }
}
