package org.overparam.analysis;

/**
 * How to fit a scaling law.
 *
 * @param huberDelta the Huber loss's delta on log L (Besiroglu et al.: 1e-3)
 * @param grid the starting points
 * @param bootstrap resamples for standard errors and intervals; 0 for none
 * @param seed seed of the resampling
 * @param maxEvaluations cap on objective evaluations from one start
 */
public record ScalingFitOptions(double huberDelta, StartGrid grid, int bootstrap, long seed,
    int maxEvaluations) {
  public static final double HUBER_DELTA = 1e-3;

  public ScalingFitOptions {
    if (!(huberDelta > 0) || Double.isInfinite(huberDelta)) {
      throw new IllegalArgumentException("huber delta: must be a finite number > 0, got "
          + huberDelta);
    }
    if (grid == null) {
      throw new IllegalArgumentException("grid: is required");
    }
    if (bootstrap < 0) {
      throw new IllegalArgumentException("bootstrap: must be >= 0, got " + bootstrap);
    }
    if (maxEvaluations < 10) {
      throw new IllegalArgumentException("max evaluations: must be >= 10, got " + maxEvaluations);
    }
  }

  /** Huber delta 1e-3, the full grid of Besiroglu et al., no bootstrap, seed 0. */
  public static ScalingFitOptions defaults() {
    return new ScalingFitOptions(HUBER_DELTA, StartGrid.besiroglu(), 0, 0, 1000);
  }

  public ScalingFitOptions withGrid(StartGrid g) {
    return new ScalingFitOptions(huberDelta, g, bootstrap, seed, maxEvaluations);
  }

  public ScalingFitOptions withBootstrap(int resamples, long s) {
    return new ScalingFitOptions(huberDelta, grid, resamples, s, maxEvaluations);
  }

  public ScalingFitOptions withHuberDelta(double d) {
    return new ScalingFitOptions(d, grid, bootstrap, seed, maxEvaluations);
  }
}
