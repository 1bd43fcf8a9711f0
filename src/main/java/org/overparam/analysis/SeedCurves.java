package org.overparam.analysis;

import java.util.List;
import java.util.Map;

/**
 * One model-wise series' own values per seed: each seed's final train and test error at each of
 * the series' measured sizes (NaN where the seed has none), from
 * {@link SeedFinals}. The threshold, peak and minimum of the mean curve of any weighting of the
 * seeds (one left out, a bootstrap resample) are located here, by the definitions that
 * {@link DoubleDescent#locate} applies to the mean curve of all seeds.
 */
public final class SeedCurves {
  private final List<Curve> sizes;
  private final double[] params;
  private final long[] seeds;
  private final double[][] train;
  private final double[][] test;

  private SeedCurves(List<Curve> sizes, long[] seeds, double[][] train, double[][] test) {
    this.sizes = List.copyOf(sizes);
    this.params = sizes.stream().mapToDouble(c -> c.cell().params()).toArray();
    this.seeds = seeds;
    this.train = train;
    this.test = test;
  }

  /**
   * The values of the series measured at {@code sizes} (sorted by parameters), from each seed's
   * finals by seed and then by parameters; seeds in ascending order.
   */
  static SeedCurves of(List<Curve> sizes, Map<Long, Map<Long, SeedFinals.Final>> bySeed) {
    long[] seeds = bySeed.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    int k = sizes.size();
    double[][] tr = new double[seeds.length][k];
    double[][] te = new double[seeds.length][k];
    for (int s = 0; s < seeds.length; s++) {
      Map<Long, SeedFinals.Final> f = bySeed.get(seeds[s]);
      for (int i = 0; i < k; i++) {
        SeedFinals.Final v = f.get(sizes.get(i).cell().params());
        tr[s][i] = v == null ? Double.NaN : v.trainError();
        te[s][i] = v == null ? Double.NaN : v.testError();
      }
    }
    return new SeedCurves(sizes, seeds, tr, te);
  }

  /** The series' measured sizes, sorted by parameters. */
  List<Curve> sizes() {
    return sizes;
  }

  /** The number of seeds. */
  int seedCount() {
    return seeds.length;
  }

  /** The {@code s}-th seed (ascending). */
  long seed(int s) {
    return seeds[s];
  }

  /** The index of {@code seed}, or -1. */
  int indexOf(long seed) {
    for (int s = 0; s < seeds.length; s++) {
      if (seeds[s] == seed) {
        return s;
      }
    }
    return -1;
  }

  /** Seed {@code s}'s test error at each size. */
  double[] testErrors(int s) {
    return test[s];
  }

  /** The index among {@link #sizes()} of the size with {@code params} parameters, or -1. */
  int sizeIndex(long params) {
    for (int i = 0; i < sizes.size(); i++) {
      if (sizes.get(i).cell().params() == params) {
        return i;
      }
    }
    return -1;
  }

  /** These values restricted to {@code keep} (seeds of this series), in that order. */
  SeedCurves only(long[] keep) {
    double[][] tr = new double[keep.length][];
    double[][] te = new double[keep.length][];
    for (int i = 0; i < keep.length; i++) {
      int s = indexOf(keep[i]);
      if (s < 0) {
        throw new IllegalArgumentException("seed " + keep[i] + " not in the series");
      }
      tr[i] = train[s];
      te[i] = test[s];
    }
    return new SeedCurves(sizes, keep.clone(), tr, te);
  }

  /**
   * Where the threshold, the peak and the classical minimum are ({@link DoubleDescent#threshold},
   * {@link DoubleDescent#peak}, {@link DoubleDescent#least}) on the mean curve of the seeds, seed
   * j counted {@code weights[j]} times and seed {@code exclude} not at all (-1: none
   * excluded), over the sizes that some counted seed measured: {threshold, peak, minimum} as
   * indices among {@link #sizes()}, -1 where there is none, into {@code s.places}.
   */
  void places(int[] weights, int exclude, double eps, Scratch s) {
    int k = sizes.size();
    int m = 0;
    for (int i = 0; i < k; i++) {
      double sumTrain = 0;
      double sumTest = 0;
      int n = 0;
      for (int j = 0; j < seeds.length; j++) {
        int w = j == exclude ? 0 : weights[j];
        if (w > 0 && !Double.isNaN(test[j][i])) {
          sumTrain += w * train[j][i];
          sumTest += w * test[j][i];
          n += w;
        }
      }
      if (n > 0) {
        s.params[m] = params[i];
        s.train[m] = sumTrain / n;
        s.test[m] = sumTest / n;
        s.at[m] = i;
        m++;
      }
    }
    locate(m, eps, s, s.places);
  }

  /**
   * For each seed of positive weight, where the mean curve of the other seeds of positive
   * weight (or, where it is the only one, its own) puts the threshold, peak and minimum, into
   * {@code out[seed]} as {@link #places} gives them; seeds of weight 0 are
   * left as they are. The others' sums are the total less the seed's own: the curves of
   * {@code places(weights, seed, eps)} up to rounding, in one pass over the seeds.
   */
  void foldPlaces(int[] weights, double eps, Scratch s, int[][] out) {
    int k = sizes.size();
    int counted = 0;
    for (int w : weights) {
      counted += w > 0 ? 1 : 0;
    }
    for (int i = 0; i < k; i++) {
      double sumTrain = 0;
      double sumTest = 0;
      int n = 0;
      for (int j = 0; j < seeds.length; j++) {
        int w = weights[j];
        if (w > 0 && !Double.isNaN(test[j][i])) {
          sumTrain += w * train[j][i];
          sumTest += w * test[j][i];
          n += w;
        }
      }
      s.totalTrain[i] = sumTrain;
      s.totalTest[i] = sumTest;
      s.totalN[i] = n;
    }
    for (int j = 0; j < seeds.length; j++) {
      int w = weights[j];
      if (w == 0) {
        continue;
      }
      int m = 0;
      for (int i = 0; i < k; i++) {
        double sumTrain = s.totalTrain[i];
        double sumTest = s.totalTest[i];
        int n = s.totalN[i];
        if (counted > 1 && !Double.isNaN(test[j][i])) {
          sumTrain -= w * train[j][i];
          sumTest -= w * test[j][i];
          n -= w;
        }
        if (n > 0) {
          s.params[m] = params[i];
          s.train[m] = sumTrain / n;
          s.test[m] = sumTest / n;
          s.at[m] = i;
          m++;
        }
      }
      locate(m, eps, s, out[j]);
    }
  }

  /** Locates on the first {@code m} sizes of the scratch curve, into {@code places}. */
  private static void locate(int m, double eps, Scratch s, int[] places) {
    int t = DoubleDescent.threshold(s.train, m, eps);
    if (t < 0) {
      places[0] = places[1] = places[2] = -1;
      return;
    }
    int p = DoubleDescent.peak(s.params, s.test, m, t);
    int a = DoubleDescent.least(s.test, 0, p);
    places[0] = s.at[t];
    places[1] = s.at[p];
    places[2] = a < 0 ? -1 : s.at[a];
  }

  /** Work arrays of one thread's {@link #places}: a mean curve, and where it was located. */
  final class Scratch {
    private final double[] params = new double[sizes.size()];
    private final double[] train = new double[sizes.size()];
    private final double[] test = new double[sizes.size()];
    private final int[] at = new int[sizes.size()];
    private final double[] totalTrain = new double[sizes.size()];
    private final double[] totalTest = new double[sizes.size()];
    private final int[] totalN = new int[sizes.size()];
    /** {threshold, peak, minimum}, as {@link #places} gives them. */
    final int[] places = new int[3];
    /** {threshold, peak, minimum} of each seed's fold ({@link #foldPlaces}). */
    final int[][] folds = new int[seeds.length][3];
  }

  /** The parameters of the size at {@code index} among {@link #sizes()}; NaN for -1. */
  double params(int index) {
    return index < 0 ? Double.NaN : params[index];
  }
}
