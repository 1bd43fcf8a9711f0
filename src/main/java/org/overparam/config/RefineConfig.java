package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * Adaptive widths: after the grid is trained, the sweep adds widths to each model-wise series
 * (the grid's settings but width) where its curve turns, in rounds. Each round reads the runs
 * recorded so far, locates the series' test-error peak (or its interpolation threshold) as the
 * analysis does, at train error 0.01, and adds the geometric mean of the location and each of
 * its neighbouring widths whose ratio to it is above {@code resolution}, so the widths stay
 * log-spaced and each round halves the gaps' log-ratios. Rounds end when no gap is wider than
 * {@code resolution} (or none can be split into whole widths) or when another width would take
 * the added runs past {@code max_runs}; one width costs one run per seed. The added runs are
 * ordinary runs of the experiment, trained and recorded like the grid's; a rerun re-derives the
 * same widths from the recorded runs and trains nothing again.
 *
 * @param around {@code peak}: the largest mean final test error near the interpolation
 *     threshold (the double_descent table's {@code peak_width}); {@code threshold}: the
 *     smallest width whose mean final train error is at most 0.01
 * @param resolution the largest ratio between neighbouring widths around the location that
 *     is left unsplit; above 1
 * @param maxRuns the most runs all rounds together may add
 */
public record RefineConfig(String around, Double resolution, Integer maxRuns)
    implements Serializable {
  public static final List<String> AROUND = List.of("peak", "threshold");
  /** Default {@code resolution}: neighbours within 25% of the location. */
  public static final double DEFAULT_RESOLUTION = 1.25;

  public RefineConfig {
    around = around == null ? "peak" : around;
    if (!AROUND.contains(around)) {
      throw new IllegalArgumentException("around: '" + around + "' is not one of " + AROUND);
    }
    resolution = resolution == null ? DEFAULT_RESOLUTION : resolution;
    if (!(resolution > 1) || Double.isInfinite(resolution)) {
      throw new IllegalArgumentException("resolution: must be a finite number > 1 (a ratio "
          + "between neighbouring widths), got " + resolution);
    }
    Check.positive(Check.required(maxRuns, "max_runs"), "max_runs");
  }
}
