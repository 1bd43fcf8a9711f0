package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import java.util.List;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;

/**
 * One setting's model-wise peak at the primary train-error level, with intervals over seeds:
 * where the peak lies and how high it stands, the numbers that {@link LeverEffects} compares
 * between settings.
 *
 * <p>The height is the paired one of {@link PairedRise}: each seed's test error at the peak
 * minus at the classical minimum, both located on the other seeds' mean curve (0 where that
 * curve has none), averaged over seeds. Where the mean curve has a peak it equals the
 * double_descent table's rise_over_min; where it has none it is still measured, near 0, so that
 * a setting whose peak vanished can be compared with one whose peak stands.
 *
 * <p>The intervals come from resampling the seeds ({@link SeedBootstrap}) and measuring each
 * resample again: its heights, each seed located on the other drawn seeds' mean curve, and its
 * peak, located on its mean curve by the definitions of {@link DoubleDescent#locate}. A seed's
 * height depends on the other seeds through where they put the peak, so the seeds' heights are
 * not independent (two seeds whose noise happens to agree both measure a high peak), and
 * resampling them as fixed numbers, as rise_over_min's interval does, would understate the
 * spread. The location's bounds are measured sizes; resamples whose mean curve never
 * interpolates are left out.
 *
 * @param finding the series' finding at {@link DoubleDescent#PRIMARY_EPSILON}
 * @param seeds seeds whose heights were measured (the n of the height's interval)
 * @param height the paired height; NaN without seeds
 * @param heightLow lower bound of its 95% interval; NaN with fewer than 2 seeds
 * @param heightHigh upper bound
 * @param peakLow the smallest size of the peak's 95% interval; NaN without a peak or with
 *     fewer than 2 seeds
 * @param peakHigh the largest size of that interval
 */
public record SettingPeak(DoubleDescent.ModelWise finding, int seeds, double height,
    double heightLow, double heightHigh, double peakLow, double peakHigh) {

  /** The setting. */
  public Cell.ModelSeries series() {
    return finding.series();
  }

  /** The peak's size on the mean curve, or null where the mean curve never interpolates. */
  Long peakParams() {
    return finding.peak() == null ? null : finding.peak().cell().params();
  }

  /** The peak of every setting's finding at the primary ε, with its intervals. */
  static List<SettingPeak> of(List<DoubleDescent.ModelWise> all, long seed) {
    // Each setting's bootstrap draws from its own generator: the same intervals in any order.
    return all.stream().filter(m -> m.epsilon() == DoubleDescent.PRIMARY_EPSILON).toList()
        .parallelStream().map(m -> of(m, seed)).toList();
  }

  /** One finding's peak with its intervals, bootstrapped with {@code seed}. */
  static SettingPeak of(DoubleDescent.ModelWise m, long seed) {
    List<PairedRise.SeedRise> rises = m.paired() == null ? List.of() : m.paired().bySeed();
    double[] h = rises.stream().mapToDouble(PairedRise.SeedRise::overMin).toArray();
    double height = h.length == 0 ? Double.NaN : mean(h);
    double[] hci = {Double.NaN, Double.NaN};
    double[] where = {Double.NaN, Double.NaN};
    SeedCurves v = m.values();
    if (v != null && v.seedCount() >= 2) {
      double eps = m.epsilon();
      // Each resample's heights measured again, as the full sample's are: a seed's height
      // depends on the other seeds through where they put the peak, so the seeds' heights are
      // not independent and resampling them as fixed numbers would understate the spread.
      SeedCurves.Scratch scratch = v.new Scratch();
      double[][] r = new double[3][v.seedCount()];
      double[][] boot = SeedBootstrap.resample(v.seedCount(), 2, seed, (c, out) -> {
        PairedRise.rises(v, c, eps, r, scratch);
        out[0] = SeedBootstrap.mean(r[0], c);
        out[1] = peakParams(v, c, eps, scratch);
      });
      if (h.length >= 2) {
        hci = SeedBootstrap.interval(boot[0]);
      }
      if (m.peak() != null) {
        where = SeedBootstrap.gridInterval(boot[1]);
      }
    }
    return new SettingPeak(m, h.length, height, hci[0], hci[1], where[0], where[1]);
  }

  /** The peak's size on the mean curve of the seeds weighted by {@code counts}; NaN if none. */
  static double peakParams(SeedCurves v, int[] counts, double eps, SeedCurves.Scratch scratch) {
    v.places(counts, -1, eps, scratch);
    return scratch.places[0] < 0 ? Double.NaN : v.params(scratch.places[1]);
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  // ---- peak_by_setting table

  /**
   * Schema of {@code <results>/analysis/peak_by_setting/experiment=<name>/}: where the
   * model-wise peak lies and how high it stands in each setting, with 95% bootstrap intervals
   * over seeds; one row per setting (configuration, label noise, weight decay, dropout, train
   * size, depth) at ε = 0.01. How settings compare: lever_effects.
   *
   * <pre>
   * column                       type     meaning
   * experiment                   string   partition column
   * config, label_noise, weight_decay, dropout, train_size, depth: the setting
   * threshold_params             long     interpolation threshold (null: never interpolates)
   * peak_params                  long     size of largest mean test error near the threshold
   * peak_params_lo, peak_params_hi  long  the measured sizes bounding its 95% interval: where
   *                                       the peak falls on resamples of the seeds (null with
   *                                       fewer than 2 seeds or no peak)
   * peak_test_error              double   mean test error at the peak
   * classical_min_test_error     double   mean test error at the classical minimum
   * best_after_test_error        double   mean test error at the best size after the peak
   * peak_height                  double   peak − classical minimum on the mean curve (null if
   *                                       either is absent), as in double_descent
   * paired_height                double   mean over seeds of each seed's test error at the peak
   *                                       minus at the classical minimum, both located on the
   *                                       other seeds' mean curve, 0 where that curve has no
   *                                       peak (equals rise_over_min where the mean curve has
   *                                       a peak); null without seeds
   * paired_height_lo, paired_height_hi  double  its 95% bootstrap interval over seeds (null
   *                                       with fewer than 2 seeds)
   * seeds                        int      seeds whose heights were measured (n of the interval)
   * verdict                      string   the paired verdict on double descent, as in
   *                                       double_descent
   * </pre>
   */
  static Row row(SettingPeak p) {
    DoubleDescent.ModelWise m = p.finding();
    Cell.ModelSeries s = m.series();
    return Catalog.PEAK_BY_SETTING.row()
        .set(EXPERIMENT, s.experiment()).set(CONFIG, s.config())
        .set(LABEL_NOISE, s.labelNoise()).set(WEIGHT_DECAY, s.weightDecay())
        .set(DROPOUT, s.dropout()).set(TRAIN_SIZE, s.trainSize()).set(DEPTH, s.depth())
        .set(THRESHOLD_PARAMS, m.threshold() == null ? null : m.threshold().cell().params())
        .set(PEAK_PARAMS, p.peakParams())
        .set(PEAK_PARAMS_LO, Double.isNaN(p.peakLow()) ? null : (long) p.peakLow())
        .set(PEAK_PARAMS_HI, Double.isNaN(p.peakHigh()) ? null : (long) p.peakHigh())
        .set(PEAK_TEST_ERROR, m.peak() == null ? null : m.peak().finalTestError().meanOrNull())
        .set(CLASSICAL_MIN_TEST_ERROR, m.classicalMin() == null ? null
            : m.classicalMin().finalTestError().meanOrNull())
        .set(BEST_AFTER_TEST_ERROR, m.bestAfter() == null ? null
            : m.bestAfter().finalTestError().meanOrNull())
        .set(PEAK_HEIGHT, Tables.nullIfNaN(m.peakHeight()))
        .set(PAIRED_HEIGHT, Tables.nullIfNaN(p.height()))
        .set(PAIRED_HEIGHT_LO, Tables.nullIfNaN(p.heightLow()))
        .set(PAIRED_HEIGHT_HI, Tables.nullIfNaN(p.heightHigh()))
        .set(PAIRED_SEEDS, p.seeds())
        .set(VERDICT, m.paired() == null ? null : m.paired().verdict().label())
        .build();
  }
}
