package org.overparam.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

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
 * @param screenPoints points of the sample the start grid ran on ({@link #SCREEN_POINTS}), or
 *     0 when it ran on all points
 * @param identification whether the fit means anything, and why not ({@link Identification})
 */
public record ScalingFit(ScalingLaw law, int points, double objective, double gradientNorm,
    double r2LogLoss, double rmseLogLoss, double rmseLoss, int starts, int startsFailed,
    int startsAtBest, long evaluations, Bootstrap bootstrap, int screenPoints,
    Identification identification) {
  /**
   * Most points a fit takes. A fit's time grows with points times (starts + resamples);
   * 10^6 points with the full grid and 200 resamples take a few minutes on 2 cores.
   */
  public static final int MAX_POINTS = 2_000_000;
  /**
   * Above this many points the start grid runs on a seeded sample of this many, and its
   * {@link #SCREEN_KEEP} best distinct optima are refined on all points: the grid only has to
   * find the basin, which a sample of a smooth law's points locates as well as all of them.
   */
  public static final int SCREEN_POINTS = 500;
  /**
   * Evaluations allowed a start on the sample (at most the options' cap): a start that needs
   * more is far from every basin the other starts find, and counts as failed.
   */
  public static final int SCREEN_MAX_EVALUATIONS = 200;
  /**
   * Relative tolerance of a start on the sample: enough to tell the basins apart; the
   * refinement on all points goes to {@link LseFitter#TOLERANCE}.
   */
  public static final double SCREEN_TOLERANCE = 1e-6;
  /** Optima of the sampled grid refined on all points. */
  public static final int SCREEN_KEEP = 3;

  public ScalingFit {
    if (law == null || identification == null) {
      throw new IllegalArgumentException("scaling fit: law and identification are required");
    }
  }

  /** True when the fit means something (see {@link Identification}). */
  public boolean identified() {
    return identification.identified();
  }

  /**
   * Fits L(N, D) = E + A / N^alpha + B / D^beta, or L(N) = E + A / N^alpha when {@code d} is
   * null. All values must be finite and > 0; the arrays are not modified.
   *
   * @throws IllegalArgumentException for unusable data, naming the array and row
   * @throws Identification.NoFit for data no fit can be made of (too few points or sizes, all
   *     losses equal), with the reason
   */
  public static ScalingFit fit(double[] n, double[] d, double[] loss, ScalingFitOptions options) {
    return fit(n, d, loss, options, FitProgress.NONE);
  }

  /** {@link #fit(double[], double[], double[], ScalingFitOptions)}, reporting progress. */
  public static ScalingFit fit(double[] n, double[] d, double[] loss, ScalingFitOptions options,
      FitProgress progress) {
    check(n, d, loss);
    Identification data = Identification.ofData(n, d, loss);
    if (!data.identified()) {
      throw new Identification.NoFit(data);
    }
    HuberLseObjective f = new HuberLseObjective(n, d, loss, options.huberDelta());
    List<double[]> grid = options.grid().points(f.joint());
    LseFitter.Best best;
    int screen = 0;
    if (f.points() <= SCREEN_POINTS) {
      // Every start of the grid, the best kept.
      progress.phase("start grid", grid.size(), grid.size() + " starts on " + f.points()
          + " points");
      best = LseFitter.multiStart(f, grid, options.maxEvaluations(), progress);
    } else {
      screen = SCREEN_POINTS;
      best = screened(f, grid, options.maxEvaluations(), progress);
    }
    double[] c = best.best().centred();
    // Fit quality on the data itself.
    double[] grad = new double[f.dimension()];
    f.value(c, grad);
    double[] res = f.logResiduals(c);
    ScalingLaw law = ScalingLaw.fromLse(f.fromCentred(c));
    Bootstrap boot = null;
    if (options.bootstrap() > 0) {
      progress.phase("bootstrap", options.bootstrap(), options.bootstrap() + " resamples of "
          + f.points() + " points");
      boot = Bootstrap.run(f, c, options.bootstrap(), options.seed(), options.maxEvaluations(),
          progress);
    }
    progress.idle();
    ScalingFit fit = new ScalingFit(law, loss.length, best.best().objective(), norm(grad),
        r2(res, f.logLoss()), rms(res), rmseLoss(law, n, d, loss), best.starts(),
        best.failed(), best.atBest(), best.evaluations(), boot, screen, Identification.YES);
    return fit.withIdentification(Identification.ofFit(fit, n, d, loss));
  }

  /**
   * The grid on a seeded sample of {@link #SCREEN_POINTS} points, then its {@link #SCREEN_KEEP}
   * best distinct optima refined on every point; starts, failures and starts at best are the
   * sample's (each start capped at {@link #SCREEN_MAX_EVALUATIONS}, to
   * {@link #SCREEN_TOLERANCE}), evaluations both.
   */
  private static LseFitter.Best screened(HuberLseObjective f, List<double[]> grid,
      int maxEvaluations, FitProgress progress) {
    HuberLseObjective sample = f.subset(sample(f.points(), SCREEN_POINTS, 0x5ca1eL));
    progress.phase("start grid", grid.size(), grid.size() + " starts on a sample of "
        + SCREEN_POINTS + " of " + f.points() + " points");
    LseFitter.Outcome[] out = IntStream.range(0, grid.size()).parallel()
        .mapToObj(i -> {
          LseFitter.Outcome o = LseFitter.fromStart(sample, sample.toCentred(grid.get(i)),
              Math.min(maxEvaluations, SCREEN_MAX_EVALUATIONS),
              sample.points() > LseFitter.REDUCE_ABOVE, SCREEN_TOLERANCE);
          progress.step();
          return o;
        }).toArray(LseFitter.Outcome[]::new);
    LseFitter.Best onSample = LseFitter.best(out);
    // The best distinct optima, best first (ties: earliest start).
    List<LseFitter.Outcome> keep = new ArrayList<>();
    Integer[] order = new Integer[out.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> out[i].ok() ? out[i].objective()
        : Double.POSITIVE_INFINITY));
    for (int i : order) {
      LseFitter.Outcome o = out[i];
      if (!o.ok() || keep.size() >= SCREEN_KEEP) {
        break;
      }
      boolean same = keep.stream().anyMatch(k -> Math.abs(k.objective() - o.objective())
          <= 1e-6 * Math.abs(k.objective()));
      if (!same) {
        keep.add(o);
      }
    }
    progress.phase("refining", keep.size(), keep.size() + " best starts on all " + f.points()
        + " points");
    LseFitter.Outcome[] refined = keep.parallelStream().map(o -> {
      LseFitter.Outcome r = LseFitter.fromStart(f, o.centred(), maxEvaluations);
      progress.step();
      return r;
    }).toArray(LseFitter.Outcome[]::new);
    LseFitter.Best best = LseFitter.best(refined);
    return new LseFitter.Best(best.best(), onSample.starts(), onSample.failed(),
        onSample.atBest(), onSample.evaluations() + best.evaluations());
  }

  /** {@code k} distinct indices of {@code 0..n-1}, drawn with a seeded partial shuffle. */
  private static int[] sample(int n, int k, long seed) {
    int[] idx = new int[n];
    Arrays.setAll(idx, i -> i);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = Arrays.copyOf(idx, k);
    Arrays.sort(out);
    return out;
  }

  /** This fit with another identification. */
  public ScalingFit withIdentification(Identification id) {
    return new ScalingFit(law, points, objective, gradientNorm, r2LogLoss, rmseLogLoss, rmseLoss,
        starts, startsFailed, startsAtBest, evaluations, bootstrap, screenPoints, id);
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
    if (loss.length > MAX_POINTS) {
      throw new IllegalArgumentException("scaling fit: " + loss.length + " points; a fit takes "
          + "at most " + MAX_POINTS + " (fit a sample)");
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
