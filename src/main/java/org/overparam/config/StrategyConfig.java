package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * How runs are spread over Spark.
 *
 * @param kind {@code per-task}: one task trains one whole model, many models at once;
 *     {@code parameter-averaging}: one model trained data-parallel across executors;
 *     {@code auto}: parameter averaging for models with at least {@code autoThresholdParams}
 * @param autoThresholdParams parameter count from which {@code auto} averages parameters
 * @param workers data-parallel workers (partitions) for parameter averaging; 0 = Spark's default
 *     parallelism
 * @param averagingFrequency minibatches each worker fits between two averagings
 * @param batchPerWorker minibatch size on each worker
 */
public record StrategyConfig(String kind, Long autoThresholdParams, Integer workers,
    Integer averagingFrequency, Integer batchPerWorker) implements Serializable {
  public static final List<String> KINDS = List.of("per-task", "parameter-averaging", "auto");

  public StrategyConfig {
    kind = kind == null ? "auto" : kind;
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind: '" + kind + "' is not one of " + KINDS);
    }
    autoThresholdParams = autoThresholdParams == null ? 2_000_000L : autoThresholdParams;
    workers = workers == null ? 0 : workers;
    averagingFrequency = averagingFrequency == null ? 4 : averagingFrequency;
    batchPerWorker = batchPerWorker == null ? 128 : batchPerWorker;
    Check.positive(autoThresholdParams, "auto_threshold_params");
    if (workers < 0) {
      throw new IllegalArgumentException("workers: must be >= 0, got " + workers);
    }
    Check.positive(averagingFrequency, "averaging_frequency");
    Check.positive(batchPerWorker, "batch_per_worker");
  }

  public static StrategyConfig defaults() {
    return new StrategyConfig(null, null, null, null, null);
  }

  /** The strategy one model gets, given its parameter count. */
  public String resolve(long params) {
    if (!kind.equals("auto")) {
      return kind;
    }
    return params >= autoThresholdParams ? "parameter-averaging" : "per-task";
  }
}
