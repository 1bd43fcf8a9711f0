package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalingFitTest {
  /** Hoffmann et al.'s published law, used as the truth for synthetic data. */
  private static final ScalingLaw TRUTH = new ScalingLaw(1.69, 406.4, 0.34, 410.7, 0.28);
  private static final ScalingFitOptions THIN = ScalingFitOptions.defaults()
      .withGrid(StartGrid.thin());

  /** Points of a law on a log-spaced grid of N (and D), loss times exp(noise * z). */
  private record Synthetic(double[] n, double[] d, double[] loss) {
    static Synthetic of(ScalingLaw law, int sizes, int dataSizes, double noise, long seed) {
      Random rng = new Random(seed);
      List<double[]> rows = new ArrayList<>();
      for (int i = 0; i < sizes; i++) {
        double n = Math.pow(10, 6 + 4.0 * i / (sizes - 1));
        for (int j = 0; j < dataSizes; j++) {
          double d = dataSizes == 1 ? Double.NaN : Math.pow(10, 8 + 4.0 * j / (dataSizes - 1));
          double l = law.predict(n, d) * Math.exp(noise * rng.nextGaussian());
          rows.add(new double[] {n, d, l});
        }
      }
      return new Synthetic(rows.stream().mapToDouble(r -> r[0]).toArray(),
          law.joint() ? rows.stream().mapToDouble(r -> r[1]).toArray() : null,
          rows.stream().mapToDouble(r -> r[2]).toArray());
    }
  }

  @Test
  void recoversNoiselessPowerLawExactly() {
    ScalingLaw truth = ScalingLaw.ofN(1.69, 406.4, 0.34);
    Synthetic s = Synthetic.of(truth, 25, 1, 0, 0);
    ScalingFit f = ScalingFit.fitPowerLaw(s.n(), s.loss(), ScalingFitOptions.defaults());
    assertThat(f.law().joint()).isFalse();
    assertThat(f.law().e()).isCloseTo(1.69, within(1e-6));
    assertThat(f.law().a()).isCloseTo(406.4, within(406.4 * 1e-5));
    assertThat(f.law().alpha()).isCloseTo(0.34, within(1e-7));
    assertThat(f.objective()).isLessThan(1e-15);
    assertThat(f.r2LogLoss()).isCloseTo(1, within(1e-12));
    assertThat(f.starts()).isEqualTo(180);
  }

  @Test
  void recoversPowerLawFromNoisyPointsWithIntervalsThatCoverTheTruth() {
    ScalingLaw truth = ScalingLaw.ofN(1.69, 406.4, 0.34);
    Synthetic s = Synthetic.of(truth, 40, 1, 0.005, 7);
    ScalingFit f = ScalingFit.fitPowerLaw(s.n(), s.loss(),
        ScalingFitOptions.defaults().withBootstrap(200, 1));
    assertThat(f.law().e()).isCloseTo(1.69, within(0.05));
    assertThat(f.law().alpha()).isCloseTo(0.34, within(0.02));
    assertThat(f.bootstrap().size()).isGreaterThanOrEqualTo(190);
    f.estimates().forEach((name, e) -> {
      assertThat(e.covers()).as(name + " " + e).isTrue();
      assertThat(e.se()).as(name).isPositive();
    });
    assertThat(f.estimates().get("E").lo()).isLessThan(1.69);
    assertThat(f.estimates().get("E").hi()).isGreaterThan(1.69);
    assertThat(f.estimates().get("alpha").lo()).isLessThan(0.34);
    assertThat(f.estimates().get("alpha").hi()).isGreaterThan(0.34);
    assertThat(f.estimates()).containsOnlyKeys("E", "A", "alpha");
  }

  @Test
  void recoversJointLawFromNoisyGrid() {
    Synthetic s = Synthetic.of(TRUTH, 8, 8, 0.003, 11);
    ScalingFit f = ScalingFit.fit(s.n(), s.d(), s.loss(), THIN.withBootstrap(100, 2));
    ScalingLaw law = f.law();
    assertThat(law.joint()).isTrue();
    assertThat(law.e()).isCloseTo(1.69, within(0.05));
    assertThat(law.alpha()).isCloseTo(0.34, within(0.03));
    assertThat(law.beta()).isCloseTo(0.28, within(0.03));
    assertThat(f.gradientNorm()).isLessThan(1e-5);
    assertThat(f.r2LogLoss()).isGreaterThan(0.99);
    assertThat(f.estimates()).containsOnlyKeys("E", "A", "alpha", "B", "beta");
    for (String k : List.of("E", "alpha", "beta")) {
      CoefficientEstimate e = f.estimates().get(k);
      double truth = TRUTH.coefficients().get(k);
      assertThat(e.lo()).as(k).isLessThan(truth);
      assertThat(e.hi()).as(k).isGreaterThan(truth);
    }
  }

  @Test
  void thinGridFindsTheFullGridsOptimumOnSyntheticData() {
    Synthetic s = Synthetic.of(TRUTH, 6, 6, 0.01, 5);
    ScalingFit thin = ScalingFit.fit(s.n(), s.d(), s.loss(), THIN);
    ScalingFit full = ScalingFit.fit(s.n(), s.d(), s.loss(), ScalingFitOptions.defaults());
    assertThat(full.starts()).isEqualTo(5400);
    assertThat(thin.starts()).isEqualTo(243);
    assertThat(thin.objective()).isCloseTo(full.objective(), within(1e-9 * full.objective()));
    assertThat(thin.law().alpha()).isCloseTo(full.law().alpha(), within(1e-4));
    assertThat(thin.law().beta()).isCloseTo(full.law().beta(), within(1e-4));
  }

  @Test
  void bootstrapIsDeterministicPerSeed() {
    Synthetic s = Synthetic.of(ScalingLaw.ofN(2, 50, 0.3), 15, 1, 0.01, 3);
    ScalingFitOptions o = THIN.withBootstrap(50, 42);
    ScalingFit a = ScalingFit.fitPowerLaw(s.n(), s.loss(), o);
    ScalingFit b = ScalingFit.fitPowerLaw(s.n(), s.loss(), o);
    ScalingFit c = ScalingFit.fitPowerLaw(s.n(), s.loss(), THIN.withBootstrap(50, 43));
    assertThat(a.estimates()).isEqualTo(b.estimates());
    assertThat(a.estimates().get("alpha").se()).isNotEqualTo(c.estimates().get("alpha").se());
    assertThat(a.estimates().get("alpha").value()).isEqualTo(c.estimates().get("alpha").value());
  }

  @Test
  void extrapolationToTheLargestScaleIsAccurateOnCleanData() {
    Synthetic s = Synthetic.of(TRUTH, 7, 5, 0, 0);
    ScalingExtrapolation x = ScalingExtrapolation.toLargest(s.n(), s.d(), s.loss(), 1, THIN);
    assertThat(x.heldOut()).hasSize(5);
    assertThat(x.fit().points()).isEqualTo(30);
    double largest = s.n()[s.n().length - 1];
    assertThat(x.heldOut()).allSatisfy(p -> assertThat(p.n()).isEqualTo(largest));
    assertThat(x.maxAbsRelativeError()).isLessThan(1e-5);
    Synthetic noisy = Synthetic.of(TRUTH, 7, 5, 0.01, 4);
    ScalingExtrapolation y = ScalingExtrapolation.toLargest(noisy.n(), noisy.d(), noisy.loss(), 2,
        THIN);
    assertThat(y.heldOut()).hasSize(10);
    assertThat(y.meanAbsRelativeError()).isPositive().isLessThan(0.05);
    assertThat(y.maxAbsRelativeError()).isGreaterThanOrEqualTo(y.meanAbsRelativeError());
  }

  @Test
  void rejectsUnusableData() {
    double[] ok = {1, 2, 3, 4, 5, 6, 7};
    assertThatThrownBy(() -> ScalingFit.fitPowerLaw(ok, new double[] {1, 2, 3}, THIN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
    assertThatThrownBy(() -> ScalingFit.fitPowerLaw(new double[] {1, 2, 3}, new double[] {3, 2,
        1}, THIN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4");
    assertThatThrownBy(() -> ScalingFit.fit(ok, new double[] {1, 2, 3, 0, 5, 6, 7}, ok, THIN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("D[3]");
    assertThatThrownBy(() -> ScalingFit.fitPowerLaw(ok, new double[] {1, 2, 3, 4, 5, 6,
        Double.NaN}, THIN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("L[6]");
  }
}
