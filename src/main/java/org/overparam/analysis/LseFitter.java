package org.overparam.analysis;

import java.util.List;
import java.util.stream.IntStream;
import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresOptimizer.Optimum;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresProblem;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.optim.nonlinear.vector.leastsquares.MultivariateJacobianFunction;
import org.hipparchus.util.Pair;

/**
 * Minimises a {@link HuberLseObjective} from many starting points and keeps the best.
 *
 * <p>Hipparchus 3.1 has no L-BFGS. The summed Huber loss is minimised instead as the exactly
 * equivalent least-squares problem (see {@link HuberLseObjective#residuals}) by Hipparchus'
 * Levenberg-Marquardt with the analytic Jacobian: same objective, same minima, about 50
 * evaluations from a typical start where its nonlinear conjugate gradient needed over 1000.
 */
final class LseFitter {
  /** Relative tolerances of Levenberg-Marquardt on cost, parameters and orthogonality. */
  static final double TOLERANCE = 1e-10;

  private LseFitter() {}

  /** One start's outcome; {@code centred} is null when the start failed. */
  record Outcome(double[] centred, double objective, int evaluations) {
    boolean ok() {
      return centred != null;
    }
  }

  /** The best of all starts (the lowest objective; the earliest start on a tie). */
  record Best(Outcome best, int starts, int failed, int atBest, long evaluations) {}

  /** Fits from every start (in the uncentred parameters of {@link StartGrid}), in parallel. */
  static Best multiStart(HuberLseObjective f, List<double[]> starts, int maxEvaluations) {
    Outcome[] out = IntStream.range(0, starts.size()).parallel()
        .mapToObj(i -> fromStart(f, f.toCentred(starts.get(i)), maxEvaluations))
        .toArray(Outcome[]::new);
    // Pick sequentially so the choice does not depend on thread timing.
    Outcome best = null;
    int failed = 0;
    long evaluations = 0;
    for (Outcome o : out) {
      evaluations += o.evaluations();
      if (!o.ok()) {
        failed++;
      } else if (best == null || o.objective() < best.objective()) {
        best = o;
      }
    }
    if (best == null) {
      throw new IllegalStateException("scaling fit: all " + starts.size() + " starts failed");
    }
    int atBest = 0;
    for (Outcome o : out) {
      if (o.ok() && o.objective() <= best.objective() * (1 + 1e-6)) {
        atBest++;
      }
    }
    return new Best(best, starts.size(), failed, atBest, evaluations);
  }

  /** Levenberg-Marquardt from one centred start; a start that diverges comes back failed. */
  static Outcome fromStart(HuberLseObjective f, double[] centredStart, int maxEvaluations) {
    int n = f.points();
    int k = f.dimension();
    MultivariateJacobianFunction model = point -> {
      double[] rho = new double[n];
      double[][] jac = new double[n][k];
      f.residuals(point.toArray(), rho, jac);
      return new Pair<>(new ArrayRealVector(rho, false), new Array2DRowRealMatrix(jac, false));
    };
    LeastSquaresProblem problem = new LeastSquaresBuilder()
        .model(model)
        .target(new double[n])
        .start(centredStart)
        .maxEvaluations(maxEvaluations)
        .maxIterations(maxEvaluations)
        .build();
    LevenbergMarquardtOptimizer lm = new LevenbergMarquardtOptimizer()
        .withCostRelativeTolerance(TOLERANCE)
        .withParameterRelativeTolerance(TOLERANCE)
        .withOrthoTolerance(TOLERANCE);
    try {
      Optimum o = lm.optimize(problem);
      double[] c = o.getPoint().toArray();
      double v = f.value(c, null);
      return Double.isFinite(v) && finiteLaw(f.fromCentred(c))
          ? new Outcome(c, v, o.getEvaluations())
          : new Outcome(null, Double.NaN, o.getEvaluations());
    } catch (MathRuntimeException e) {
      // Too many evaluations, or a singular step far from any minimum.
      return new Outcome(null, Double.NaN, maxEvaluations);
    }
  }

  /** True when A, B, E = exp(a, b, e) and the exponents are finite numbers. */
  private static boolean finiteLaw(double[] p) {
    for (int i = 0; i < p.length; i++) {
      boolean isExponent = p.length == 5 ? i >= 3 : i == 2;
      if (!Double.isFinite(isExponent ? p[i] : Math.exp(p[i]))) {
        return false;
      }
    }
    return true;
  }
}
