package org.overparam.analysis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The scaling tables' fitter: {@link ScalingFit} (Huber loss on log L, multi-start, seeded
 * bootstrap) over a grid of starts, with {@link ComputeOptimal} for the frontier.
 *
 * @param grid starting points of each fit (analysis uses {@link StartGrid#thin()}: 243 starts
 *     for L(N, D), 27 for one scale)
 * @param resamples bootstrap resamples of each fit that asks for intervals
 */
public record HuberFitter(StartGrid grid, int resamples) implements ScalingFitter {
  /** Bootstrap resamples by default. */
  public static final int RESAMPLES = 200;

  public HuberFitter {
    if (grid == null || resamples < 0) {
      throw new IllegalArgumentException("fitter: needs a grid and resamples >= 0");
    }
  }

  @Override
  public Fitted fit(double[] n, double[] d, double[] loss, long seed, boolean intervals) {
    ScalingFitOptions o = ScalingFitOptions.defaults().withGrid(grid)
        .withBootstrap(intervals ? resamples : 0, seed);
    return new Law(ScalingFit.fit(n, d, loss, o));
  }

  /** A fitted law and its bootstrap. */
  record Law(ScalingFit fit) implements Fitted {
    @Override
    public Map<String, double[]> coefficients() {
      Map<String, double[]> out = new LinkedHashMap<>();
      fit.estimates().forEach((k, e) -> out.put(k, new double[] {e.value(), e.lo(), e.hi()}));
      return out;
    }

    @Override
    public double predict(double n, double d) {
      return fit.law().predict(n, d);
    }

    @Override
    public double[] interval(double n, double d) {
      CoefficientEstimate e = fit.estimate(predict(n, d), l -> l.predict(n, d));
      return new double[] {e.lo(), e.hi()};
    }

    @Override
    public double r2LogLoss() {
      return fit.r2LogLoss();
    }

    @Override
    public double rmseLogLoss() {
      return fit.rmseLogLoss();
    }

    @Override
    public Identification identification() {
      return fit.identification();
    }

    @Override
    public int failedResamples() {
      return fit.bootstrap() == null ? 0 : fit.bootstrap().failed();
    }

    @Override
    public double[][] computeOptimal(double flops) {
      ComputeOptimal best = new ComputeOptimal(fit.law());
      return new double[][] {
          triple(best.params(flops), l -> new ComputeOptimal(l).params(flops)),
          triple(best.tokens(flops), l -> new ComputeOptimal(l).tokens(flops)),
          triple(best.loss(flops), l -> new ComputeOptimal(l).loss(flops))};
    }

    /** A value with its bootstrap percentiles; resamples without a frontier are left out. */
    private double[] triple(double value, ToDoubleFunction<ScalingLaw> q) {
      CoefficientEstimate e = fit.estimate(value, l -> {
        try {
          return q.applyAsDouble(l);
        } catch (IllegalArgumentException noFrontier) {
          return Double.NaN;
        }
      });
      return new double[] {value, e.lo(), e.hi()};
    }
  }
}
