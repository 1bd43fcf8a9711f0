package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;
import org.overparam.results.Column;
import org.overparam.results.Table;

/**
 * Scaling laws fitted to the per-cell losses ({@code curves}' best_test_loss: the mean over
 * seeds of each run's least test loss), per setting (experiment, configuration, model family,
 * label noise, weight decay, dropout; depths pooled, N = non-embedding parameters as Kaplan et
 * al. count them, which for an MLP are all of them, D = training examples):
 * <ul>
 *   <li>L(N) = E + A·N^−α at each training-set size;</li>
 *   <li>L(D) = E + A·D^−α at each model size (point estimates: one law per model size is
 *       many fits);</li>
 *   <li>L(N, D) = E + A·N^−α + B·D^−β on all of the setting's cells (Chinchilla's form);</li>
 *   <li>for L(N) and L(N, D), the error of predicting the largest N from a fit on the smaller
 *       ones;</li>
 *   <li>for L(N, D), the compute-optimal N and D at budgets C = 6·N·D.</li>
 * </ul>
 * A fit whose cells cannot be fitted (too few distinct sizes or points, all losses equal) is
 * skipped, its row saying why; a fit that means nothing (loss not monotone in N, a coefficient
 * at a bound, too wide an interval) is kept with {@code identified = false} and the reason.
 * {@link Identification} decides both.
 */
public final class ScalingTables {  /** Points on each drawn curve. */
  static final int CURVE_POINTS = 40;

  private ScalingTables() {}

  /**
   * A setting: the cells that share everything but model and data size. A configuration fixes
   * the family; tables that other tools wrote may hold several in one experiment, each fitted
   * apart.
   */
  public record Setting(String experiment, String config, String family, double labelNoise,
      double weightDecay, double dropout) {}

  /** What the scaling analysis produced: rows of its three tables and summary lines. */
  public record Result(List<Row> fits, List<Row> curves, List<Row> optimal, List<String> lines) {}

  /** Fits every setting of {@code cells}; {@code fitter} null skips all with a reason. */
  public static Result fit(List<Curve> cells, ScalingFitter fitter, long seed) {
    Result out = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>());
    for (Map.Entry<Setting, List<Curve>> s : settings(cells).entrySet()) {
      fitSetting(s.getKey(), s.getValue(), fitter, seed, out);
    }
    return out;
  }

  private static Map<Setting, List<Curve>> settings(List<Curve> cells) {
    Map<Setting, List<Curve>> out = new LinkedHashMap<>();
    for (Curve c : cells) {
      double l = c.bestTestLoss().mean();
      if (c.measured() && l > 0 && Double.isFinite(l)) {
        Cell k = c.cell();
        out.computeIfAbsent(new Setting(k.experiment(), k.config(), c.family(), k.labelNoise(),
            k.weightDecay(), k.dropout()), x -> new ArrayList<>()).add(c);
      }
    }
    return out;
  }

  private static void fitSetting(Setting s, List<Curve> cells, ScalingFitter fitter, long seed,
      Result out) {
    // L(N) at each D, L(D) at each N.
    Map<Integer, List<Curve>> byD = new LinkedHashMap<>();
    Map<Long, List<Curve>> byN = new LinkedHashMap<>();
    cells.stream().sorted(java.util.Comparator.comparingInt((Curve c) -> c.cell().trainSize())
        .thenComparingLong(Curve::nonEmbeddingParams)).forEach(c -> {
          byD.computeIfAbsent(c.cell().trainSize(), k -> new ArrayList<>()).add(c);
          byN.computeIfAbsent(c.nonEmbeddingParams(), k -> new ArrayList<>()).add(c);
        });
    int fitted = 0;
    for (Map.Entry<Integer, List<Curve>> d : byD.entrySet()) {
      fitted += oneScale(s, "L(N)", d.getValue(), Curve::nonEmbeddingParams, d.getKey(), null,
          fitter, seed, out) ? 1 : 0;
    }
    for (Map.Entry<Long, List<Curve>> n : byN.entrySet()) {
      fitted += oneScale(s, "L(D)", n.getValue(), c -> c.cell().trainSize(), null, n.getKey(),
          fitter, seed, out) ? 1 : 0;
    }
    boolean joint = joint(s, cells, fitter, seed, out);
    if (fitted == 0 && !joint) {
      out.lines().add(where(s) + ": scaling fits skipped: " + cells.stream()
          .mapToLong(Curve::nonEmbeddingParams).distinct().count() + " distinct model sizes and "
          + byD.size() + " training-set sizes (L(N) and L(D) need at least "
          + Identification.MIN_SIZES + " distinct sizes, L(N, D) at least "
          + Identification.MIN_JOINT_SIZES + " of each)");
    }
  }

  /** Fits a one-scale law; returns whether it was fitted. */
  private static boolean oneScale(Setting s, String law, List<Curve> pts,
      ToDoubleFunction<Curve> scale, Integer fixedD, Long fixedN, ScalingFitter fitter, long seed,
      Result out) {
    double[] x = pts.stream().mapToDouble(scale).toArray();
    double[] l = pts.stream().mapToDouble(c -> c.bestTestLoss().mean()).toArray();
    long sizes = Arrays.stream(x).distinct().count();
    String scaleName = law.equals("L(N)") ? "model" : "training-set";
    Identification data = Identification.ofData(x, null, l, law, scaleName, null);
    if (fitter == null || !data.identified()) {
      out.fits().add(skipped(s, law, fixedD, fixedN, x.length, sizes, fitter == null
          ? "no scaling-law fitter available" : data.reason()));
      return false;
    }
    return fitAndRecord(s, law, fixedD, fixedN, x, null, l, sizes, fitter, seed,
        law.equals("L(N)"), out);
  }

  /** Fits L(N, D) on all of a setting's cells; returns whether it was fitted. */
  private static boolean joint(Setting s, List<Curve> cells, ScalingFitter fitter, long seed,
      Result out) {
    double[] n = cells.stream().mapToDouble(Curve::nonEmbeddingParams).toArray();
    double[] d = cells.stream().mapToDouble(c -> c.cell().trainSize()).toArray();
    double[] l = cells.stream().mapToDouble(c -> c.bestTestLoss().mean()).toArray();
    long ns = Arrays.stream(n).distinct().count();
    Identification data = Identification.ofData(n, d, l, "L(N,D)", "model", "training-set");
    if (fitter == null || !data.identified()) {
      out.fits().add(skipped(s, "L(N,D)", null, null, l.length, ns, fitter == null
          ? "no scaling-law fitter available" : data.reason()));
      return false;
    }
    return fitAndRecord(s, "L(N,D)", null, null, n, d, l, ns, fitter, seed, true, out);
  }

  /**
   * Fits, records the row, the curves and (for L(N, D)) the frontier; {@code full} adds the
   * bootstrap intervals and the held-out prediction of the largest N.
   */
  private static boolean fitAndRecord(Setting s, String law, Integer fixedD, Long fixedN,
      double[] x, double[] d, double[] l, long sizes, ScalingFitter fitter, long seed,
      boolean full, Result out) {
    ScalingFitter.Fitted f;
    try {
      f = fitter.fit(x, d, l, seed, full);
    } catch (Identification.NoFit e) {
      out.fits().add(skipped(s, law, fixedD, fixedN, l.length, sizes,
          e.identification().reason()));
      return false;
    } catch (RuntimeException e) {
      out.fits().add(skipped(s, law, fixedD, fixedN, l.length, sizes, "fit failed: "
          + e.getMessage()));
      out.lines().add(where(s) + ": " + law + " fit failed: " + e.getMessage());
      return false;
    }
    Holdout h = full ? holdout(x, d, l, fitter, seed) : null;
    out.fits().add(fitted(s, law, fixedD, fixedN, l.length, sizes, f,
        full ? fitter.resamples() : 0, seed, h));
    curves(s, law, fixedD, fixedN, x, d, f, out);
    if (d != null) {
      optimal(s, x, d, f, out);
    }
    if (law.equals("L(N,D)")) {
      Map<String, double[]> c = f.coefficients();
      out.lines().add(String.format(Locale.ROOT, "%s: L(N, D) = %.3g + %.3g N^-%.3f + %.3g "
              + "D^-%.3f (R^2 on log L %.3f)%s", where(s), c.get("E")[0], c.get("A")[0],
          c.get("alpha")[0], c.get("B")[0], c.get("beta")[0], f.r2LogLoss(),
          h == null ? "" : String.format(Locale.ROOT, "; the largest N predicted from the "
              + "smaller within %.1f%%", 100 * h.meanAbsRelativeError()))
          + (f.identification().identified() ? ""
              : "; not identified: " + f.identification().reason()));
    }
    return true;
  }

  // ---- predicting the largest scale

  /** The largest scale's points, predicted by a fit (from the whole grid) on the rest. */
  record Holdout(double scale, double loss, double predicted, double meanAbsRelativeError) {}

  private static Holdout holdout(double[] x, double[] d, double[] l, ScalingFitter fitter,
      long seed) {
    double max = Arrays.stream(x).max().orElseThrow();
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      (x[i] < max ? train : test).add(i);
    }
    double[] tx = pick(x, train);
    double[] td = d == null ? null : pick(d, train);
    double[] tl = pick(l, train);
    if (!Identification.ofData(tx, td, tl).identified()) {
      return null;
    }
    ScalingFitter.Fitted f;
    try {
      f = fitter.fit(tx, td, tl, seed, false);
    } catch (RuntimeException e) {
      return null;
    }
    double err = 0;
    double loss = 0;
    double pred = 0;
    for (int i : test) {
      double p = f.predict(x[i], d == null ? Double.NaN : d[i]);
      err += Math.abs(p - l[i]) / l[i] / test.size();
      loss += l[i] / test.size();
      pred += p / test.size();
    }
    return new Holdout(max, loss, pred, err);
  }

  private static double[] pick(double[] x, List<Integer> rows) {
    return rows.stream().mapToDouble(i -> x[i]).toArray();
  }

  // ---- scaling_fits table

  /**
   * Schema of {@code <results>/analysis/scaling_fits/experiment=<name>/}: one row per law fitted
   * (or skipped). Coefficients come with the 2.5% and 97.5% percentiles of a seeded bootstrap
   * ({@code *_lo}, {@code *_hi}; null without one).
   *
   * <pre>
   * column                  type     meaning
   * experiment              string   partition column
   * config                  string   configuration id, as in curves
   * label_noise, weight_decay, dropout: the setting
   * family                  string   model family of the setting's runs, as in curves
   * law                     string   L(N) | L(D) | L(N,D)
   * train_size              int      D held fixed by L(N) (null otherwise)
   * params                  long     N held fixed by L(D) (null otherwise); N is curves'
   *                                  non_embedding_params
   * points                  int      cells fitted (loss = mean least test loss over seeds)
   * sizes                   long     distinct sizes on the law's scale (N for L(N, D))
   * status                  string   fitted | skipped (no fit possible: too few sizes or
   *                                  points, all losses equal)
   * identified              boolean  whether the fit means anything (Identification): false
   *                                  when skipped, and for a fit whose loss is not monotone in
   *                                  N, with a coefficient at a bound, or a 95% interval over
   *                                  two decades wide
   * reason                  string   why skipped or not identified ("category" or
   *                                  "category: detail"), else empty
   * e, a, alpha             double   L = e + a·x^−alpha (x = N or D); each with _lo, _hi
   * b, beta                 double   + b·D^−beta, for L(N,D) only; each with _lo, _hi
   * r2_log_loss             double   R² of the fit on log L
   * rmse_log_loss           double   root mean square error on log L
   * bootstrap_resamples     int      resamples drawn
   * bootstrap_failed        int      resamples whose refit failed
   * seed                    long     bootstrap seed
   * holdout_scale           double   the largest N, held out (null: too few sizes to hold one
   *                                  out, and for L(D))
   * holdout_loss            double   mean loss of its cells
   * holdout_predicted       double   mean prediction there of the fit on the smaller sizes
   * holdout_relative_error  double   mean |predicted − loss| / loss over those cells
   * </pre>
   */
  private static Table.RowBuilder fitsRow(Setting s, String law, Integer fixedD, Long fixedN,
      int points, long sizes, String status, boolean identified, String reason) {
    return setting(Catalog.SCALING_FITS.row(), s).set(FAMILY, s.family()).set(LAW, law).set(TRAIN_SIZE, fixedD)
        .set(PARAMS, fixedN).set(POINTS, points).set(FIT_SIZES, sizes).set(FIT_STATUS, status)
        .set(IDENTIFIED, identified).set(REASON, reason);
  }

  /** The coefficient columns, by the fitter's names of the coefficients. */
  private static final Map<String, Column> COEFFICIENTS = new LinkedHashMap<>();

  static {
    COEFFICIENTS.put("E", E);
    COEFFICIENTS.put("A", A);
    COEFFICIENTS.put("alpha", ALPHA);
    COEFFICIENTS.put("B", B);
    COEFFICIENTS.put("beta", BETA);
  }

  private static Row skipped(Setting s, String law, Integer fixedD, Long fixedN, int points,
      long sizes, String reason) {
    Table.RowBuilder r = fitsRow(s, law, fixedD, fixedN, points, sizes, "skipped", false,
        reason);
    COEFFICIENTS.values().forEach(c -> r.none(c, lo(c), hi(c)));
    return r.none(R2_LOG_LOSS, RMSE_LOG_LOSS, BOOTSTRAP_RESAMPLES, BOOTSTRAP_FAILED, FIT_SEED,
        HOLDOUT_SCALE, HOLDOUT_LOSS, HOLDOUT_PREDICTED, HOLDOUT_RELATIVE_ERROR).build();
  }

  private static Row fitted(Setting s, String law, Integer fixedD, Long fixedN, int points,
      long sizes, ScalingFitter.Fitted f, int resamples, long seed, Holdout h) {
    Identification id = f.identification();
    Table.RowBuilder r = fitsRow(s, law, fixedD, fixedN, points, sizes, "fitted",
        id.identified(), id.reason());
    COEFFICIENTS.forEach((k, column) -> {
      double[] c = f.coefficients().get(k);
      r.set(column, c == null ? null : Tables.nullIfNaN(c[0]))
          .set(lo(column), c == null ? null : Tables.nullIfNaN(c[1]))
          .set(hi(column), c == null ? null : Tables.nullIfNaN(c[2]));
    });
    return r.set(R2_LOG_LOSS, Tables.nullIfNaN(f.r2LogLoss()))
        .set(RMSE_LOG_LOSS, Tables.nullIfNaN(f.rmseLogLoss()))
        .set(BOOTSTRAP_RESAMPLES, resamples).set(BOOTSTRAP_FAILED, f.failedResamples())
        .set(FIT_SEED, seed)
        .set(HOLDOUT_SCALE, h == null ? null : h.scale())
        .set(HOLDOUT_LOSS, h == null ? null : h.loss())
        .set(HOLDOUT_PREDICTED, h == null ? null : Tables.nullIfNaN(h.predicted()))
        .set(HOLDOUT_RELATIVE_ERROR, h == null ? null : Tables.nullIfNaN(h.meanAbsRelativeError()))
        .build();
  }

  /** Sets the {@link Catalog#SETTING} columns of a row. */
  private static Table.RowBuilder setting(Table.RowBuilder r, Setting s) {
    return r.set(EXPERIMENT, s.experiment()).set(CONFIG, s.config())
        .set(LABEL_NOISE, s.labelNoise()).set(WEIGHT_DECAY, s.weightDecay())
        .set(DROPOUT, s.dropout());
  }

  // ---- scaling_curves table

  /**
   * Schema of {@code <results>/analysis/scaling_curves/experiment=<name>/}: each fitted law
   * evaluated on {@value #CURVE_POINTS} log-spaced sizes from its smallest to twice its largest,
   * with the bootstrap's 95% band; L(N,D) is drawn against N at each measured D.
   *
   * <pre>
   * column       type    meaning
   * experiment   string  partition column
   * config       string  configuration id, as in curves
   * label_noise, weight_decay, dropout, law, train_size, params: the fit, as in scaling_fits
   * curve_d      int     the D of an L(N,D) curve (null for the one-scale laws)
   * x            double  the size on the law's scale (N, or D for L(D))
   * loss         double  predicted loss
   * loss_lo      double  2.5% bootstrap percentile of the prediction (null without)
   * loss_hi      double  97.5% bootstrap percentile
   * </pre>
   */
  private static void curves(Setting s, String law, Integer fixedD, Long fixedN, double[] x,
      double[] d, ScalingFitter.Fitted f, Result out) {
    double lo = Arrays.stream(x).min().orElseThrow();
    double hi = 2 * Arrays.stream(x).max().orElseThrow();
    double[] ds = d == null ? new double[] {Double.NaN} : Arrays.stream(d).distinct().sorted()
        .toArray();
    for (double dd : ds) {
      for (int i = 0; i < CURVE_POINTS; i++) {
        double xi = lo * Math.pow(hi / lo, i / (CURVE_POINTS - 1.0));
        double[] band = f.interval(xi, dd);
        out.curves().add(setting(Catalog.SCALING_CURVES.row(), s).set(LAW, law)
            .set(TRAIN_SIZE, fixedD).set(PARAMS, fixedN)
            .set(CURVE_D, Double.isNaN(dd) ? null : (int) dd).set(X, xi)
            .set(LOSS, Tables.nullIfNaN(f.predict(xi, dd)))
            .set(LOSS_LO, Tables.nullIfNaN(band[0])).set(LOSS_HI, Tables.nullIfNaN(band[1]))
            .build());
      }
    }
  }

  // ---- compute_optimal table

  /**
   * Schema of {@code <results>/analysis/compute_optimal/experiment=<name>/}: the N and D that
   * minimise a setting's fitted L(N, D) at training budgets C = 6·N·D FLOPs (D counted in
   * training examples seen), one row per decade of C from the smallest measured 6·N·D to ten
   * times the largest; intervals are bootstrap percentiles.
   *
   * <pre>
   * column         type    meaning
   * experiment     string  partition column
   * config         string  configuration id, as in curves
   * label_noise, weight_decay, dropout: the setting
   * budget_flops   double  C
   * params_opt     double  N_opt(C); params_opt_lo, params_opt_hi
   * data_opt       double  D_opt(C) = C / (6 N_opt); data_opt_lo, data_opt_hi
   * loss_opt       double  L(N_opt, D_opt); loss_opt_lo, loss_opt_hi
   * </pre>
   */
  /** Decades of C from the smallest measured 6·N·D up to ten times the largest. */
  static List<Double> budgets(double[] n, double[] d) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (int i = 0; i < n.length; i++) {
      min = Math.min(min, 6 * n[i] * d[i]);
      max = Math.max(max, 6 * n[i] * d[i]);
    }
    List<Double> out = new ArrayList<>();
    for (int e = (int) Math.ceil(Math.log10(min)); e <= Math.floor(Math.log10(max)) + 1; e++) {
      out.add(Math.pow(10, e));
    }
    return out;
  }

  private static void optimal(Setting s, double[] n, double[] d, ScalingFitter.Fitted f,
      Result out) {
    for (double c : budgets(n, d)) {
      double[][] o;
      try {
        o = f.computeOptimal(c);
      } catch (IllegalArgumentException e) {
        out.lines().add(where(s) + ": no compute-optimal frontier: " + e.getMessage());
        return;
      }
      Table.RowBuilder r = setting(Catalog.COMPUTE_OPTIMAL.row(), s).set(BUDGET_FLOPS, c);
      List<Column> optima = List.of(PARAMS_OPT, DATA_OPT, LOSS_OPT);
      for (int k = 0; k < optima.size(); k++) {
        Column v = optima.get(k);
        r.set(v, Tables.nullIfNaN(o[k][0])).set(lo(v), Tables.nullIfNaN(o[k][1]))
            .set(hi(v), Tables.nullIfNaN(o[k][2]));
      }
      out.optimal().add(r.build());
    }
  }

  private static String where(Setting s) {
    return String.format(Locale.ROOT, "%s: noise %s, wd %s, dropout %s", s.experiment(),
        s.labelNoise(),
        s.weightDecay(), s.dropout());
  }
}
