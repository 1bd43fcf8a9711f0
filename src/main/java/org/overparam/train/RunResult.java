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
 * @param flopsPerExample training FLOPs per example
 * @param status how it ended
 * @param message why it failed or diverged; empty otherwise
 * @param startedAtMillis wall-clock start, epoch milliseconds
 * @param endedAtMillis wall-clock end
 * @param epochs evaluated epochs, in order, finite ones only
 * @param backend ND4J backend that trained it
 * @param device device it ran on ({@code cpu}, or the GPU address Spark assigned)
 * @param host host name of the JVM that trained it
 */
public record RunResult(RunSpec spec, String strategy, long params, long flopsPerExample,
    RunStatus status, String message, long startedAtMillis, long endedAtMillis,
    List<EpochMetrics> epochs, String backend, String device, String host) implements Serializable {

  public RunResult {
    epochs = List.copyOf(epochs);
    message = message == null ? "" : message;
  }

  public String runId() {
    return spec.runId();
  }

  public EpochMetrics last() {
    return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
  }
}
