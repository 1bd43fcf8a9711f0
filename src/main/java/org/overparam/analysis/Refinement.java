package org.overparam.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.overparam.config.RefineConfig;

/**
 * Which widths {@code refine} adds, round by round (see {@link RefineConfig}). Each round reads
 * the curves of the runs recorded so far through the analysis's own code ({@link Curves},
 * {@link DoubleDescent#modelWise(List)}, at {@link DoubleDescent#PRIMARY_EPSILON}), keeps only
 * the widths that this sweep has reached by then (the grid's and those of earlier rounds), and
 * splits the gaps next to each series' peak or threshold. Since a round sees only the widths of
 * the rounds before it, a rerun over the same recorded runs derives the same widths again.
 */
public final class Refinement {
  /**
   * One width added to one series.
   *
   * @param series the series
   * @param width the width added
   * @param at the width of the peak (or threshold) it refines around
   * @param neighbour the neighbouring width on the other side of the gap it splits
   */
  public record Addition(Cell.ModelSeries series, int width, int at, int neighbour) {
    /** The log-ratio of the gap it splits: wider gaps are split first. */
    double gap() {
      return Math.abs(Math.log((double) neighbour / at));
    }
  }

  private final RefineConfig config;
  private final int runsPerWidth;
  private final Map<Cell.ModelSeries, TreeSet<Integer>> known = new LinkedHashMap<>();
  private final List<String> lines = new ArrayList<>();
  private int added;
  private int rounds;
  private String stopped;

  /**
   * The refinement of the given series, starting from their grid widths.
   *
   * @param config the experiment's {@code refine} section
   * @param gridWidths each series to refine and its grid widths
   * @param runsPerWidth runs one added width costs (the experiment's seeds)
   */
  public Refinement(RefineConfig config, Map<Cell.ModelSeries, ? extends List<Integer>> gridWidths,
      int runsPerWidth) {
    this.config = config;
    this.runsPerWidth = runsPerWidth;
    gridWidths.forEach((s, w) -> known.put(s, new TreeSet<>(w)));
  }

  /** The curves of an experiment's recorded runs of one configuration, as the analysis has them. */
  public static List<Curve> curves(SparkSession spark, Inputs in, String config) {
    return curves(spark, in, List.of(config));
  }

  /** As {@link #curves(SparkSession, Inputs, String)}, of any of {@code configs}. */
  public static List<Curve> curves(SparkSession spark, Inputs in,
      java.util.Collection<String> configs) {
    return Curves.curves(Curves.epochCurves(in.metrics(spark))).stream()
        .filter(c -> configs.contains(c.cell().config())).toList();
  }

  /**
   * The widths of the next round, given the curves of every run recorded so far, within what is
   * left of {@code max_runs}; empty when refining is over ({@link #stopped} says why). The
   * widths returned count as reached from then on.
   */
  public List<Addition> next(List<Curve> recorded) {
    List<Curve> reached = recorded.stream().filter(c -> {
      TreeSet<Integer> w = known.get(c.cell().modelSeries());
      return w != null && w.contains(c.cell().width());
    }).toList();
    Map<Cell.ModelSeries, DoubleDescent.ModelWise> found = new LinkedHashMap<>();
    for (DoubleDescent.ModelWise m : DoubleDescent.modelWise(reached)) {
      if (m.epsilon() == DoubleDescent.PRIMARY_EPSILON) {
        found.put(m.series(), m);
      }
    }
    rounds++;
    List<Addition> candidates = new ArrayList<>();
    Map<String, List<Addition>> located = new LinkedHashMap<>();
    for (Map.Entry<Cell.ModelSeries, TreeSet<Integer>> e : known.entrySet()) {
      DoubleDescent.ModelWise m = found.get(e.getKey());
      Curve at = m == null ? null : config.around().equals("peak") ? m.peak() : m.threshold();
      if (at == null) {
        located.put(where(e.getKey()) + ": no " + config.around() + " (mean train error never "
            + "<= " + Analysis.plainNumber(DoubleDescent.PRIMARY_EPSILON) + " at the widths measured)",
            List.of());
        continue;
      }
      int w = at.cell().width();
      // The neighbours among the measured widths reached so far.
      TreeSet<Integer> measured = reached.stream()
          .filter(c -> c.cell().modelSeries().equals(e.getKey()) && c.measured())
          .map(c -> c.cell().width()).collect(Collectors.toCollection(TreeSet::new));
      List<Addition> mine = new ArrayList<>();
      for (Integer n : new Integer[] {measured.lower(w), measured.higher(w)}) {
        if (n == null || Math.max(n, w) <= config.resolution() * Math.min(n, w)) {
          continue;
        }
        int mid = (int) Math.round(Math.sqrt((double) n * w));
        if (mid > Math.min(n, w) && mid < Math.max(n, w) && !e.getValue().contains(mid)) {
          mine.add(new Addition(e.getKey(), mid, w, n));
        }
      }
      located.put(where(e.getKey()) + ": " + config.around() + " at width " + w + " (neighbours "
          + neighbours(measured, w) + ")", mine);
      candidates.addAll(mine);
    }
    // Widest gaps first, then series and width in order, as many as the budget allows.
    List<Cell.ModelSeries> order = new ArrayList<>(known.keySet());
    candidates.sort(Comparator.comparingDouble(Addition::gap).reversed()
        .thenComparingInt(a -> order.indexOf(a.series())).thenComparingInt(Addition::width));
    int affordable = Math.max(0, (config.maxRuns() - added) / runsPerWidth);
    List<Addition> out = List.copyOf(candidates.subList(0,
        Math.min(affordable, candidates.size())));
    lines.clear();
    String prefix = out.isEmpty() ? "refine: " : "refine round " + rounds + ": ";
    located.forEach((text, mine) -> lines.add(prefix + text + widths(", adding ", mine.stream()
        .filter(out::contains).toList()) + widths(", not adding ", mine.stream()
        .filter(a -> !out.contains(a)).toList()) + (mine.stream().anyMatch(a -> !out.contains(a))
        ? " (budget)" : "")));
    if (out.isEmpty()) {
      stopped = candidates.isEmpty()
          ? "every gap next to the " + config.around() + " is within the resolution "
              + Analysis.plainNumber(config.resolution()) + " or cannot be split further (no whole "
              + "width between, or one whose runs all failed)"
          : "the budget of " + config.maxRuns() + " added runs is spent (" + added
              + " added; another width costs " + runsPerWidth + ")";
      lines.add(String.format(Locale.ROOT, "refine: %d widths (%d runs) added in %d rounds; "
          + "stopped: %s", added / runsPerWidth, added, rounds - 1, stopped));
      return List.of();
    }
    for (Addition a : out) {
      known.get(a.series()).add(a.width());
    }
    added += out.size() * runsPerWidth;
    return out;
  }

  private static String widths(String lead, List<Addition> a) {
    return a.isEmpty() ? "" : lead + a.stream().map(x -> String.valueOf(x.width()))
        .collect(Collectors.joining(", "));
  }

  /** Lines on the last round (or, once it is over, on where each series stopped). */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Why refining ended; null while it goes on. */
  public String stopped() {
    return stopped;
  }

  /** Runs added so far. */
  public int added() {
    return added;
  }

  /** Each series' widths reached so far, grid and added. */
  public Map<Cell.ModelSeries, List<Integer>> widths() {
    Map<Cell.ModelSeries, List<Integer>> out = new LinkedHashMap<>();
    known.forEach((s, w) -> out.put(s, List.copyOf(w)));
    return out;
  }

  private static String neighbours(TreeSet<Integer> measured, int w) {
    Integer lo = measured.lower(w);
    Integer hi = measured.higher(w);
    return (lo == null ? "none below" : lo + String.format(Locale.ROOT, ", ratio %.2f",
        (double) w / lo)) + "; " + (hi == null ? "none above" : hi + String.format(Locale.ROOT,
        ", ratio %.2f", (double) hi / w));
  }

  private static String where(Cell.ModelSeries s) {
    return ModelWiseSentence.setting(s.labelNoise(), s.weightDecay(), s.dropout(), s.trainSize(),
        s.depth());
  }
}
