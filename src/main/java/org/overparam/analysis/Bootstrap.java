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

  /** Resamples drawn and refitted at a time: bounds the counts held to this many x points. */
  static final int BATCH = 32;

  /** Resamples the objective's points and refits each resample. */
  static Bootstrap run(HuberLseObjective f, double[] bestCentred, int resamples, long seed,
      int maxEvaluations) {
    return run(f, bestCentred, resamples, seed, maxEvaluations, FitProgress.NONE);
  }

  /** {@link #run}, one {@link FitProgress#step} per resample refitted. */
  static Bootstrap run(HuberLseObjective f, double[] bestCentred, int resamples, long seed,
      int maxEvaluations, FitProgress progress) {
    // Draw the resamples in order from one generator, a batch at a time, so the draws depend
    // neither on thread timing nor on the batch size, and memory on the batch only.
    SplittableRandom rng = new SplittableRandom(seed);
    int n = f.points();
    LseFitter.Outcome[] out = new LseFitter.Outcome[resamples];
    for (int from = 0; from < resamples; from += BATCH) {
      int size = Math.min(BATCH, resamples - from);
      int[][] counts = new int[size][n];
      for (int[] c : counts) {
        for (int i = 0; i < n; i++) {
          c[rng.nextInt(n)]++;
        }
      }
      // Each refit starts from the full-data optimum instead of the whole grid of starts: a
      // resample's optimum lies close to it, and one start costs about 1/5000 of the grid.
      int base = from;
      IntStream.range(0, size).parallel().forEach(r -> {
        out[base + r] = LseFitter.fromStart(f.reweighted(counts[r]), bestCentred,
            maxEvaluations);
        progress.step();
      });
    }
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
    return new CoefficientEstimate(value, new StandardDeviation().evaluate(x), percentile(x, 2.5),
        percentile(x, 97.5));
  }

  /**
   * The {@code p}-th percentile (0 &lt; p &le; 100) of resampled values, interpolated linearly
   * as numpy's default: every bootstrap interval of the analysis reads its bounds this way.
   */
  static double percentile(double[] x, double p) {
    return new Percentile().withEstimationType(EstimationType.R_7).evaluate(x, p);
  }
}
