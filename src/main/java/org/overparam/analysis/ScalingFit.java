package org.overparam.analysis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A scaling law fitted the way Besiroglu et al. (2024) refitted Chinchilla's Approach 3: the sum
 * over points of the Huber loss (delta 1e-3) between log L and the law's log-sum-exp form,
 * minimised from a grid of starting points, the best kept; with bootstrap intervals on request.
 *
 * <pre>{@code
 * ScalingFit f = ScalingFit.fit(params, tokens, loss, ScalingFitOptions.defaults()
 *     .withBootstrap(200, 0));           // L(N, D); pass tokens = null for L(N)
 * f.law().predict(n, d);  f.estimates().get("alpha").se();
 * }</pre>
 *
 * @param law the best fit
 * @param points data points fitted
 * @param objective the summed Huber loss at the best fit
 * @param gradientNorm Euclidean norm of the objective's gradient there, in the solver's centred
 *     coordinates (near 0 at a minimum)
 * @param r2LogLoss R^2 of the fit on log L
 * @param rmseLogLoss root mean square of log L-hat - log L
 * @param rmseLoss root mean square of L-hat - L
 * @param starts starting points tried
 * @param startsFailed starts that diverged or ran out of evaluations
 * @param startsAtBest starts that ended within 1e-6 (relative) of the best objective
 * @param evaluations objective evaluations over all starts
 * @param bootstrap the resampled fits, or null when none were asked for
 */
public record ScalingFit(ScalingLaw law, int points, double objective, double gradientNorm,
    double r2LogLoss, double rmseLogLoss, double rmseLoss, int starts, int startsFailed,
    int startsAtBest, long evaluations, Bootstrap bootstrap) {
  public ScalingFit {
    if (law == null) {
      throw new IllegalArgumentException("scaling fit: law is required");
    }
  }

  /**
   * Fits L(N, D) = E + A / N^alpha + B / D^beta, or L(N) = E + A / N^alpha when {@code d} is
   * null. All values must be finite and > 0; the arrays are not modified.
   *
   * @throws IllegalArgumentException for unusable data, naming the array and row
   */
  public static ScalingFit fit(double[] n, double[] d, double[] loss, ScalingFitOptions options) {
    check(n, d, loss);
    HuberLseObjective f = new HuberLseObjective(n, d, loss, options.huberDelta());
    // Every start of the grid, the best kept.
    LseFitter.Best best = LseFitter.multiStart(f, options.grid().points(f.joint()),
        options.maxEvaluations());
    double[] c = best.best().centred();
    // Fit quality on the data itself.
    double[] grad = new double[f.dimension()];
    f.value(c, grad);
    double[] res = f.logResiduals(c);
    ScalingLaw law = ScalingLaw.fromLse(f.fromCentred(c));
    Bootstrap boot = options.bootstrap() == 0 ? null
        : Bootstrap.run(f, c, options.bootstrap(), options.seed(), options.maxEvaluations());
    return new ScalingFit(law, loss.length, best.best().objective(), norm(grad),
        r2(res, f.logLoss()), rms(res), rmseLoss(law, n, d, loss), best.starts(),
        best.failed(), best.atBest(), best.evaluations(), boot);
  }

  /** L(N) = E + A / N^alpha: the single-variable form (x may be N, D or any scale). */
  public static ScalingFit fitPowerLaw(double[] x, double[] loss, ScalingFitOptions options) {
    return fit(x, null, loss, options);
  }

  /**
   * Each coefficient (E, A, alpha, and B, beta for the joint form) with its bootstrap standard
   * error and 95% interval; without a bootstrap, values alone.
   */
  public Map<String, CoefficientEstimate> estimates() {
    Map<String, CoefficientEstimate> m = new LinkedHashMap<>();
    m.put("E", estimate(law.e(), ScalingLaw::e));
    m.put("A", estimate(law.a(), ScalingLaw::a));
    m.put("alpha", estimate(law.alpha(), ScalingLaw::alpha));
    if (law.joint()) {
      m.put("B", estimate(law.b(), ScalingLaw::b));
      m.put("beta", estimate(law.beta(), ScalingLaw::beta));
    }
    return m;
  }

  /** A derived quantity of the law with its bootstrap interval (value alone without one). */
  public CoefficientEstimate estimate(double value, ToDoubleFunction<ScalingLaw> q) {
    return bootstrap == null ? CoefficientEstimate.point(value) : bootstrap.estimate(value, q);
  }

  private static void check(double[] n, double[] d, double[] loss) {
    if (n == null || loss == null) {
      throw new IllegalArgumentException("scaling fit: N and L are required");
    }
    if (n.length != loss.length || (d != null && d.length != loss.length)) {
      throw new IllegalArgumentException("scaling fit: N, D and L differ in length: " + n.length
          + ", " + (d == null ? "-" : d.length) + ", " + loss.length);
    }
    int params = d == null ? 3 : 5;
    if (loss.length <= params) {
      throw new IllegalArgumentException("scaling fit: " + loss.length + " points; fitting "
          + params + " coefficients needs at least " + (params + 1));
    }
    positive(n, "N");
    if (d != null) {
      positive(d, "D");
    }
    positive(loss, "L");
  }

  private static void positive(double[] x, String name) {
    for (int i = 0; i < x.length; i++) {
      if (!(x[i] > 0) || Double.isInfinite(x[i])) {
        throw new IllegalArgumentException("scaling fit: " + name + "[" + i + "] = " + x[i]
            + "; values must be finite and > 0");
      }
    }
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static double rms(double[] r) {
    double s = 0;
    for (double x : r) {
      s += x * x;
    }
    return Math.sqrt(s / r.length);
  }

  private static double r2(double[] residuals, double[] y) {
    double mean = 0;
    for (double v : y) {
      mean += v / y.length;
    }
    double ssRes = 0;
    double ssTot = 0;
    for (int i = 0; i < y.length; i++) {
      ssRes += residuals[i] * residuals[i];
      ssTot += (y[i] - mean) * (y[i] - mean);
    }
    return ssTot == 0 ? Double.NaN : 1 - ssRes / ssTot;
  }

  private static double rmseLoss(ScalingLaw law, double[] n, double[] d, double[] loss) {
    double s = 0;
    for (int i = 0; i < loss.length; i++) {
      double r = law.predict(n[i], d == null ? Double.NaN : d[i]) - loss[i];
      s += r * r;
    }
    return Math.sqrt(s / loss.length);
  }
}
