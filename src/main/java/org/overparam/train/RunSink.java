package org.overparam.train;

import java.util.Set;

/** Where finished runs go; implemented by the results store, so training never knows about files. */
public interface RunSink {
  /** Ids of runs of {@code experiment} already recorded as finished; a sweep skips them. */
  Set<String> finishedRunIds(String experiment);

  /**
   * Whether one run is recorded as finished now: checked again just before the run starts, so
   * two sweeps of one experiment rarely train the same run twice.
   */
  default boolean isFinished(String experiment, String runId) {
    return finishedRunIds(experiment).contains(runId);
  }

  /** Records one finished run, all its epochs at once; safe to call from several threads. */
  void write(RunResult result);

  /**
   * Removes what a crash may have left of runs already finished (their checkpoints, when the
   * process died between recording a run and deleting them); a sweep calls it before it starts.
   */
  default void tidy(String experiment, Set<String> finished) {}

  /** Where runs of this sink save and find their checkpoints. */
  default Checkpoints checkpoints() {
    return Checkpoints.none();
  }
}
