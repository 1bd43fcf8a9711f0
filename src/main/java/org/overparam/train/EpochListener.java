package org.overparam.train;

import org.overparam.config.RunSpec;

/** Hears about each evaluated epoch, for progress reports. */
@FunctionalInterface
public interface EpochListener extends java.io.Serializable {
  void onEpoch(RunSpec spec, EpochMetrics m);

  /** Logs every tenth of the run (and its last epoch) to standard error. */
  static EpochListener log() {
    return (spec, m) -> {
      int step = Math.max(1, spec.epochs() / 10);
      if (m.epoch() % step == 0 || m.epoch() == spec.epochs()) {
        System.err.printf("  run %s [%s] epoch %d/%d  train loss %.4f err %.3f  test loss %.4f "
                + "err %.3f  %.0f samples/s%n", spec.runId(), spec.label(), m.epoch(),
            spec.epochs(), m.trainLoss(), m.trainError(), m.testLoss(), m.testError(),
            m.samplesPerSecond());
      }
    };
  }
}
