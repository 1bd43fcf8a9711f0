package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.overparam.config.RefineConfig;

/**
 * The widths {@code refine} adds, round by round, on curves whose peak and threshold are known
 * (the rounds' training is {@code cli/RefineTest}'s).
 */
class RefinementTest {
  static final Cell.ModelSeries A = new Cell.ModelSeries("e", "c", 0.2, 0, 0, 1000, 1);
  static final Cell.ModelSeries B = new Cell.ModelSeries("e", "c", 0.0, 0, 0, 1000, 1);

  /** A measured curve of series {@code s} at {@code width}: train and test error as given. */
  static Curve curve(Cell.ModelSeries s, int width, double train, double test) {
    Cell cell = new Cell(s.experiment(), s.config(), s.labelNoise(), s.weightDecay(),
        s.dropout(), s.trainSize(), s.depth(), width, 10L * width);
    SeedMean none = new SeedMean(Double.NaN, Double.NaN, 0);
    return new Curve(cell, 2, 0, 10, none, SeedMean.of(train, 0, 2), SeedMean.of(1, 0, 2),
        SeedMean.of(test, 0, 2), 10, none, none, none, none);
  }

  static Map<Cell.ModelSeries, List<Integer>> grid(Object... seriesWidths) {
    Map<Cell.ModelSeries, List<Integer>> out = new LinkedHashMap<>();
    for (int i = 0; i < seriesWidths.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<Integer> w = (List<Integer>) seriesWidths[i + 1];
      out.put((Cell.ModelSeries) seriesWidths[i], w);
    }
    return out;
  }

  static List<Integer> widths(List<Refinement.Addition> a) {
    return a.stream().map(Refinement.Addition::width).toList();
  }

  @Test
  void splitsTheGapsNextToTheThresholdRoundByRoundSeeingOnlyTheWidthsReached() {
    Refinement r = new Refinement(new RefineConfig("threshold", 2.0, 100),
        grid(A, List.of(4, 64)), 2);
    List<Curve> recorded = new ArrayList<>(List.of(curve(A, 4, 0.3, 0.4),
        curve(A, 64, 0, 0.3),
        // Recorded, but not a width of this sweep: it must not move the threshold.
        curve(A, 32, 0, 0.2)));
    assertThat(widths(r.next(recorded))).containsExactly(16);
    assertThat(r.lines()).containsExactly("refine round 1: noise 0.2, weight decay 0, dropout 0, "
        + "1,000 training examples, depth 1: threshold at width 64 (neighbours 4, ratio 16.00; "
        + "none above), adding 16");
    // Width 16 interpolates too: the threshold moves there, and both of its gaps are split.
    recorded.add(curve(A, 16, 0, 0.5));
    assertThat(widths(r.next(recorded))).containsExactly(8, 32);
    recorded.add(curve(A, 8, 0.1, 0.45));
    assertThat(r.next(recorded)).isEmpty();
    assertThat(r.stopped()).startsWith("every gap next to the threshold is within the "
        + "resolution 2 ");
    assertThat(r.added()).isEqualTo(6);
    assertThat(r.widths().get(A)).containsExactly(4, 8, 16, 32, 64);
    assertThat(r.lines()).last().isEqualTo("refine: 3 widths (6 runs) added in 2 rounds; "
        + "stopped: " + r.stopped());
  }

  @Test
  void theBudgetGoesToTheWidestGapsFirstAndStopsTheRounds() {
    // Series A's peak at 16 (gaps of 4 and 2 to its neighbours); B's at 64 (a gap of 16).
    Refinement r = new Refinement(new RefineConfig("peak", 1.5, 7),
        grid(A, List.of(4, 16, 32), B, List.of(4, 64)), 3);
    List<Curve> recorded = List.of(curve(A, 4, 0.2, 0.3), curve(A, 16, 0, 0.5),
        curve(A, 32, 0, 0.2), curve(B, 4, 0.2, 0.2), curve(B, 64, 0, 0.4));
    List<Refinement.Addition> first = r.next(recorded);
    // Three candidates (B: 16; A: 8, 23), room for two widths of 3 seeds.
    assertThat(first).extracting(Refinement.Addition::series, Refinement.Addition::width)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(B, 16),
            org.assertj.core.groups.Tuple.tuple(A, 8));
    assertThat(r.lines()).anyMatch(l -> l.contains("adding 8, not adding 23 (budget)"));
    assertThat(r.next(recorded)).isEmpty();
    assertThat(r.stopped()).isEqualTo("the budget of 7 added runs is spent (6 added; another "
        + "width costs 3)");
  }

  @Test
  void aSeriesThatNeverInterpolatesOrCannotBeSplitAddsNothing() {
    Refinement r = new Refinement(new RefineConfig("peak", 1.2, 100),
        grid(A, List.of(4, 64), B, List.of(2, 3)), 1);
    List<Curve> recorded = List.of(curve(A, 4, 0.3, 0.4), curve(A, 64, 0.2, 0.3),
        curve(B, 2, 0, 0.4), curve(B, 3, 0, 0.5));
    assertThat(r.next(recorded)).isEmpty();
    assertThat(r.lines()).anyMatch(l -> l.startsWith("refine: noise 0.2,") && l.endsWith(
        ": no peak (mean train error never <= 0.01 at the widths measured)"));
    // Between 2 and 3 there is no whole width (the geometric mean rounds to 2).
    assertThat(r.lines()).anyMatch(l -> l.startsWith("refine: noise 0,")
        && l.endsWith("peak at width 3 (neighbours 2, ratio 1.50; none above)"));
    assertThat(r.stopped()).startsWith("every gap next to the peak is within the resolution 1.2 "
        + "or cannot be split further");
  }
}
