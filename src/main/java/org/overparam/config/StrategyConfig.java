package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * How runs are spread over Spark.
 *
 * @param kind {@code per-task}: one task trains one whole model, many models at once;
 *     {@code parameter-averaging}: one model trained data-parallel across executors;
 *     {@code auto}: the sweep estimates both from each model's measured training cost and
 *     averages the parameters of the models that would otherwise finish last;
 *     {@code by-size}: per task below {@code autoThresholdParams}, parameter averaging from it
 *     (a fixed, predictable split)
 * @param autoThresholdParams models with fewer parameters always train per task under
 *     {@code auto} (averaging their parameters costs more than it saves); larger ones are weighed.
 *     Under {@code by-size}, the size from which models are averaged
 * @param workers data-parallel workers (partitions) for parameter averaging; 0 = Spark's default
 *     parallelism
 * @param averagingFrequency minibatches each worker fits between two averagings; 0 = each
 *     worker's share of an epoch, at most {@link #MAX_AUTO_FREQUENCY}
 * @param batchPerWorker minibatch size on each worker
 * @param stack {@code true} (the default): per-task MLP runs of one shape that differ only in
 *     seed, label noise, weight decay or learning rate may be trained together in one task as
 *     one stacked model, as many as the sweep's planner judges worth it; {@code false}: each
 *     trains alone in DL4J's own training loop. Left out of a run's JSON unless false, so files
 *     without it keep their run ids.
 */
public record StrategyConfig(String kind, Long autoThresholdParams, Integer workers,
    Integer averagingFrequency, Integer batchPerWorker,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean stack) implements Serializable {
  public static final List<String> KINDS = List.of("per-task", "parameter-averaging", "auto",
      "by-size");
  /**
   * Most minibatches a worker fits between averagings when the frequency is left to the
   * default: one averaging per epoch keeps its fixed cost (a Spark job, parameters and updater
   * state there and back) small beside the compute, but too many local steps let the workers'
   * models drift apart before they are averaged.
   */
  public static final int MAX_AUTO_FREQUENCY = 64;

  public StrategyConfig {
    kind = kind == null ? "auto" : kind;
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind: '" + kind + "' is not one of " + KINDS);
    }
    autoThresholdParams = autoThresholdParams == null ? 200_000L : autoThresholdParams;
    workers = workers == null ? 0 : workers;
    averagingFrequency = averagingFrequency == null ? 0 : averagingFrequency;
    batchPerWorker = batchPerWorker == null ? 128 : batchPerWorker;
    Check.positive(autoThresholdParams, "auto_threshold_params");
    if (workers < 0) {
      throw new IllegalArgumentException("workers: must be >= 0, got " + workers);
    }
    if (averagingFrequency < 0) {
      throw new IllegalArgumentException("averaging_frequency: must be >= 0, got "
          + averagingFrequency);
    }
    Check.positive(batchPerWorker, "batch_per_worker");
    stack = Boolean.FALSE.equals(stack) ? Boolean.FALSE : null; // the default is stored as absent
  }

  /** Stacking allowed. */
  public StrategyConfig(String kind, Long autoThresholdParams, Integer workers,
      Integer averagingFrequency, Integer batchPerWorker) {
    this(kind, autoThresholdParams, workers, averagingFrequency, batchPerWorker, null);
  }

  public static StrategyConfig defaults() {
    return new StrategyConfig(null, null, null, null, null);
  }

  /** Whether runs may be trained together as stacked models ({@code stack}). */
  public boolean stacking() {
    return stack == null;
  }

  /**
   * The strategy one model gets, given its parameter count: {@code kind} itself, or for
   * {@code auto} {@code per-task} below the threshold and {@code auto} (still to be weighed)
   * above it; for {@code by-size} the strategy its side of the threshold names.
   */
  public String resolve(long params) {
    return switch (kind) {
      case "auto" -> params >= autoThresholdParams ? "auto" : "per-task";
      case "by-size" -> params >= autoThresholdParams ? "parameter-averaging" : "per-task";
      default -> kind;
    };
  }

  /** Minibatches per worker between averagings for {@code trainSize} examples on W workers. */
  public int frequency(int trainSize, int workers) {
    if (averagingFrequency > 0) {
      return averagingFrequency;
    }
    long perWorker = ((long) trainSize + (long) workers * batchPerWorker - 1)
        / ((long) workers * batchPerWorker);
    return (int) Math.max(1, Math.min(MAX_AUTO_FREQUENCY, perWorker));
  }
}
