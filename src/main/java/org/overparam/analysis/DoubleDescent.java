package org.overparam.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

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
   * One model-wise finding: a series at one ε. Curves are null where absent; {@code paired} is
   * null where the seeds' own values were not given.
   */
  public record ModelWise(Cell.ModelSeries series, double epsilon, int sizes, Curve threshold,
      Curve peak, Curve lossPeak, Curve classicalMin, Curve bestAfter, PairedRise paired) {

    /** This finding with its paired rises. */
    ModelWise withPaired(PairedRise p) {
      return new ModelWise(series, epsilon, sizes, threshold, peak, lossPeak, classicalMin,
          bestAfter, p);
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
      for (double eps : EPSILONS) {
        ModelWise m = locate(s.getKey(), s.getValue(), eps);
        out.add(m.withPaired(PairedRise.of(m, s.getValue(),
            by.getOrDefault(s.getKey(), Map.of()), seed)));
      }
    }
    return out;
  }

  /** Locates threshold, peak and minima on one series sorted by parameters. */
  static ModelWise locate(Cell.ModelSeries key, List<Curve> sizes, double eps) {
    int t = -1;
    for (int i = 0; i < sizes.size() && t < 0; i++) {
      if (sizes.get(i).finalTrainError().mean() <= eps) {
        t = i;
      }
    }
    if (t < 0) {
      return new ModelWise(key, eps, sizes.size(), null, null, null, null, null, null);
    }
    List<Integer> window = new ArrayList<>();
    double pt = sizes.get(t).cell().params();
    for (int i = 0; i < sizes.size(); i++) {
      double p = sizes.get(i).cell().params();
      if (Math.abs(i - t) <= 1 || (p >= pt / PEAK_WINDOW && p <= pt * PEAK_WINDOW)) {
        window.add(i);
      }
    }
    int peak = argBest(sizes, window, c -> c.finalTestError().mean(), true);
    int lossPeak = argBest(sizes, window, c -> c.finalTestLoss().mean(), true);
    List<Integer> below = range(0, peak);
    List<Integer> above = range(peak + 1, sizes.size());
    Curve cmin = below.isEmpty() ? null
        : sizes.get(argBest(sizes, below, c -> c.finalTestError().mean(), false));
    Curve after = above.isEmpty() ? null
        : sizes.get(argBest(sizes, above, c -> c.finalTestError().mean(), false));
    return new ModelWise(key, eps, sizes.size(), sizes.get(t), sizes.get(peak),
        sizes.get(lossPeak), cmin, after, null);
  }

  /** Index in {@code among} of the largest (or least) value; the first on ties. */
  private static int argBest(List<Curve> sizes, List<Integer> among, ToDoubleFunction<Curve> v,
      boolean largest) {
    int best = among.get(0);
    for (int i : among) {
      double x = v.applyAsDouble(sizes.get(i));
      double b = v.applyAsDouble(sizes.get(best));
      if (largest ? x > b : x < b) {
        best = i;
      }
    }
    return best;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
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
  static final StructType SCHEMA = Tables.schema("experiment", Tables.STRING,
      Inputs.CONFIG, Tables.STRING, "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE, "dropout", Tables.DOUBLE,
      "train_size", Tables.INT, "depth", Tables.INT, "epsilon", Tables.DOUBLE,
      "sizes", Tables.INT, "threshold_params", Tables.LONG, "threshold_width", Tables.INT,
      "threshold_params_per_sample", Tables.DOUBLE, "threshold_train_error", Tables.DOUBLE,
      "peak_params", Tables.LONG, "peak_width", Tables.INT, "peak_test_error", Tables.DOUBLE,
      "peak_test_error_ci95", Tables.DOUBLE, "loss_peak_params", Tables.LONG,
      "loss_peak_test_loss", Tables.DOUBLE, "classical_min_params", Tables.LONG,
      "classical_min_test_error", Tables.DOUBLE, "classical_min_test_error_ci95", Tables.DOUBLE,
      "best_after_params", Tables.LONG, "best_after_test_error", Tables.DOUBLE,
      "best_after_test_error_ci95", Tables.DOUBLE, "peak_height", Tables.DOUBLE,
      "peak_ratio", Tables.DOUBLE, "double_descent", Tables.BOOLEAN, "beyond_ci", Tables.BOOLEAN,
      "note", Tables.STRING, "largest_params", Tables.LONG, "largest_width", Tables.INT,
      "rise_over_min", Tables.DOUBLE, "rise_over_min_lo", Tables.DOUBLE,
      "rise_over_min_hi", Tables.DOUBLE, "rise_over_largest", Tables.DOUBLE,
      "rise_over_largest_lo", Tables.DOUBLE, "rise_over_largest_hi", Tables.DOUBLE,
      "seeds", Tables.INT, "verdict", Tables.STRING);

  /** A double_descent row, with its schema (so {@link #sentence} reads it by column name). */
  static Row row(ModelWise m) {
    Cell.ModelSeries s = m.series();
    Curve t = m.threshold();
    Curve p = m.peak();
    Curve a = m.classicalMin();
    Curve b = m.bestAfter();
    Double ratio = p == null || a == null ? null
        : Tables.num(p.finalTestError().mean() / a.finalTestError().mean());
    PairedRise r = m.paired();
    Curve big = r == null ? null : r.largest();
    return new GenericRowWithSchema(new Object[] {s.experiment(), s.config(), s.labelNoise(),
        s.weightDecay(), s.dropout(), s.trainSize(), s.depth(), m.epsilon(), m.sizes(),
        t == null ? null : t.cell().params(), t == null ? null : t.cell().width(),
        t == null ? null : (double) t.cell().params() / s.trainSize(),
        t == null ? null : t.finalTrainError().meanOrNull(),
        p == null ? null : p.cell().params(), p == null ? null : p.cell().width(),
        p == null ? null : p.finalTestError().meanOrNull(),
        p == null ? null : p.finalTestError().ci95OrNull(),
        m.lossPeak() == null ? null : m.lossPeak().cell().params(),
        m.lossPeak() == null ? null : m.lossPeak().finalTestLoss().meanOrNull(),
        a == null ? null : a.cell().params(), a == null ? null : a.finalTestError().meanOrNull(),
        a == null ? null : a.finalTestError().ci95OrNull(),
        b == null ? null : b.cell().params(), b == null ? null : b.finalTestError().meanOrNull(),
        b == null ? null : b.finalTestError().ci95OrNull(),
        Tables.num(m.peakHeight()), ratio, m.doubleDescent(), m.beyondCi(), m.note(),
        big == null ? null : big.cell().params(), big == null ? null : big.cell().width(),
        r == null ? null : Tables.num(r.overMin()), r == null ? null : Tables.num(r.overMinLow()),
        r == null ? null : Tables.num(r.overMinHigh()),
        r == null ? null : Tables.num(r.overLargest()),
        r == null ? null : Tables.num(r.overLargestLow()),
        r == null ? null : Tables.num(r.overLargestHigh()), r == null ? null : r.seeds(),
        r == null ? null : r.verdict().label()}, SCHEMA);
  }

  /**
   * The sentence on one double_descent row: where the threshold and the peak fell, and what the
   * paired rises allow one to say. The analysis prints it and the report shows it.
   */
  public static String sentence(Row r) {
    String where = setting(r.<Double>getAs("label_noise"), r.<Double>getAs("weight_decay"),
        r.<Double>getAs("dropout"), r.<Integer>getAs("train_size"), r.<Integer>getAs("depth"));
    String eps = Analysis.num(r.<Double>getAs("epsilon"));
    if (r.getAs("threshold_params") == null) {
      return where + ": the train error never reaches " + eps + " (" + r.getAs("sizes")
          + " sizes).";
    }
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%s: threshold (train error <= %s) at %,d parameters (width %d, %.2f per training "
            + "example); test-error peak %.4f at %,d parameters (width %d)", where, eps,
        r.<Long>getAs("threshold_params"), r.<Integer>getAs("threshold_width"),
        r.<Double>getAs("threshold_params_per_sample"), r.<Double>getAs("peak_test_error"),
        r.<Long>getAs("peak_params"), r.<Integer>getAs("peak_width")));
    if (r.getAs("classical_min_params") != null) {
      s.append(String.format(Locale.ROOT, ", %.4f above the classical minimum (%.4f at %,d)",
          r.<Double>getAs("peak_height"), r.<Double>getAs("classical_min_test_error"),
          r.<Long>getAs("classical_min_params")));
    }
    if (r.getAs("best_after_params") != null) {
      s.append(String.format(Locale.ROOT, "; best after it %.4f at %,d",
          r.<Double>getAs("best_after_test_error"), r.<Long>getAs("best_after_params")));
    }
    String verdict = java.util.Arrays.asList(r.schema().fieldNames()).contains("verdict")
        ? r.getAs("verdict") : null;
    if (verdict == null || verdict.equals(PairedRise.Verdict.NO_PEAK.label())) {
      boolean dd = r.getAs("double_descent");
      return s.append(dd ? "; double descent on the mean curve." : "; no double descent ("
          + r.getAs("note") + ").").toString();
    }
    if (verdict.equals(PairedRise.Verdict.UNPAIRED.label())) {
      return s.append("; no seed was measured at every size the paired rises need: no double "
          + "descent claimed.").toString();
    }
    int n = r.<Integer>getAs("seeds");
    if (verdict.equals(PairedRise.Verdict.ONE_SEED.label())) {
      return s.append(String.format(Locale.ROOT, "; one seed: the peak rises %.4f over the "
              + "classical minimum and %.4f over the largest model (width %d), without an "
              + "interval: no double descent claimed.", r.<Double>getAs("rise_over_min"),
          r.<Double>getAs("rise_over_largest"), r.<Integer>getAs("largest_width"))).toString();
    }
    s.append(String.format(Locale.ROOT, "; paired over %d seeds the peak rises %.4f [%.4f, %.4f] "
            + "over the classical minimum and %.4f [%.4f, %.4f] over the largest model "
            + "(width %d): ", n, r.<Double>getAs("rise_over_min"),
        r.<Double>getAs("rise_over_min_lo"), r.<Double>getAs("rise_over_min_hi"),
        r.<Double>getAs("rise_over_largest"), r.<Double>getAs("rise_over_largest_lo"),
        r.<Double>getAs("rise_over_largest_hi"), r.<Integer>getAs("largest_width")));
    if (verdict.equals(PairedRise.Verdict.DOUBLE_DESCENT.label())) {
      return s.append("double descent, both 95% intervals above 0.").toString();
    }
    if (verdict.equals(PairedRise.Verdict.TOO_FEW_SEEDS.label())) {
      return s.append(String.format(Locale.ROOT, "both 95%% intervals above 0, but %d seeds are "
          + "too few to claim double descent (%d needed).", n, PairedRise.CLAIM_SEEDS))
          .toString();
    }
    return s.append("no double descent claimed, a 95% interval reaches 0.").toString();
  }

  /** A model-wise series' settings in words, as findings name it. */
  static String setting(double noise, double weightDecay, double dropout, int trainSize,
      int depth) {
    return String.format(Locale.ROOT, "noise %s, weight decay %s, dropout %s, %,d training "
            + "examples, depth %d", Analysis.num(noise), Analysis.num(weightDecay),
        Analysis.num(dropout), trainSize, depth);
  }

  // ---- peak_by_setting table

  /**
   * Schema of {@code <results>/analysis/peak_by_setting/experiment=<name>/}: how the model-wise
   * peak moves with regularisation and label noise; one row per setting (label noise, weight
   * decay, dropout, train size, depth) at ε = 0.01.
   *
   * <pre>
   * column                       type     meaning
   * experiment                   string   partition column
   * config, label_noise, weight_decay, dropout, train_size, depth: the setting
   * threshold_params             long     interpolation threshold (null: never interpolates)
   * peak_params                  long     size of the peak
   * peak_test_error              double   mean test error at the peak
   * classical_min_test_error     double   mean test error at the classical minimum
   * best_after_test_error        double   mean test error at the best size after the peak
   * peak_height                  double   peak − classical minimum (null if either is absent)
   * height_vs_least_regularised  double   peak_height − that of the same noise, train size and
   *                                       depth at the least weight decay and dropout measured
   * height_vs_least_noise        double   peak_height − that of the same weight decay, dropout,
   *                                       train size and depth at the least label noise measured
   * double_descent               boolean  as in double_descent
   * </pre>
   */
  static final StructType PEAK_SCHEMA = Tables.schema("experiment", Tables.STRING,
      Inputs.CONFIG, Tables.STRING, "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE, "dropout", Tables.DOUBLE,
      "train_size", Tables.INT, "depth", Tables.INT, "threshold_params", Tables.LONG,
      "peak_params", Tables.LONG, "peak_test_error", Tables.DOUBLE,
      "classical_min_test_error", Tables.DOUBLE, "best_after_test_error", Tables.DOUBLE,
      "peak_height", Tables.DOUBLE, "height_vs_least_regularised", Tables.DOUBLE,
      "height_vs_least_noise", Tables.DOUBLE, "double_descent", Tables.BOOLEAN);

  static List<Row> peakBySetting(List<ModelWise> all) {
    List<ModelWise> primary = all.stream().filter(m -> m.epsilon() == PRIMARY_EPSILON).toList();
    List<Row> out = new ArrayList<>();
    for (ModelWise m : primary) {
      Cell.ModelSeries s = m.series();
      ModelWise reg = primary.stream().filter(o -> same(o.series(), s, true, false))
          .min(Comparator.comparingDouble((ModelWise o) -> o.series().weightDecay())
              .thenComparingDouble(o -> o.series().dropout())).orElse(m);
      ModelWise noise = primary.stream().filter(o -> same(o.series(), s, false, true))
          .min(Comparator.comparingDouble(o -> o.series().labelNoise())).orElse(m);
      out.add(RowFactory.create(s.experiment(), s.config(), s.labelNoise(), s.weightDecay(),
          s.dropout(), s.trainSize(), s.depth(),
          m.threshold() == null ? null : m.threshold().cell().params(),
          m.peak() == null ? null : m.peak().cell().params(),
          m.peak() == null ? null : m.peak().finalTestError().meanOrNull(),
          m.classicalMin() == null ? null : m.classicalMin().finalTestError().meanOrNull(),
          m.bestAfter() == null ? null : m.bestAfter().finalTestError().meanOrNull(),
          Tables.num(m.peakHeight()), Tables.num(m.peakHeight() - reg.peakHeight()),
          Tables.num(m.peakHeight() - noise.peakHeight()), m.doubleDescent()));
    }
    return out;
  }

  /** Same experiment, train size, depth, and noise (or weight decay and dropout). */
  private static boolean same(Cell.ModelSeries a, Cell.ModelSeries b, boolean sameNoise,
      boolean sameRegularisation) {
    return a.experiment().equals(b.experiment()) && a.config().equals(b.config())
        && a.trainSize() == b.trainSize()
        && a.depth() == b.depth() && (!sameNoise || a.labelNoise() == b.labelNoise())
        && (!sameRegularisation
            || (a.weightDecay() == b.weightDecay() && a.dropout() == b.dropout()));
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
  static final StructType SAMPLE_SCHEMA = Tables.schema("experiment", Tables.STRING,
      Inputs.CONFIG, Tables.STRING, "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE, "dropout", Tables.DOUBLE,
      "depth", Tables.INT, "width", Tables.INT, "params", Tables.LONG, "train_size", Tables.INT,
      "params_per_sample", Tables.DOUBLE, "test_error", Tables.DOUBLE,
      "test_error_ci95", Tables.DOUBLE, "test_loss", Tables.DOUBLE, "train_error", Tables.DOUBLE,
      "increase", Tables.DOUBLE, "more_data_hurts", Tables.BOOLEAN);

  static List<Row> sampleWise(List<Curve> curves) {
    List<Row> out = new ArrayList<>();
    for (List<Curve> s : group(curves, Cell::dataSeries, c -> c.cell().trainSize()).values()) {
      Curve prev = null;
      for (Curve c : s) {
        Cell k = c.cell();
        SeedMean te = c.finalTestError();
        Double increase = prev == null ? null
            : Tables.num(te.mean() - prev.finalTestError().mean());
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
