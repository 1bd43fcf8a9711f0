package org.overparam.train;

import java.util.Set;

/** Where finished runs go; implemented by the results store, so training never knows about files. */
public interface RunSink {
  /** Ids of runs of {@code experiment} already recorded as finished; a sweep skips them. */
  Set<String> finishedRunIds(String experiment);

  /** Records one finished run, all its epochs at once; safe to call from several threads. */
  void write(RunResult result);
}
