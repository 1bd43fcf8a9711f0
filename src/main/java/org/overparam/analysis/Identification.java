package org.overparam.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether a scaling fit means anything: the one place that decides, for {@code fit-scaling},
 * the scaling tables and the report. A fit is <em>identified</em> when its data can tell its
 * coefficients apart and the fit found them inside the law's parameter space; otherwise
 * {@link #reason} says why, as {@code "<category>"} or {@code "<category>: <detail>"} (the report
 * groups fits by category).
 *
 * <p>Before fitting ({@link #ofData}); data that fail these cannot be fitted at all, and
 * {@link ScalingFit#fit} throws {@link NoFit}:
 * <ul>
 *   <li>too few distinct sizes: L(N) needs {@link #MIN_SIZES} distinct N (three coefficients
 *       along one axis, plus one to spare); L(N, D) needs {@link #MIN_JOINT_SIZES} distinct N
 *       and as many distinct D (a term's coefficient and exponent need two levels beyond the
 *       one E absorbs). A single size is reported as {@code "single model size"};</li>
 *   <li>too few points: at least one more than the coefficients (4 for L(N), 6 for L(N, D));</li>
 *   <li>all losses equal (to {@link #EQUAL_LOSSES} relative): there is no scaling to fit.</li>
 * </ul>
 * After fitting ({@link #ofFit}); the fit exists but is reported {@code identified = false}:
 * <ul>
 *   <li>loss not monotone: the mean loss per distinct N (at each D with at least
 *       {@link #MIN_SIZES_FOR_SHAPE} distinct N, for L(N, D)), pooled into at most
 *       {@link #MAX_BINS} bins of consecutive sizes, rises above its value at a smaller N by
 *       more than noise: more than {@link #MONOTONE_TOLERANCE} of the loss and more than
 *       {@link #NOISE_Z} standard errors of the difference (from repeated points, or from the
 *       fit's typical error, {@link #noise}). The law only falls with N; a double-descent
 *       curve rises then falls.</li>
 *   <li>at a bound: an exponent outside [{@link #EXPONENT_MIN}, {@link #EXPONENT_MAX}] (a flat
 *       or rising term, or a step), or a term (E, A N^-alpha, B D^-beta) below
 *       {@link #MIN_TERM_SHARE} of the predicted loss at every point (its coefficient ran to 0,
 *       where the solver's log coordinates have no bound).</li>
 *   <li>interval too wide (with a bootstrap): a 95% interval of E, A or B with hi / lo above
 *       {@link #MAX_INTERVAL_RATIO} (more than two decades, or lo at 0), or of an exponent with
 *       lo at or below 0 or hi / lo above {@link #MAX_EXPONENT_INTERVAL_RATIO}.</li>
 *   <li>bootstrap unstable: more resamples failed to refit than converged.</li>
 * </ul>
 * The first rule broken is the reason.
 *
 * @param identified whether the fit's coefficients mean something
 * @param reason why not ({@code ""} when identified)
 */
public record Identification(boolean identified, String reason) {
  /** Distinct sizes L(N) needs. */
  public static final int MIN_SIZES = 4;
  /** Distinct N and distinct D L(N, D) needs. */
  public static final int MIN_JOINT_SIZES = 3;
  /** Losses whose (max - min) / max is at most this are all equal. */
  public static final double EQUAL_LOSSES = 1e-12;
  /** A rise of the mean loss with N beyond this fraction of the loss is not noise. */
  public static final double MONOTONE_TOLERANCE = 0.02;
  /** ... nor one beyond this many standard errors of the difference of two means. */
  public static final double NOISE_Z = 3;
  /** Consecutive sizes are pooled into at most this many bins before the shape is judged. */
  public static final int MAX_BINS = 12;
  /** Distinct N at one D before the shape of loss against N at that D is judged. */
  public static final int MIN_SIZES_FOR_SHAPE = 3;
  /** Exponents are bounded to [EXPONENT_MIN, EXPONENT_MAX]. */
  public static final double EXPONENT_MIN = 0.01;
  public static final double EXPONENT_MAX = 5;
  /** A term below this share of the predicted loss at every point has vanished. */
  public static final double MIN_TERM_SHARE = 1e-4;
  /** Largest hi / lo of the 95% interval of E, A or B: two decades. */
  public static final double MAX_INTERVAL_RATIO = 100;
  /** Largest hi / lo of the 95% interval of an exponent: one decade. */
  public static final double MAX_EXPONENT_INTERVAL_RATIO = 10;

  /** Identified. */
  public static final Identification YES = new Identification(true, "");

  /**
   * The category of a fit whose coefficients are found but not pinned down: its bootstrap
   * intervals are too wide. Unlike the other categories its estimates still say something, and
   * the report shows them with those intervals.
   */
  public static final String INTERVAL_TOO_WIDE = "interval too wide";

  public Identification {
    if (reason == null || identified != reason.isEmpty()) {
      throw new IllegalArgumentException("identification: a reason exactly when not identified");
    }
  }

  /** Not identified, because of {@code reason}. */
  public static Identification no(String reason) {
    return new Identification(false, reason);
  }

  /** The category of the reason: the text before its first ": " (all of it when none). */
  public String category() {
    int i = reason.indexOf(": ");
    return i < 0 ? reason : reason.substring(0, i);
  }

  /** Thrown by {@link ScalingFit#fit} for data no fit can be made of; carries the reason. */
  public static final class NoFit extends IllegalArgumentException {
    private final Identification identification;

    NoFit(Identification identification) {
      super("scaling fit: " + identification.reason());
      this.identification = identification;
    }

    /** Not identified, with the reason. */
    public Identification identification() {
      return identification;
    }
  }

  /** {@link #ofData} with N called "model" sizes and D "data" sizes. */
  public static Identification ofData(double[] n, double[] d, double[] loss) {
    return ofData(n, d, loss, d == null ? "L(N)" : "L(N,D)", "model", "data");
  }

  /**
   * Whether these points can be fitted at all (before any fit): {@link #YES}, or the reason
   * not. {@code law}, {@code nName} and {@code dName} word the reason (e.g. "L(D)",
   * "training-set").
   */
  public static Identification ofData(double[] n, double[] d, double[] loss, String law,
      String nName, String dName) {
    int min = d == null ? MIN_SIZES : MIN_JOINT_SIZES;
    Identification sizes = sizes(n, nName, law, min);
    if (sizes.identified() && d != null) {
      sizes = sizes(d, dName, law, min);
    }
    if (!sizes.identified()) {
      return sizes;
    }
    int params = d == null ? 3 : 5;
    if (loss.length <= params) {
      return no(loss.length + " points; fitting " + params + " coefficients needs at least "
          + (params + 1));
    }
    double lo = Arrays.stream(loss).min().orElseThrow();
    double hi = Arrays.stream(loss).max().orElseThrow();
    if ((hi - lo) <= EQUAL_LOSSES * hi) {
      return no("all losses equal: each of the " + loss.length + " points has loss " + hi);
    }
    return YES;
  }

  private static Identification sizes(double[] x, String name, String law, int min) {
    long distinct = Arrays.stream(x).distinct().count();
    if (distinct == 1) {
      return no("single " + name + " size: every point at " + fmt(x[0]) + "; " + law
          + " needs at least " + min + " distinct");
    }
    return distinct < min ? no(distinct + " distinct " + name + " sizes; " + law
        + " needs at least " + min) : YES;
  }

  /**
   * Whether a fit to these points is identified (see the class comment for the rules).
   * {@code d} is null for L(N).
   */
  static Identification ofFit(ScalingFit fit, double[] n, double[] d, double[] loss) {
    Identification shape = monotone(n, d, loss, noise(fit.law(), n, d, loss));
    if (!shape.identified()) {
      return shape;
    }
    Identification bound = bounds(fit.law(), n, d);
    if (!bound.identified()) {
      return bound;
    }
    Bootstrap boot = fit.bootstrap();
    if (boot != null && boot.failed() > boot.size()) {
      return no("bootstrap unstable: " + boot.failed() + " of " + (boot.failed() + boot.size())
          + " resamples failed to refit");
    }
    for (Map.Entry<String, CoefficientEstimate> e : fit.estimates().entrySet()) {
      CoefficientEstimate c = e.getValue();
      if (Double.isNaN(c.lo()) || Double.isNaN(c.hi())) {
        continue;
      }
      boolean exponent = e.getKey().equals("alpha") || e.getKey().equals("beta");
      double limit = exponent ? MAX_EXPONENT_INTERVAL_RATIO : MAX_INTERVAL_RATIO;
      if (!(c.lo() > 0) || c.hi() / c.lo() > limit) {
        return no(INTERVAL_TOO_WIDE + String.format(Locale.ROOT, ": %s's 95%% interval [%.4g, "
            + "%.4g] %s", e.getKey(), c.lo(), c.hi(), exponent
            ? "admits no decay or spans more than a decade"
            : "spans more than two decades"));
      }
    }
    return YES;
  }

  /** Exponents inside their bounds and every term alive somewhere in the data. */
  static Identification bounds(ScalingLaw law, double[] n, double[] d) {
    List<Map.Entry<String, Double>> exps = new ArrayList<>();
    exps.add(Map.entry("alpha", law.alpha()));
    if (law.joint()) {
      exps.add(Map.entry("beta", law.beta()));
    }
    for (Map.Entry<String, Double> x : exps) {
      if (!(x.getValue() >= EXPONENT_MIN && x.getValue() <= EXPONENT_MAX)) {
        return no(String.format(Locale.ROOT, "at a bound: %s = %.4g, outside [%s, %s]",
            x.getKey(), x.getValue(), EXPONENT_MIN, EXPONENT_MAX));
      }
    }
    // Largest share of each term in the predicted loss over the points.
    double shareE = 0;
    double shareA = 0;
    double shareB = 0;
    for (int i = 0; i < n.length; i++) {
      double tA = law.a() * Math.pow(n[i], -law.alpha());
      double tB = law.joint() ? law.b() * Math.pow(d[i], -law.beta()) : 0;
      double l = law.e() + tA + tB;
      shareE = Math.max(shareE, law.e() / l);
      shareA = Math.max(shareA, tA / l);
      shareB = Math.max(shareB, tB / l);
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    shares.put("E", shareE);
    shares.put("A N^-alpha", shareA);
    if (law.joint()) {
      shares.put("B D^-beta", shareB);
    }
    for (Map.Entry<String, Double> s : shares.entrySet()) {
      if (!(s.getValue() >= MIN_TERM_SHARE)) {
        return no(String.format(Locale.ROOT, "at a bound: %s vanished (at most %.2g of the "
            + "predicted loss at any point)", s.getKey(), s.getValue()));
      }
    }
    return YES;
  }

  /**
   * Whether the mean loss per distinct N falls (or stays within noise) as N grows: over all
   * points for L(N), at each D with enough distinct N for L(N, D).
   */
  static Identification monotone(double[] n, double[] d, double[] loss, double noise) {
    if (d == null) {
      return curve(n, loss, noise, "loss not monotone in size", "");
    }
    Map<Double, List<Integer>> byD = new TreeMap<>();
    for (int i = 0; i < n.length; i++) {
      byD.computeIfAbsent(d[i], k -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<Double, List<Integer>> e : byD.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(i -> n[i]).toArray();
      if (Arrays.stream(x).distinct().count() < MIN_SIZES_FOR_SHAPE) {
        continue;
      }
      double[] l = e.getValue().stream().mapToDouble(i -> loss[i]).toArray();
      Identification c = curve(x, l, noise, "loss not monotone in N", "at D = "
          + fmt(e.getKey()) + ", ");
      if (!c.identified()) {
        return c;
      }
    }
    return YES;
  }

  /** The largest rise of the mean loss against x beyond noise, if any, as a reason. */
  private static Identification curve(double[] x, double[] loss, double noise, String category,
      String at) {
    TreeMap<Double, double[]> groups = new TreeMap<>(); // x -> {count, sum, sum of squares}
    for (int i = 0; i < x.length; i++) {
      double[] g = groups.computeIfAbsent(x[i], k -> new double[3]);
      g[0]++;
      g[1] += loss[i];
      g[2] += loss[i] * loss[i];
    }
    int k = groups.size();
    if (k < MIN_SIZES_FOR_SHAPE) {
      return YES;
    }
    double[] xs = new double[k];
    double[] mean = new double[k];
    double[] se = new double[k];
    int j = 0;
    for (Map.Entry<Double, double[]> e : groups.entrySet()) {
      double[] g = e.getValue();
      xs[j] = e.getKey();
      mean[j] = g[1] / g[0];
      se[j] = g[0] < 2 ? 0
          : Math.sqrt(Math.max(0, (g[2] - g[0] * mean[j] * mean[j]) / (g[0] - 1)) / g[0]);
      j++;
    }
    // Without repeats a point's noise is the fit's typical relative error.
    for (int i = 0; i < k; i++) {
      se[i] = Math.max(se[i], noise * mean[i]);
    }
    // Consecutive sizes pooled into at most MAX_BINS bins, so a long noisy curve is judged on
    // its averages rather than on its luckiest points.
    int w = (k + MAX_BINS - 1) / MAX_BINS;
    int bins = (k + w - 1) / w;
    double[] bm = new double[bins];
    double[] bse = new double[bins];
    int[] first = new int[bins];
    int[] last = new int[bins];
    for (int b = 0; b < bins; b++) {
      first[b] = b * w;
      last[b] = Math.min(k, first[b] + w) - 1;
      double var = 0;
      int c = last[b] - first[b] + 1;
      for (int i = first[b]; i <= last[b]; i++) {
        bm[b] += mean[i] / c;
        var += se[i] * se[i];
      }
      bse[b] = Math.sqrt(var) / c;
    }
    // For each bin, its rise above the lowest earlier bin; keep the largest excess over noise.
    int from = -1;
    int to = -1;
    double worst = 1;
    int low = 0;
    for (int b = 1; b < bins; b++) {
      double tol = Math.max(MONOTONE_TOLERANCE * bm[low], NOISE_Z * Math.hypot(bse[low],
          bse[b]));
      double rise = bm[b] - bm[low];
      if (rise > tol && rise / tol > worst) {
        worst = rise / tol;
        from = low;
        to = b;
      }
      if (bm[b] < bm[low]) {
        low = b;
      }
    }
    if (from < 0) {
      return YES;
    }
    mean = bm;
    double fromX = xs[first[from]];
    double toX = xs[last[to]];
    // Does it fall again after the peak (double descent), or stay up?
    double after = Double.POSITIVE_INFINITY;
    for (int b = to + 1; b < bins; b++) {
      after = Math.min(after, mean[b]);
    }
    String tail = after < mean[to] - MONOTONE_TOLERANCE * mean[to]
        ? String.format(Locale.ROOT, ", then falls %.1f%% (double descent)",
            100 * (mean[to] - after) / mean[to])
        : "";
    return no(String.format(Locale.ROOT, "%s: %smean loss rises %.1f%% from %s to %s%s",
        category, at, 100 * (mean[to] - mean[from]) / mean[from], fmt(fromX), fmt(toX), tail));
  }

  /**
   * The relative noise of one point: the median absolute log residual of the fit, scaled to a
   * standard deviation (/ 0.6745). A median, so the few points of a bump the law cannot follow
   * do not count; the Huber loss with a small delta fits nearly by least absolute deviations,
   * which leaves those points out of the fit as well.
   */
  static double noise(ScalingLaw law, double[] n, double[] d, double[] loss) {
    double[] r = new double[loss.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.abs(Math.log(law.predict(n[i], d == null ? Double.NaN : d[i]) / loss[i]));
    }
    Arrays.sort(r);
    int h = r.length / 2;
    double med = r.length % 2 == 1 ? r[h] : (r[h - 1] + r[h]) / 2;
    return med / 0.6745;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
