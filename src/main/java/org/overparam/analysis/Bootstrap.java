package org.overparam.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.hipparchus.stat.descriptive.moment.StandardDeviation;
import org.hipparchus.stat.descriptive.rank.Percentile;
import org.hipparchus.stat.descriptive.rank.Percentile.EstimationType;

/**
 * A nonparametric bootstrap of a scaling fit: {@code resamples} draws of the points with
 * replacement, each refitted. The draws come from one {@link SplittableRandom} seeded with
 * {@code seed}, so the same data, options and seed give the same intervals.
 *
 * @param laws the refitted law of each resample that converged
 * @param failed resamples whose refit did not converge (left out of {@code laws})
 */
public record Bootstrap(List<ScalingLaw> laws, int failed, long seed) {
  public Bootstrap {
    laws = List.copyOf(laws);
    if (failed < 0) {
      throw new IllegalArgumentException("bootstrap: failed must be >= 0, got " + failed);
    }
  }

  /** Resamples the objective's points and refits each resample. */
  static Bootstrap run(HuberLseObjective f, double[] bestCentred, int resamples, long seed,
      int maxEvaluations) {
    // Draw every resample first, in order, so the draws do not depend on thread timing.
    SplittableRandom rng = new SplittableRandom(seed);
    int n = f.points();
    int[][] counts = new int[resamples][n];
    for (int[] c : counts) {
      for (int i = 0; i < n; i++) {
        c[rng.nextInt(n)]++;
      }
    }
    // Each refit starts from the full-data optimum instead of the whole grid of starts: a
    // resample's optimum lies close to it, and one start costs about 1/5000 of the grid.
    LseFitter.Outcome[] out = IntStream.range(0, resamples).parallel()
        .mapToObj(r -> LseFitter.fromStart(f.reweighted(counts[r]), bestCentred, maxEvaluations))
        .toArray(LseFitter.Outcome[]::new);
    List<ScalingLaw> laws = new ArrayList<>();
    int failed = 0;
    for (LseFitter.Outcome o : out) {
      if (o.ok()) {
        laws.add(ScalingLaw.fromLse(f.fromCentred(o.centred())));
      } else {
        failed++;
      }
    }
    return new Bootstrap(laws, failed, seed);
  }

  /** Number of resamples that converged. */
  public int size() {
    return laws.size();
  }

  /**
   * {@code value} (the full-data estimate) with the standard deviation of {@code quantity} over
   * the resamples and its 2.5th and 97.5th percentiles (linear interpolation, as numpy's).
   */
  public CoefficientEstimate estimate(double value, ToDoubleFunction<ScalingLaw> quantity) {
    if (laws.size() < 2) {
      return CoefficientEstimate.point(value);
    }
    double[] x = laws.stream().mapToDouble(quantity).toArray();
    Percentile p = new Percentile().withEstimationType(EstimationType.R_7);
    return new CoefficientEstimate(value, new StandardDeviation().evaluate(x), p.evaluate(x, 2.5),
        p.evaluate(x, 97.5));
  }
}
