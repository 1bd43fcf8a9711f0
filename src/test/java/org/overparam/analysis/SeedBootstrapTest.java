package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The resampling of seeds behind every interval of the double-descent tables. */
class SeedBootstrapTest {
  @Test
  void theExpandedIntervalWidensWithFewSeedsOnly() {
    // Large n: the plain 2.5% tail; small n: tails far out (the range of the resampled means).
    assertThat(SeedBootstrap.expandedAlpha(1000)).isCloseTo(0.025, within(0.0005));
    assertThat(SeedBootstrap.expandedAlpha(10)).isBetween(0.003, 0.01);
    assertThat(SeedBootstrap.expandedAlpha(3)).isLessThan(1e-6);
  }

  @Test
  void pairedMeansShareTheirDrawsAndAConstantHasADegenerateInterval() {
    double[] x = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    double[] shifted = Arrays.stream(x).map(v -> v + 1).toArray();
    double[] constant = {0.25, 0.25, 0.25, 0.25, 0.25, 0.25};
    double[][] ci = SeedBootstrap.meanIntervals(3, x, shifted, constant);
    // The same draws: the shifted values' bounds are x's plus 1.
    assertThat(ci[1][0]).isCloseTo(ci[0][0] + 1, within(1e-12));
    assertThat(ci[1][1]).isCloseTo(ci[0][1] + 1, within(1e-12));
    assertThat(ci[2]).containsExactly(0.25, 0.25);
    // About the Student-t interval of the mean 0.35 (half-width 0.196 for these six values).
    assertThat(ci[0][0]).isBetween(0.12, 0.2);
    assertThat(ci[0][1]).isBetween(0.5, 0.58);
    // The same seed, the same interval; another seed, other draws (30 values, so that the
    // bounds are not the extremes every seed reaches).
    assertThat(SeedBootstrap.meanIntervals(3, x)[0]).containsExactly(ci[0]);
    double[] many = java.util.stream.IntStream.range(0, 30).mapToDouble(i -> i * i).toArray();
    assertThat(SeedBootstrap.meanIntervals(4, many)[0][0])
        .isNotEqualTo(SeedBootstrap.meanIntervals(3, many)[0][0]);
  }

  @Test
  void anUnpairedDifferenceIsAsWideAsItsSidesTogether() {
    double[] a = {0.30, 0.32, 0.34, 0.36, 0.38};
    double[] b = {0.20, 0.22, 0.24, 0.26, 0.28};
    double[][] boot = SeedBootstrap.resample(5, 5, 1, 0, (ca, cb, out) -> out[0] =
        SeedBootstrap.mean(a, ca) - SeedBootstrap.mean(b, cb));
    double[] diff = SeedBootstrap.interval(boot[0]);
    double[] one = SeedBootstrap.interval(SeedBootstrap.resample(5, 1, 0, (c, out) -> out[0] =
        SeedBootstrap.mean(a, c))[0]);
    assertThat(diff[0]).isLessThan(0.1).isGreaterThan(0.0);
    assertThat(diff[1]).isGreaterThan(0.1);
    // Two sides of the same spread: about sqrt(2) as wide as one side's interval.
    assertThat((diff[1] - diff[0]) / (one[1] - one[0])).isBetween(1.2, 1.6);
  }

  @Test
  void aWeightedMeanCountsEachSeedAsDrawnAndSkipsTheUnmeasured() {
    double[] x = {1, 2, Double.NaN, 4};
    assertThat(SeedBootstrap.mean(x, new int[] {2, 0, 1, 1})).isEqualTo(6.0 / 3);
    assertThat(SeedBootstrap.mean(x, new int[] {0, 0, 4, 0})).isNaN();
  }

  @Test
  void aGridStatisticsBoundsAreValuesItTookAndResamplesWithoutOneAreLeftOut() {
    // Seed 0 drawn twice or more puts the peak at 400, else at 1600; no value when seed 3
    // dominates the resample.
    double[] boot = SeedBootstrap.resample(4, 1, 0, (c, out) -> out[0] = c[3] >= 3
        ? Double.NaN : c[0] >= 2 ? 400 : 1600)[0];
    assertThat(boot).contains(Double.NaN, 400.0, 1600.0);
    double[] ci = SeedBootstrap.gridInterval(boot);
    assertThat(ci).containsExactly(400.0, 1600.0);
    assertThat(SeedBootstrap.gridInterval(new double[] {Double.NaN})[0]).isNaN();
    assertThat(SeedBootstrap.interval(new double[] {Double.NaN, Double.NaN})[1]).isNaN();
  }
}
