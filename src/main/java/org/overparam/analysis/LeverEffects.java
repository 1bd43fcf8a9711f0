package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;
import org.overparam.results.Column;

/**
 * How one field moves the model-wise peak: each setting against its baseline, the same setting
 * at the field's first value, compared seed by seed with bootstrap intervals.
 *
 * <p><b>Levers.</b> A lever is one field that differs between two settings of an experiment
 * while everything else is the same: a grid field ({@link #GRID_LEVERS}: label noise, weight
 * decay, dropout), or a field of the run's configuration (see {@code RunSpec.configFields}:
 * {@code optimizer.learning_rate}, {@code optimizer.batch_size}, {@code optimizer.kind}, ...),
 * between two configurations that differ in that field alone. A configuration that has a field
 * the other lacks entirely (a section present in one, absent in the other, as
 * {@code augmentation: {...}} against none) differs in that one field, whose value is then
 * {@link #NONE} on one side. Settings that differ in more than one field are never compared.
 *
 * <p><b>Baseline.</b> Among the settings that differ from a setting in the lever alone (and the
 * setting itself), the one of the lever's first value: {@link #NONE} first, then numbers in
 * increasing order, then text in alphabetical order; so the least label noise, weight decay or
 * dropout, the smallest learning rate or batch size, no augmentation.
 *
 * <p><b>What is compared</b>, at {@link DoubleDescent#PRIMARY_EPSILON}: the paired heights of
 * {@link SettingPeak} (each seed's test error at the peak minus at the classical minimum, both
 * located on the other seeds' mean curve), each seed's test error at that peak, and the peak's
 * size on the mean curves. Where the two settings share two or more seeds, the comparison is
 * made on those, and the differences pair each seed with itself (runs of one seed share
 * training subset, label flips, example order and initialisation stream, so a seed's difference
 * cancels what it shares), both sides drawn alike on each resample; else each side's seeds are
 * all used and resampled apart. The intervals are {@link SeedBootstrap}'s, each resample's
 * heights and peaks measured again on the seeds it drew; the verdict is {@link Effect}'s.
 */
public final class LeverEffects {
  /** The grid fields that are levers, named as their columns. */
  public static final List<Column> GRID_LEVERS = List.of(LABEL_NOISE, WEIGHT_DECAY, DROPOUT);
  /** The value of a configuration field that the configuration lacks. */
  public static final String NONE = "(none)";
  /**
   * Seeds on each side needed to claim a change: with 2, the interval excluded 0 for 35% of
   * simulated pairs of flat curves; with 3, for 2% (see {@link SeedBootstrap}).
   */
  public static final int CLAIM_SEEDS = 3;

  private LeverEffects() {}

  /** What a comparison allows one to say about the peak's height: the one owner of the rule. */
  public enum Effect {
    /** The height change's 95% interval lies below 0, with {@link #CLAIM_SEEDS} seeds or more. */
    LOWER("lower"),
    /** Its interval lies above 0, with {@link #CLAIM_SEEDS} seeds or more. */
    HIGHER("higher"),
    /** Its interval reaches 0. */
    NO_CLEAR_CHANGE("no clear change"),
    /**
     * A side's mean curve never reaches the interpolation threshold, so it has no peak there to
     * be lower or higher: its height, measured near 0, says that the curve stops before the
     * threshold (a large batch that has not fitted its noisy labels), not that the peak went.
     */
    NEVER_INTERPOLATES("never interpolates"),
    /**
     * Its interval excludes 0 but a side has fewer than {@link #CLAIM_SEEDS} seeds: with so few,
     * it excludes 0 too often where nothing changed.
     */
    TOO_FEW_SEEDS("too few seeds"),
    /** A side has one seed: a difference without an interval. */
    ONE_SEED("one seed"),
    /** A side has no seed measured at every size its height needs. */
    NOT_MEASURED("not measured");

    private final String label;

    Effect(String label) {
      this.label = label;
    }

    /** The value of the lever_effects table's {@code effect} column. */
    public String label() {
      return label;
    }

    /**
     * The effect of a height change with interval [{@code low}, {@code high}] (NaN: none),
     * measured on {@code seeds} seeds (the fewer of the two sides); {@code bothInterpolate} says
     * whether both settings' mean curves reach the interpolation threshold (else no change is
     * claimed).
     */
    public static Effect of(int seeds, double change, double low, double high,
        boolean bothInterpolate) {
      if (seeds == 0 || Double.isNaN(change)) {
        return NOT_MEASURED;
      }
      if (seeds == 1 || Double.isNaN(low) || Double.isNaN(high)) {
        return ONE_SEED;
      }
      if (!bothInterpolate) {
        return NEVER_INTERPOLATES;
      }
      if (low <= 0 && high >= 0) {
        return NO_CLEAR_CHANGE;
      }
      if (seeds < CLAIM_SEEDS) {
        return TOO_FEW_SEEDS;
      }
      return high < 0 ? LOWER : HIGHER;
    }
  }

  /**
   * One setting against its baseline.
   *
   * @param lever the field that differs
   * @param value its value in the setting
   * @param baselineValue its value in the baseline
   * @param setting the setting's peak
   * @param baseline the baseline's peak
   * @param paired whether the differences pair seeds
   * @param seeds the setting's seeds in the comparison
   * @param baselineSeeds the baseline's
   * @param heightChange mean paired-height difference; NaN where a side has no seeds
   * @param heightChangeLow lower bound of its 95% interval (NaN: none)
   * @param heightChangeHigh upper bound
   * @param peakErrorChange mean difference of the seeds' test errors at their peaks
   * @param peakErrorChangeLow lower bound of its 95% interval
   * @param peakErrorChangeHigh upper bound
   * @param peakShift the setting's peak size over the baseline's, on the mean curves
   * @param peakShiftLow lower bound of its 95% interval
   * @param peakShiftHigh upper bound
   * @param effect what the height change allows one to say
   */
  public record Comparison(String lever, String value, String baselineValue, SettingPeak setting,
      SettingPeak baseline, boolean paired, int seeds, int baselineSeeds, double heightChange,
      double heightChangeLow, double heightChangeHigh, double peakErrorChange,
      double peakErrorChangeLow, double peakErrorChangeHigh, double peakShift,
      double peakShiftLow, double peakShiftHigh, Effect effect) {}

  /**
   * Every one-lever comparison of {@code peaks} (one per setting, as {@link SettingPeak#of}
   * gives them), grid levers first, then configuration fields by name.
   *
   * @param configFields each experiment's configurations' fields ({@code RunSpec.configFields})
   *     by configuration id; configurations missing here have no configuration levers
   * @param seed the bootstrap's seed
   */
  static List<Comparison> of(List<SettingPeak> peaks,
      Map<String, Map<String, SortedMap<String, String>>> configFields, long seed) {
    List<Pair> pairs = new ArrayList<>();
    Map<String, List<SettingPeak>> byExperiment = new LinkedHashMap<>();
    peaks.forEach(p -> byExperiment.computeIfAbsent(p.series().experiment(),
        k -> new ArrayList<>()).add(p));
    byExperiment.forEach((experiment, mine) -> {
      for (Column lever : GRID_LEVERS) {
        pairs.addAll(gridLever(lever, mine));
      }
      pairs.addAll(configLevers(mine, configFields.getOrDefault(experiment, Map.of())));
    });
    // Each comparison's bootstrap draws from its own generator: the same intervals in any order.
    return pairs.parallelStream().map(p -> compare(p.lever(), p.value(), p.baselineValue(),
        p.setting(), p.baseline(), seed)).toList();
  }

  /** A setting and its baseline, one lever apart. */
  private record Pair(String lever, String value, String baselineValue, SettingPeak setting,
      SettingPeak baseline) {}

  /** Whether {@code lever} is a grid field (else a configuration field). */
  public static boolean gridLever(String lever) {
    return GRID_LEVERS.stream().anyMatch(c -> c.name().equals(lever));
  }

  /** A grid field's value in a setting. */
  static double gridValue(Column lever, Cell.ModelSeries s) {
    if (lever.equals(LABEL_NOISE)) {
      return s.labelNoise();
    }
    if (lever.equals(WEIGHT_DECAY)) {
      return s.weightDecay();
    }
    if (lever.equals(DROPOUT)) {
      return s.dropout();
    }
    throw new IllegalArgumentException("not a grid lever: " + lever);
  }

  private static List<Pair> gridLever(Column lever, List<SettingPeak> peaks) {
    // Settings that share every field but the lever, in first-seen order.
    Map<List<Object>, List<SettingPeak>> groups = new LinkedHashMap<>();
    for (SettingPeak p : peaks) {
      Cell.ModelSeries s = p.series();
      List<Object> key = new ArrayList<>(List.of(s.config(), s.trainSize(), s.depth()));
      for (Column other : GRID_LEVERS) {
        if (!other.equals(lever)) {
          key.add(gridValue(other, s));
        }
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
    }
    List<Pair> out = new ArrayList<>();
    for (List<SettingPeak> g : groups.values()) {
      g.sort(Comparator.comparingDouble(p -> gridValue(lever, p.series())));
      SettingPeak base = g.get(0);
      for (SettingPeak p : g.subList(1, g.size())) {
        out.add(new Pair(lever.name(), Analysis.plainNumber(gridValue(lever, p.series())),
            Analysis.plainNumber(gridValue(lever, base.series())), p, base));
      }
    }
    return out;
  }

  private static List<Pair> configLevers(List<SettingPeak> peaks,
      Map<String, SortedMap<String, String>> fields) {
    // Settings at the same grid point, by configuration.
    Map<List<Object>, Map<String, SettingPeak>> points = new LinkedHashMap<>();
    for (SettingPeak p : peaks) {
      Cell.ModelSeries s = p.series();
      if (fields.containsKey(s.config())) {
        points.computeIfAbsent(List.of(s.labelNoise(), s.weightDecay(), s.dropout(),
            s.trainSize(), s.depth()), k -> new TreeMap<>()).put(s.config(), p);
      }
    }
    Map<String, List<Pair>> byLever = new TreeMap<>();
    for (Map<String, SettingPeak> point : points.values()) {
      for (Map.Entry<String, SettingPeak> c : point.entrySet()) {
        SortedMap<String, String> mine = fields.get(c.getKey());
        // The configurations that differ from this one in one field, by that field.
        Map<String, List<String>> candidates = new TreeMap<>();
        for (String other : point.keySet()) {
          String lever = other.equals(c.getKey()) ? null
              : lever(mine, fields.get(other), fields.values());
          if (lever != null) {
            candidates.computeIfAbsent(lever, k -> new ArrayList<>(List.of(c.getKey())))
                .add(other);
          }
        }
        candidates.forEach((lever, configs) -> {
          String base = configs.stream().min(Comparator.comparing(
              (String id) -> value(fields.get(id), lever), VALUE_ORDER)).orElseThrow();
          if (!base.equals(c.getKey())) {
            byLever.computeIfAbsent(lever, k -> new ArrayList<>()).add(new Pair(lever,
                value(mine, lever), value(fields.get(base), lever), c.getValue(),
                point.get(base)));
          }
        });
      }
    }
    List<Pair> out = new ArrayList<>();
    byLever.values().forEach(l -> {
      l.sort(Comparator.comparing((Pair x) -> x.baseline().series(), SERIES_ORDER)
          .thenComparing(Pair::value, VALUE_ORDER));
      out.addAll(l);
    });
    return out;
  }

  /** Settings in table order, as {@link Curves#ORDER} orders cells. */
  private static final Comparator<Cell.ModelSeries> SERIES_ORDER = Comparator.comparing(
      (Function<Cell.ModelSeries, Cell>) s -> new Cell(s.experiment(), s.config(), s.labelNoise(),
          s.weightDecay(), s.dropout(), s.trainSize(), s.depth(), 0, 0), Curves.ORDER);

  /** Values in lever order: {@link #NONE}, then numbers increasing, then text. */
  public static final Comparator<String> VALUE_ORDER = Comparator.comparingInt(LeverEffects::rank)
      .thenComparingDouble(v -> rank(v) == 1 ? Double.parseDouble(v) : 0)
      .thenComparing(Comparator.naturalOrder());

  private static int rank(String v) {
    if (v.equals(NONE)) {
      return 0;
    }
    try {
      return Double.isFinite(Double.parseDouble(v)) ? 1 : 2;
    } catch (NumberFormatException e) {
      return 2;
    }
  }

  /**
   * The one field in which two configurations differ, or null if they differ in none or in
   * several. Several dotted fields under one name that one side lacks entirely count as that
   * one field (a section present in one configuration only). Fields that follow one of the
   * others across all of the experiment's configurations ({@code all}: wherever that one has a
   * value, they have theirs, as a learning rate given per optimiser kind follows the kind) move
   * with it and cannot be told apart from it: they are one lever, named by all of them joined
   * with {@link #JOINED} ("optimizer.kind + optimizer.learning_rate").
   */
  static String lever(SortedMap<String, String> a, SortedMap<String, String> b,
      Collection<SortedMap<String, String>> all) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<String> differ = keys.stream().filter(k -> !Objects.equals(a.get(k), b.get(k)))
        .toList();
    if (differ.isEmpty()) {
      return null;
    }
    if (differ.size() == 1) {
      return differ.get(0);
    }
    String prefix = commonParent(differ);
    if (prefix != null && (!hasUnder(a, prefix) || !hasUnder(b, prefix))) {
      return prefix;
    }
    for (String lead : differ) {
      if (differ.stream().allMatch(f -> f.equals(lead) || follows(f, lead, all))) {
        return String.join(JOINED, differ);
      }
    }
    return null;
  }

  /** Joins the fields of one lever that move together. */
  public static final String JOINED = " + ";

  /** Whether {@code field}'s value is the same wherever {@code lead}'s is, over {@code all}. */
  private static boolean follows(String field, String lead, Collection<SortedMap<String, String>>
      all) {
    Map<String, String> seen = new java.util.HashMap<>();
    for (SortedMap<String, String> c : all) {
      String v = String.valueOf(c.get(field));
      String before = seen.putIfAbsent(String.valueOf(c.get(lead)), v);
      if (before != null && !before.equals(v)) {
        return false;
      }
    }
    return true;
  }

  /** A configuration's value of {@code lever}: the field, its section's fields, or NONE. */
  static String value(SortedMap<String, String> fields, String lever) {
    if (lever.contains(JOINED)) {
      return java.util.Arrays.stream(lever.split(java.util.regex.Pattern.quote(JOINED)))
          .map(f -> value(fields, f)).collect(java.util.stream.Collectors.joining(", "));
    }
    String v = fields.get(lever);
    if (v != null) {
      return v;
    }
    List<String> under = new ArrayList<>();
    fields.forEach((k, x) -> {
      if (k.startsWith(lever + ".")) {
        under.add(k.substring(lever.length() + 1) + "=" + x);
      }
    });
    return under.isEmpty() ? NONE : String.join(", ", under);
  }

  /** The longest dotted name that every one of {@code names} lies under, or null. */
  private static String commonParent(List<String> names) {
    String[] first = names.get(0).split("\\.");
    int common = first.length - 1;
    for (String n : names) {
      String[] parts = n.split("\\.");
      int i = 0;
      while (i < Math.min(common, parts.length - 1) && parts[i].equals(first[i])) {
        i++;
      }
      common = i;
    }
    return common == 0 ? null : String.join(".", java.util.Arrays.copyOf(first, common));
  }

  private static boolean hasUnder(SortedMap<String, String> fields, String prefix) {
    return fields.keySet().stream().anyMatch(k -> k.equals(prefix)
        || k.startsWith(prefix + "."));
  }

  /** One setting against its baseline, bootstrapped with {@code seed}. */
  static Comparison compare(String lever, String value, String baselineValue, SettingPeak s,
      SettingPeak b, long seed) {
    Long ps = s.peakParams();
    Long pb = b.peakParams();
    double ratio = ps == null || pb == null ? Double.NaN : (double) ps / pb;
    SeedCurves vs = s.finding().values();
    SeedCurves vb = b.finding().values();
    if (vs == null || vb == null) {
      return new Comparison(lever, value, baselineValue, s, b, false, 0, 0, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, ratio, Double.NaN,
          Double.NaN, Effect.NOT_MEASURED);
    }
    long[] common = java.util.Arrays.stream(seeds(vs)).filter(x -> vb.indexOf(x) >= 0)
        .toArray();
    boolean paired = common.length >= 2;
    SeedCurves a = paired ? vs.only(common) : vs;
    SeedCurves c = paired ? vb.only(common) : vb;
    double eps = s.finding().epsilon();
    Differences d = new Differences(a, c, paired, eps);
    double[] point = new double[3];
    d.of(ones(a.seedCount()), ones(c.seedCount()), point);
    int[] n = d.seeds();
    double[] h = {Double.NaN, Double.NaN};
    double[] e = {Double.NaN, Double.NaN};
    double[] shift = {Double.NaN, Double.NaN};
    int fewer = Math.min(n[0], n[1]);
    if (fewer >= 2) {
      double[][] boot = paired
          ? SeedBootstrap.resample(a.seedCount(), 3, seed, (x, out) -> d.of(x, x, out))
          : SeedBootstrap.resample(a.seedCount(), c.seedCount(), 3, seed, d::of);
      h = SeedBootstrap.interval(boot[0]);
      int[] withPeaks = d.seedsWithPeaks();
      if (Math.min(withPeaks[0], withPeaks[1]) >= 2) {
        e = SeedBootstrap.interval(boot[1]);
      }
      if (!Double.isNaN(ratio)) {
        shift = SeedBootstrap.gridInterval(boot[2]);
      }
    }
    return new Comparison(lever, value, baselineValue, s, b, paired, n[0], n[1], point[0],
        h[0], h[1], point[1], e[0], e[1], ratio, shift[0], shift[1],
        Effect.of(fewer, point[0], h[0], h[1], s.finding().threshold() != null
            && b.finding().threshold() != null));
  }

  /**
   * The differences between a setting's seeds and its baseline's on one weighting of each (all
   * ones: the estimates; a resample: one draw of the bootstrap): {height change, peak test
   * error change, peak size ratio}, each side's heights measured where its other weighted seeds
   * put the peak ({@link PairedRise#rises}).
   */
  private static final class Differences {
    private final SeedCurves setting;
    private final SeedCurves baseline;
    private final boolean paired;
    private final double eps;
    private final SeedCurves.Scratch scratchA;
    private final SeedCurves.Scratch scratchB;
    private final double[][] ra;
    private final double[][] rb;
    private final double[] d;

    Differences(SeedCurves setting, SeedCurves baseline, boolean paired, double eps) {
      this.setting = setting;
      this.baseline = baseline;
      this.paired = paired;
      this.eps = eps;
      this.scratchA = setting.new Scratch();
      this.scratchB = baseline.new Scratch();
      this.ra = new double[3][setting.seedCount()];
      this.rb = new double[3][baseline.seedCount()];
      this.d = new double[setting.seedCount()];
    }

    void of(int[] mine, int[] theirs, double[] out) {
      PairedRise.rises(setting, mine, eps, ra, scratchA);
      PairedRise.rises(baseline, theirs, eps, rb, scratchB);
      if (paired) {
        out[0] = SeedBootstrap.mean(minus(ra[0], rb[0], d), mine);
        out[1] = SeedBootstrap.mean(minus(ra[2], rb[2], d), mine);
      } else {
        out[0] = SeedBootstrap.mean(ra[0], mine) - SeedBootstrap.mean(rb[0], theirs);
        out[1] = SeedBootstrap.mean(ra[2], mine) - SeedBootstrap.mean(rb[2], theirs);
      }
      out[2] = SettingPeak.peakParams(setting, mine, eps, scratchA)
          / SettingPeak.peakParams(baseline, theirs, eps, scratchB);
    }

    /** The seeds whose heights were measured on each side (those of both when paired). */
    int[] seeds() {
      return counted(0);
    }

    /** The seeds whose curves have a peak on each side (of both when paired). */
    int[] seedsWithPeaks() {
      return counted(2);
    }

    private int[] counted(int row) {
      double[] x = PairedRise.rises(setting, ones(setting.seedCount()), eps)[row];
      double[] y = PairedRise.rises(baseline, ones(baseline.seedCount()), eps)[row];
      if (paired) {
        int n = defined(minus(x, y, new double[x.length]));
        return new int[] {n, n};
      }
      return new int[] {defined(x), defined(y)};
    }
  }

  /** {@code a - b} element by element, into {@code d}. */
  private static double[] minus(double[] a, double[] b, double[] d) {
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static int defined(double[] x) {
    return (int) java.util.Arrays.stream(x).filter(v -> !Double.isNaN(v)).count();
  }

  private static int[] ones(int n) {
    int[] w = new int[n];
    java.util.Arrays.fill(w, 1);
    return w;
  }

  private static long[] seeds(SeedCurves v) {
    long[] out = new long[v.seedCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.seed(i);
    }
    return out;
  }

  // ---- lever_effects table

  /**
   * Schema of {@code <results>/analysis/lever_effects/experiment=<name>/}: how each lever moves
   * the model-wise peak; one row per setting that differs from its baseline (the same setting at
   * the lever's first value) in the lever alone, at ε = 0.01; see the class comment for levers,
   * baselines and pairing.
   *
   * <pre>
   * column                       type     meaning
   * experiment                   string   partition column
   * lever                        string   the field that differs: label_noise, weight_decay,
   *                                       dropout, or a configuration field by its dotted name
   *                                       (optimizer.learning_rate, ...)
   * value                        string   the lever's value in the setting ("(none)": the
   *                                       configuration lacks the field)
   * baseline_value               string   its value in the baseline, the lever's first
   * config                       string   the setting's configuration id
   * baseline_config              string   the baseline's (config unless the lever is a
   *                                       configuration field)
   * label_noise, weight_decay, dropout, train_size, depth: the setting (the baseline's are the
   *                                       same but for the lever)
   * paired                       boolean  the differences pair each seed with itself (the two
   *                                       settings share 2 or more seeds)
   * seeds                        int      the setting's seeds in the comparison (the shared ones
   *                                       when paired)
   * baseline_seeds               int      the baseline's
   * paired_height                double   the setting's paired height, as in peak_by_setting;
   *                                       paired_height_lo, paired_height_hi
   * baseline_paired_height       double   the baseline's
   * height_change                double   mean over seeds of the setting's height minus the
   *                                       baseline's (null where a side has no seeds);
   *                                       height_change_lo, height_change_hi its 95% bootstrap
   *                                       interval over seeds (null with fewer than 2)
   * peak_test_error_change       double   likewise, each seed's test error at the peak (located
   *                                       on the other seeds' curve) minus the baseline's, over
   *                                       the seeds whose curves have a peak on both sides;
   *                                       peak_test_error_change_lo, peak_test_error_change_hi
   * peak_params                  long     the setting's peak on its mean curve, as in
   *                                       double_descent
   * baseline_peak_params         long     the baseline's
   * peak_shift                   double   peak_params / baseline_peak_params (null without
   *                                       both); peak_shift_lo, peak_shift_hi its 95% interval
   *                                       from resampled seeds, both peaks located again on
   *                                       each resample
   * effect                       string   lower or higher (the height change's interval
   *                                       excludes 0 with 3 or more seeds on each side), no
   *                                       clear change (it reaches 0), never interpolates (a
   *                                       side's mean curve never reaches the interpolation
   *                                       threshold: no change claimed), too few seeds (it
   *                                       excludes 0 with 2 seeds), one seed (no interval), not
   *                                       measured
   * </pre>
   */
  static Row row(Comparison c) {
    Cell.ModelSeries s = c.setting().series();
    return Catalog.LEVER_EFFECTS.row()
        .set(EXPERIMENT, s.experiment()).set(LEVER, c.lever()).set(VALUE, c.value())
        .set(BASELINE_VALUE, c.baselineValue()).set(CONFIG, s.config())
        .set(BASELINE_CONFIG, c.baseline().series().config())
        .set(LABEL_NOISE, s.labelNoise()).set(WEIGHT_DECAY, s.weightDecay())
        .set(DROPOUT, s.dropout()).set(TRAIN_SIZE, s.trainSize()).set(DEPTH, s.depth())
        .set(PAIRED_BY_SEED, c.paired()).set(PAIRED_SEEDS, c.seeds())
        .set(BASELINE_SEEDS, c.baselineSeeds())
        .set(PAIRED_HEIGHT, Tables.nullIfNaN(c.setting().height()))
        .set(PAIRED_HEIGHT_LO, Tables.nullIfNaN(c.setting().heightLow()))
        .set(PAIRED_HEIGHT_HI, Tables.nullIfNaN(c.setting().heightHigh()))
        .set(BASELINE_PAIRED_HEIGHT, Tables.nullIfNaN(c.baseline().height()))
        .set(HEIGHT_CHANGE, Tables.nullIfNaN(c.heightChange()))
        .set(HEIGHT_CHANGE_LO, Tables.nullIfNaN(c.heightChangeLow()))
        .set(HEIGHT_CHANGE_HI, Tables.nullIfNaN(c.heightChangeHigh()))
        .set(PEAK_TEST_ERROR_CHANGE, Tables.nullIfNaN(c.peakErrorChange()))
        .set(PEAK_TEST_ERROR_CHANGE_LO, Tables.nullIfNaN(c.peakErrorChangeLow()))
        .set(PEAK_TEST_ERROR_CHANGE_HI, Tables.nullIfNaN(c.peakErrorChangeHigh()))
        .set(PEAK_PARAMS, c.setting().peakParams())
        .set(BASELINE_PEAK_PARAMS, c.baseline().peakParams())
        .set(PEAK_SHIFT, Tables.nullIfNaN(c.peakShift()))
        .set(PEAK_SHIFT_LO, Tables.nullIfNaN(c.peakShiftLow()))
        .set(PEAK_SHIFT_HI, Tables.nullIfNaN(c.peakShiftHigh()))
        .set(EFFECT, c.effect().label())
        .build();
  }
}
