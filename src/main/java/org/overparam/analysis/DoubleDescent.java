package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.overparam.results.Catalog;
import org.overparam.results.Columns;

/**
 * Model-wise and sample-wise double descent, located on the driver from the {@code curves} rows
 * (final-epoch means over seeds).
 *
 * <p>Definitions, on one model-wise series (a cell's settings with only the width varying),
 * sizes p_1 &lt; ... &lt; p_k (parameters) with mean final train error tr_i, test error te_i and
 * test loss tl_i:
 * <ul>
 *   <li>interpolation threshold for ε: the smallest p_t with tr_t ≤ ε;</li>
 *   <li>peak window: the sizes within a factor {@link #PEAK_WINDOW} of p_t, and the grid
 *       neighbours p_(t-1) and p_(t+1);</li>
 *   <li>peak: the size of largest te in the window (smaller size on ties); loss peak likewise
 *       with tl;</li>
 *   <li>classical minimum: the size of least te below the peak; best after: the size of least te
 *       above it;</li>
 *   <li>peak height: te(peak) − te(classical minimum); double descent: both exist and the peak
 *       is above both; beyond CI: the peak's 95% interval lies above both of theirs.</li>
 *   <li>paired rises ({@link PairedRise}): the peak's rise over the classical minimum and over
 *       the largest size, per seed, with a bootstrap interval over seeds; the verdict claims
 *       double descent only when both lower bounds are above 0.</li>
 * </ul>
 */
public final class DoubleDescent {
  /** Train-error levels that define "interpolates". */
  public static final List<Double> EPSILONS = List.of(0.0, 0.01, 0.05);
  /** The level used for the per-setting summary. */
  public static final double PRIMARY_EPSILON = 0.01;
  /** The peak is searched within this factor of the threshold's parameter count. */
  public static final double PEAK_WINDOW = 4.0;

  private DoubleDescent() {}

  /**
   * One model-wise finding: a series at one ε. Curves are null where absent; {@code paired} and
   * {@code values} (the seeds' own values it was measured on) are null where those were not
   * given.
   */
  public record ModelWise(Cell.ModelSeries series, double epsilon, int sizes, Curve threshold,
      Curve peak, Curve lossPeak, Curve classicalMin, Curve bestAfter, PairedRise paired,
      SeedCurves values) {

    /** This finding with the seeds' own values and its paired rises over them. */
    ModelWise withSeeds(SeedCurves v, PairedRise p) {
      return new ModelWise(series, epsilon, sizes, threshold, peak, lossPeak, classicalMin,
          bestAfter, p, v);
    }

    public double peakHeight() {
      return peak == null || classicalMin == null ? Double.NaN
          : peak.finalTestError().mean() - classicalMin.finalTestError().mean();
    }

    public boolean doubleDescent() {
      return peak != null && classicalMin != null && bestAfter != null
          && peak.finalTestError().mean() > classicalMin.finalTestError().mean()
          && peak.finalTestError().mean() > bestAfter.finalTestError().mean();
    }

    /** The peak's interval lies above the intervals of the minima on both sides. */
    public boolean beyondCi() {
      if (!doubleDescent()) {
        return false;
      }
      SeedMean p = peak.finalTestError();
      SeedMean a = classicalMin.finalTestError();
      SeedMean b = bestAfter.finalTestError();
      if (Double.isNaN(p.ci95()) || Double.isNaN(a.ci95()) || Double.isNaN(b.ci95())) {
        return false;
      }
      return p.low() > a.high() && p.low() > b.high();
    }

    public String note() {
      if (threshold == null) {
        return "mean train error never <= " + epsilon;
      }
      if (classicalMin == null) {
        return "peak at the smallest size: no classical regime measured";
      }
      if (bestAfter == null) {
        return "peak at the largest size: no modern regime measured";
      }
      return doubleDescent() ? "" : "test error does not fall after the peak";
    }
  }

  /** The model-wise findings of every series at every ε in {@link #EPSILONS}. */
  public static List<ModelWise> modelWise(List<Curve> curves) {
    List<ModelWise> out = new ArrayList<>();
    for (Map.Entry<Cell.ModelSeries, List<Curve>> s : group(curves, Cell::modelSeries,
        c -> c.cell().params()).entrySet()) {
      for (double eps : EPSILONS) {
        out.add(locate(s.getKey(), s.getValue(), eps));
      }
    }
    return out;
  }

  /**
   * {@link #modelWise(List)} with each finding's paired rises over the seeds' own final values
   * ({@link SeedFinals}), bootstrapped with {@code seed}.
   */
  public static List<ModelWise> modelWise(List<Curve> curves, List<SeedFinals.Final> finals,
      long seed) {
    Map<Cell.ModelSeries, Map<Long, Map<Long, SeedFinals.Final>>> by = new LinkedHashMap<>();
    for (SeedFinals.Final f : finals) {
      by.computeIfAbsent(f.cell().modelSeries(), k -> new java.util.TreeMap<>())
          .computeIfAbsent(f.seed(), k -> new LinkedHashMap<>()).put(f.cell().params(), f);
    }
    List<ModelWise> out = new ArrayList<>();
    for (Map.Entry<Cell.ModelSeries, List<Curve>> s : group(curves, Cell::modelSeries,
        c -> c.cell().params()).entrySet()) {
      SeedCurves values = SeedCurves.of(s.getValue(), by.getOrDefault(s.getKey(), Map.of()));
      for (double eps : EPSILONS) {
        ModelWise m = locate(s.getKey(), s.getValue(), eps);
        out.add(m.withSeeds(values, PairedRise.of(m, values, seed)));
      }
    }
    return out;
  }

  /** Locates threshold, peak and minima on one series sorted by parameters. */
  static ModelWise locate(Cell.ModelSeries key, List<Curve> sizes, double eps) {
    int k = sizes.size();
    double[] params = new double[k];
    double[] train = new double[k];
    double[] test = new double[k];
    double[] loss = new double[k];
    for (int i = 0; i < k; i++) {
      Curve c = sizes.get(i);
      params[i] = c.cell().params();
      train[i] = c.finalTrainError().mean();
      test[i] = c.finalTestError().mean();
      loss[i] = c.finalTestLoss().mean();
    }
    int t = threshold(train, k, eps);
    if (t < 0) {
      return new ModelWise(key, eps, k, null, null, null, null, null, null, null);
    }
    int peak = peak(params, test, k, t);
    int lossPeak = peak(params, loss, k, t);
    int cmin = least(test, 0, peak);
    int after = least(test, peak + 1, k);
    return new ModelWise(key, eps, k, sizes.get(t), sizes.get(peak), sizes.get(lossPeak),
        cmin < 0 ? null : sizes.get(cmin), after < 0 ? null : sizes.get(after), null, null);
  }

  /**
   * The interpolation threshold on a series' mean values sorted by size (the first {@code n}):
   * the index of the first mean train error at most {@code eps}; -1 if none. With {@link #peak}
   * and {@link #least}, the one definition of where a series' threshold, peak and minima are,
   * on the mean curve of all seeds ({@link #locate}) and on those of some seeds
   * ({@link SeedCurves#places}).
   */
  static int threshold(double[] train, int n, double eps) {
    for (int i = 0; i < n; i++) {
      if (train[i] <= eps) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The peak of {@code y} (its first {@code n} sizes) near threshold {@code t}: the index of its
   * largest value (the first on ties) among the sizes within a factor {@link #PEAK_WINDOW} of
   * the threshold's parameters and the threshold's grid neighbours.
   */
  static int peak(double[] params, double[] y, int n, int t) {
    double pt = params[t];
    int best = -1;
    for (int i = 0; i < n; i++) {
      double p = params[i];
      if (Math.abs(i - t) <= 1 || (p >= pt / PEAK_WINDOW && p <= pt * PEAK_WINDOW)) {
        if (best < 0 || y[i] > y[best]) {
          best = i;
        }
      }
    }
    return best;
  }

  /** The index of the least of {@code y[from..to)} (the first on ties); -1 if empty. */
  static int least(double[] y, int from, int to) {
    int best = from < to ? from : -1;
    for (int i = from; i < to; i++) {
      if (y[i] < y[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Measured curves grouped by series, each sorted by {@code order}; series in first-seen order. */
  static <K> Map<K, List<Curve>> group(List<Curve> curves, java.util.function.Function<Cell, K> key,
      ToDoubleFunction<Curve> order) {
    Map<K, List<Curve>> out = new LinkedHashMap<>();
    for (Curve c : curves) {
      if (c.measured()) {
        out.computeIfAbsent(key.apply(c.cell()), k -> new ArrayList<>()).add(c);
      }
    }
    out.values().forEach(l -> l.sort(Comparator.comparingDouble(order)));
    return out;
  }

  // ---- double_descent table

  /**
   * Schema of {@code <results>/analysis/double_descent/experiment=<name>/}: one row per
   * model-wise series (cell settings but width) and ε in {0, 0.01, 0.05}; final-epoch means over
   * seeds; sizes are parameter counts; see the class comment for the definitions.
   *
   * <pre>
   * column                     type     meaning
   * experiment                 string   partition column
   * config, label_noise, weight_decay, dropout, train_size, depth: the series
   * epsilon                    double   train-error level that counts as interpolating
   * sizes                      int      widths measured in the series
   * threshold_params           long     interpolation threshold (null: never interpolates)
   * threshold_width            int      its width
   * threshold_params_per_sample double  threshold_params / train_size
   * threshold_train_error      double   mean train error there
   * peak_params                long     size of largest test error near the threshold
   * peak_width                 int      its width
   * peak_test_error            double   mean test error there; peak_test_error_ci95
   * loss_peak_params           long     size of largest test loss near the threshold
   * loss_peak_test_loss        double   mean test loss there
   * classical_min_params       long     size of least test error below the peak
   * classical_min_test_error   double   mean test error there; classical_min_test_error_ci95
   * best_after_params          long     size of least test error above the peak
   * best_after_test_error      double   mean test error there; best_after_test_error_ci95
   * peak_height                double   peak_test_error − classical_min_test_error
   * peak_ratio                 double   peak_test_error / classical_min_test_error
   * double_descent             boolean  peak above the classical minimum and the best after
   * beyond_ci                  boolean  and its 95% interval above both of theirs
   * note                       string   why a field is null or double_descent false, else empty
   * largest_params             long     the largest size measured in the series
   * largest_width              int      its width
   * rise_over_min              double   mean over seeds of each seed's test error at the peak
   *                                    minus at the classical minimum, both located on the
   *                                    other seeds' mean curve (see PairedRise); null without
   *                                    a peak between a smaller and a larger size
   * rise_over_min_lo, rise_over_min_hi  double  its 95% bootstrap interval over seeds (null
   *                                    with fewer than 2 seeds)
   * rise_over_largest          double   likewise, the peak minus the largest size
   * rise_over_largest_lo, rise_over_largest_hi  double  its 95% interval
   * seeds                      int      seeds whose rises were measured (n of the intervals)
   * verdict                    string   double descent (both lower bounds above 0, at least 5
   *                                    seeds), within noise (an interval reaches 0), too few
   *                                    seeds (both above 0 with 2-4 seeds), one seed (no
   *                                    interval), unpaired (no seed measured at the sizes the
   *                                    rises need), no peak (see note)
   * </pre>
   */
  /** A double_descent row, built by column (so a sentence can read it by name). */
  static Row row(ModelWise m) {
    Cell.ModelSeries s = m.series();
    Curve t = m.threshold();
    Curve p = m.peak();
    Curve a = m.classicalMin();
    Curve b = m.bestAfter();
    Curve l = m.lossPeak();
    PairedRise r = m.paired();
    Curve big = r == null ? null : r.largest();
    Double ratio = p == null || a == null ? null
        : Tables.nullIfNaN(p.finalTestError().mean() / a.finalTestError().mean());
    return Catalog.DOUBLE_DESCENT.row()
        .set(EXPERIMENT, s.experiment()).set(CONFIG, s.config())
        .set(LABEL_NOISE, s.labelNoise()).set(WEIGHT_DECAY, s.weightDecay())
        .set(DROPOUT, s.dropout()).set(TRAIN_SIZE, s.trainSize()).set(DEPTH, s.depth())
        .set(EPSILON, m.epsilon()).set(SIZES, m.sizes())
        .set(THRESHOLD_PARAMS, t == null ? null : t.cell().params())
        .set(THRESHOLD_WIDTH, t == null ? null : t.cell().width())
        .set(THRESHOLD_PARAMS_PER_SAMPLE,
            t == null ? null : (double) t.cell().params() / s.trainSize())
        .set(THRESHOLD_TRAIN_ERROR, t == null ? null : t.finalTrainError().meanOrNull())
        .set(PEAK_PARAMS, p == null ? null : p.cell().params())
        .set(PEAK_WIDTH, p == null ? null : p.cell().width())
        .set(PEAK_TEST_ERROR, p == null ? null : p.finalTestError().meanOrNull())
        .set(PEAK_TEST_ERROR_CI95, p == null ? null : p.finalTestError().ci95OrNull())
        .set(LOSS_PEAK_PARAMS, l == null ? null : l.cell().params())
        .set(LOSS_PEAK_TEST_LOSS, l == null ? null : l.finalTestLoss().meanOrNull())
        .set(CLASSICAL_MIN_PARAMS, a == null ? null : a.cell().params())
        .set(CLASSICAL_MIN_TEST_ERROR, a == null ? null : a.finalTestError().meanOrNull())
        .set(CLASSICAL_MIN_TEST_ERROR_CI95, a == null ? null : a.finalTestError().ci95OrNull())
        .set(BEST_AFTER_PARAMS, b == null ? null : b.cell().params())
        .set(BEST_AFTER_TEST_ERROR, b == null ? null : b.finalTestError().meanOrNull())
        .set(BEST_AFTER_TEST_ERROR_CI95, b == null ? null : b.finalTestError().ci95OrNull())
        .set(PEAK_HEIGHT, Tables.nullIfNaN(m.peakHeight())).set(PEAK_RATIO, ratio)
        .set(Columns.DOUBLE_DESCENT, m.doubleDescent()).set(BEYOND_CI, m.beyondCi())
        .set(NOTE, m.note())
        .set(LARGEST_PARAMS, big == null ? null : big.cell().params())
        .set(LARGEST_WIDTH, big == null ? null : big.cell().width())
        .set(RISE_OVER_MIN, r == null ? null : Tables.nullIfNaN(r.overMin()))
        .set(RISE_OVER_MIN_LO, r == null ? null : Tables.nullIfNaN(r.overMinLow()))
        .set(RISE_OVER_MIN_HI, r == null ? null : Tables.nullIfNaN(r.overMinHigh()))
        .set(RISE_OVER_LARGEST, r == null ? null : Tables.nullIfNaN(r.overLargest()))
        .set(RISE_OVER_LARGEST_LO, r == null ? null : Tables.nullIfNaN(r.overLargestLow()))
        .set(RISE_OVER_LARGEST_HI, r == null ? null : Tables.nullIfNaN(r.overLargestHigh()))
        .set(PAIRED_SEEDS, r == null ? null : r.seeds())
        .set(VERDICT, r == null ? null : r.verdict().label())
        .build();
  }

  // ---- sample_wise table

  /**
   * Schema of {@code <results>/analysis/sample_wise/experiment=<name>/}: test error against
   * training-set size at a fixed model; one row per cell, final-epoch means over seeds.
   *
   * <pre>
   * column                type     meaning
   * experiment            string   partition column
   * config, label_noise, weight_decay, dropout, depth, width, params, train_size: the cell
   * params_per_sample     double   params / train_size
   * test_error            double   mean final test error; test_error_ci95
   * test_loss             double   mean final test loss
   * train_error           double   mean final train error
   * increase              double   test_error − test_error at the next smaller train_size
   *                                (null at the smallest)
   * more_data_hurts       boolean  increase &gt; 0, and with two or more seeds on both sizes the
   *                                95% intervals do not overlap
   * </pre>
   */
  static List<Row> sampleWise(List<Curve> curves) {
    List<Row> out = new ArrayList<>();
    for (List<Curve> s : group(curves, Cell::dataSeries, c -> c.cell().trainSize()).values()) {
      Curve prev = null;
      for (Curve c : s) {
        Cell k = c.cell();
        SeedMean te = c.finalTestError();
        Double increase = prev == null ? null
            : Tables.nullIfNaN(te.mean() - prev.finalTestError().mean());
        boolean hurts = increase != null && increase > 0
            && (Double.isNaN(te.ci95()) || Double.isNaN(prev.finalTestError().ci95())
                || te.low() > prev.finalTestError().high());
        out.add(RowFactory.create(k.experiment(), k.config(), k.labelNoise(), k.weightDecay(),
            k.dropout(), k.depth(), k.width(), k.params(), k.trainSize(), (double) k.params() / k.trainSize(),
            te.meanOrNull(), te.ci95OrNull(), c.finalTestLoss().meanOrNull(),
            c.finalTrainError().meanOrNull(), increase, hurts));
        prev = c;
      }
    }
    return out;
  }
}
