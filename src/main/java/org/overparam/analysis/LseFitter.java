package org.overparam.analysis;

import java.util.List;
import java.util.stream.IntStream;
import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
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
  /**
   * Above this many points the solver is handed the problem reduced to its normal equations
   * (see {@link #fromStart}): the same iterations, without an n x k Jacobian per evaluation.
   */
  static final int REDUCE_ABOVE = 300;

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
    return multiStart(f, starts, maxEvaluations, FitProgress.NONE);
  }

  /** {@link #multiStart}, one {@link FitProgress#step} per start done. */
  static Best multiStart(HuberLseObjective f, List<double[]> starts, int maxEvaluations,
      FitProgress progress) {
    Outcome[] out = IntStream.range(0, starts.size()).parallel()
        .mapToObj(i -> {
          Outcome o = fromStart(f, f.toCentred(starts.get(i)), maxEvaluations);
          progress.step();
          return o;
        })
        .toArray(Outcome[]::new);
    return best(out);
  }

  /** The best of some outcomes (the earliest on a tie). */
  static Best best(Outcome[] out) {
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
      throw new IllegalStateException("scaling fit: all " + out.length + " starts failed");
    }
    int atBest = 0;
    for (Outcome o : out) {
      if (o.ok() && o.objective() <= best.objective() * (1 + 1e-6)) {
        atBest++;
      }
    }
    return new Best(best, out.length, failed, atBest, evaluations);
  }

  /**
   * Levenberg-Marquardt from one centred start; a start that diverges comes back failed.
   *
   * <p>Above {@link #REDUCE_ABOVE} points the solver sees k + 1 residuals instead of n: with
   * J^T J = M^T M (M = Lambda^1/2 V^T from the eigendecomposition of J^T J), the residuals
   * [M^-T J^T rho, |rho - projection|] and Jacobian [M; 0] have the same cost rho^T rho, the
   * same J^T J and J^T rho and the same column norms as the full problem, so the
   * Levenberg-Marquardt iterations are the same in exact arithmetic, at O(n k^2) per evaluation
   * with no n x k matrix.
   */
  static Outcome fromStart(HuberLseObjective f, double[] centredStart, int maxEvaluations) {
    return fromStart(f, centredStart, maxEvaluations, f.points() > REDUCE_ABOVE);
  }

  /** {@link #fromStart}, on the reduced problem or not as {@code reduce} says. */
  static Outcome fromStart(HuberLseObjective f, double[] centredStart, int maxEvaluations,
      boolean reduce) {
    return fromStart(f, centredStart, maxEvaluations, reduce, TOLERANCE);
  }

  /** {@link #fromStart} to relative tolerance {@code tolerance}. */
  static Outcome fromStart(HuberLseObjective f, double[] centredStart, int maxEvaluations,
      boolean reduce, double tolerance) {
    int n = f.points();
    int k = f.dimension();
    MultivariateJacobianFunction model = reduce ? point -> reduced(f, point.toArray()) : point -> {
      double[] rho = new double[n];
      double[][] jac = new double[n][k];
      f.residuals(point.toArray(), rho, jac);
      return new Pair<>(new ArrayRealVector(rho, false), new Array2DRowRealMatrix(jac, false));
    };
    LeastSquaresProblem problem = new LeastSquaresBuilder()
        .model(model)
        .target(new double[reduce ? k + 1 : n])
        .start(centredStart)
        .maxEvaluations(maxEvaluations)
        .maxIterations(maxEvaluations)
        .build();
    LevenbergMarquardtOptimizer lm = new LevenbergMarquardtOptimizer()
        .withCostRelativeTolerance(tolerance)
        .withParameterRelativeTolerance(tolerance)
        .withOrthoTolerance(tolerance);
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

  /** The reduced residuals and Jacobian of {@link #fromStart} at centred parameters c. */
  private static Pair<RealVector, RealMatrix> reduced(HuberLseObjective f, double[] c) {
    int k = f.dimension();
    double[] jtj = new double[k * k];
    double[] jtr = new double[k];
    double rr = f.normalEquations(c, jtj, jtr);
    double[] res = new double[k + 1];
    double[][] m = new double[k + 1][k];
    boolean finite = Double.isFinite(rr);
    for (double v : jtj) {
      finite &= Double.isFinite(v);
    }
    if (!finite) {
      // As the full problem would: a cost of NaN, which the solver rejects as a step.
      java.util.Arrays.fill(res, Double.NaN);
      return new Pair<>(new ArrayRealVector(res, false), new Array2DRowRealMatrix(m, false));
    }
    double[][] a = new double[k][k];
    for (int p = 0; p < k; p++) {
      System.arraycopy(jtj, p * k, a[p], 0, k);
    }
    EigenDecompositionSymmetric eig = new EigenDecompositionSymmetric(
        new Array2DRowRealMatrix(a, false));
    double[] lambda = eig.getEigenvalues();
    double max = 0;
    for (double l : lambda) {
      max = Math.max(max, l);
    }
    double projected = 0;
    for (int i = 0; i < k; i++) {
      if (!(lambda[i] > max * 1e-15)) {
        continue; // a direction the data do not see: zero row, zero residual
      }
      RealVector v = eig.getEigenvector(i);
      double sl = Math.sqrt(lambda[i]);
      double vr = 0;
      for (int p = 0; p < k; p++) {
        m[i][p] = sl * v.getEntry(p);
        vr += v.getEntry(p) * jtr[p];
      }
      res[i] = vr / sl;
      projected += res[i] * res[i];
    }
    res[k] = Math.sqrt(Math.max(0, rr - projected));
    return new Pair<>(new ArrayRealVector(res, false), new Array2DRowRealMatrix(m, false));
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
