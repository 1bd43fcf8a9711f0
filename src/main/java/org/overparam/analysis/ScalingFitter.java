package org.overparam.analysis;

import java.util.Map;

/**
 * What the scaling tables need from a scaling-law fitter: L(x) = E + A·x^−α on one scale, or
 * L(N, D) = E + A·N^−α + B·D^−β on two, with seeded bootstrap intervals.
 */
public interface ScalingFitter {
  /**
   * Fits {@code loss} against {@code n} (and {@code d}, or null for one scale).
   *
   * @param seed seed of the bootstrap resampling
   * @param intervals whether to bootstrap (without, every interval is NaN)
   * @throws Identification.NoFit when the points cannot be fitted (too few points or sizes, all
   *     losses equal), with the reason
   * @throws RuntimeException when the points cannot be fitted otherwise (not positive, no start
   *     converges)
   */
  Fitted fit(double[] n, double[] d, double[] loss, long seed, boolean intervals);

  /** Bootstrap resamples the fitter draws for intervals. */
  int resamples();

  /** A fitted law. */
  interface Fitted {
    /** Coefficients in order (E, A, alpha[, B, beta]), each {value, 2.5%, 97.5%}. */
    Map<String, double[]> coefficients();

    /** Predicted loss; {@code d} is ignored by a one-scale law. */
    double predict(double n, double d);

    /** The 2.5% and 97.5% bootstrap percentiles of the predicted loss (NaN without). */
    double[] interval(double n, double d);

    /** R² of the fit on log L. */
    double r2LogLoss();

    /** Root mean square error on log L. */
    double rmseLogLoss();

    /** Whether the fit means anything, and why not ({@link Identification}). */
    Identification identification();

    /** Bootstrap resamples whose refit failed. */
    int failedResamples();

    /**
     * The loss-minimising N and D of a two-scale law at {@code flops} = 6·N·D, and the loss
     * there: {N, D, L}, each {value, 2.5%, 97.5%}.
     *
     * @throws IllegalArgumentException for a one-scale law or one without a finite optimum
     */
    double[][] computeOptimal(double flops);
  }
}
