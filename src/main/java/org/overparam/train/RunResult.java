package org.overparam.train;

import java.io.Serializable;
import java.util.List;
import org.overparam.config.RunSpec;

/**
 * What one run produced, with the provenance to tell how.
 *
 * @param spec the run's configuration
 * @param strategy {@code per-task} or {@code parameter-averaging}, as resolved for this model
 * @param params parameters of the built network
 * @param nonEmbeddingParams parameters outside embedding tables (all of them for an MLP)
 * @param flopsPerExample training FLOPs per example
 * @param status how it ended
 * @param message why it failed or diverged; empty otherwise
 * @param startedAtMillis wall-clock start, epoch milliseconds
 * @param endedAtMillis wall-clock end
 * @param epochs evaluated epochs, in order, finite ones only
 * @param backend ND4J backend that trained it
 * @param device device it ran on ({@code cpu}, or the GPU address Spark assigned)
 * @param host host name of the JVM that trained it
 * @param compression the trained model's compressed variants evaluated; empty if none
 * @param stackSize runs trained together with this one as one stacked model, itself included
 *     (1: alone, on the stacked model's step); 0: trained by DL4J's own training loop
 */
public record RunResult(RunSpec spec, String strategy, long params, long nonEmbeddingParams,
    long flopsPerExample, RunStatus status, String message, long startedAtMillis,
    long endedAtMillis, List<EpochMetrics> epochs, String backend, String device, String host,
    List<CompressionResult> compression, int stackSize) implements Serializable {

  public RunResult {
    epochs = List.copyOf(epochs);
    message = message == null ? "" : message;
    compression = compression == null ? List.of() : List.copyOf(compression);
  }

  /**
   * A run that failed before it recorded an epoch: no metrics, no backend, device or host.
   *
   * @param params parameters the model would have
   * @param flopsPerExample its training FLOPs per example
   * @param why the one-line reason
   * @param startedAtMillis when the attempt started
   */
  public static RunResult failed(RunSpec spec, String strategy, long params, long flopsPerExample,
      String why, long startedAtMillis) {
    return new RunResult(spec, strategy, params, params, flopsPerExample, RunStatus.FAILED, why,
        startedAtMillis, System.currentTimeMillis(), List.of(), "", "", "", List.of(), 0);
  }

  public String runId() {
    return spec.runId();
  }

  public EpochMetrics last() {
    return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
  }

  /** The same result with {@code variants} as its compression results. */
  public RunResult withCompression(List<CompressionResult> variants) {
    return new RunResult(spec, strategy, params, nonEmbeddingParams, flopsPerExample, status,
        message, startedAtMillis, endedAtMillis, epochs, backend, device, host, variants,
        stackSize);
  }

  /** The same result, recorded as trained in a stack of {@code size} runs. */
  public RunResult withStackSize(int size) {
    return new RunResult(spec, strategy, params, nonEmbeddingParams, flopsPerExample, status,
        message, startedAtMillis, endedAtMillis, epochs, backend, device, host, compression,
        size);
  }
}
