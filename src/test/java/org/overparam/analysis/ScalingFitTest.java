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

  // ---- identification

  /**
   * A double-descent curve: L(N) = 0.5 + 20 N^-0.5 on 16 sizes from 10^3 to 10^6, with a bump
   * of up to +30% centred on N = 3·10^4 (loss rises from 10^4 to 3·10^4, then falls).
   */
  static double[][] doubleDescent() {
    int k = 16;
    double[] n = new double[k];
    double[] l = new double[k];
    for (int i = 0; i < k; i++) {
      n[i] = Math.pow(10, 3 + 3.0 * i / (k - 1));
      double z = (Math.log10(n[i]) - 4.5) / 0.3;
      l[i] = (0.5 + 20 * Math.pow(n[i], -0.5)) * (1 + 0.3 * Math.exp(-z * z));
    }
    return new double[][] {n, l};
  }

  @Test
  void doubleDescentCurveIsNotIdentified() {
    double[][] c = doubleDescent();
    ScalingFit f = ScalingFit.fitPowerLaw(c[0], c[1], THIN.withBootstrap(50, 1));
    assertThat(f.identified()).isFalse();
    assertThat(f.identification().category()).isEqualTo("loss not monotone in size");
    assertThat(f.identification().reason()).contains("double descent");
    // The same law without the bump is identified.
    double[] clean = java.util.Arrays.stream(c[0]).map(n -> 0.5 + 20 * Math.pow(n, -0.5))
        .toArray();
    ScalingFit g = ScalingFit.fitPowerLaw(c[0], clean, THIN.withBootstrap(50, 1));
    assertThat(g.identified()).as(g.identification().reason()).isTrue();
    assertThat(g.identification().reason()).isEmpty();
  }

  @Test
  void aBumpInNAtOneDataSizeMakesTheJointFitNotIdentified() {
    Synthetic s = Synthetic.of(TRUTH, 8, 4, 0, 0);
    double[] loss = s.loss().clone();
    // At the smallest D, the loss at the fourth N rises 20% above the third's.
    double d0 = s.d()[0];
    int seen = 0;
    for (int i = 0; i < loss.length; i++) {
      if (s.d()[i] == d0 && seen++ == 3) {
        loss[i] *= 1.2;
      }
    }
    ScalingFit f = ScalingFit.fit(s.n(), s.d(), loss, THIN);
    assertThat(f.identified()).isFalse();
    assertThat(f.identification().reason()).startsWith("loss not monotone in N: at D = 1.000e+08");
  }

  @Test
  void allEqualLossesCannotBeFitted() {
    double[] n = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double[] l = {2, 2, 2, 2, 2, 2};
    Identification id = Identification.ofData(n, null, l);
    assertThat(id.identified()).isFalse();
    assertThat(id.category()).isEqualTo("all losses equal");
    assertThatThrownBy(() -> ScalingFit.fitPowerLaw(n, l, THIN.withBootstrap(20, 0)))
        .isInstanceOfSatisfying(Identification.NoFit.class, e -> {
          assertThat(e.identification().identified()).isFalse();
          assertThat(e.identification().reason()).startsWith("all losses equal");
        });
  }

  @Test
  void aSingleModelSizeOrDataSizeCannotBeFitted() {
    double[] n = {1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6};
    double[] d = {1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9, 6.4e9};
    double[] l = {3.1, 3.0, 2.9, 2.85, 2.8, 2.78, 2.77};
    assertThatThrownBy(() -> ScalingFit.fitPowerLaw(n, l, THIN))
        .isInstanceOfSatisfying(Identification.NoFit.class, e -> assertThat(
            e.identification().category()).isEqualTo("single model size"));
    assertThatThrownBy(() -> ScalingFit.fit(n, d, l, THIN))
        .isInstanceOfSatisfying(Identification.NoFit.class, e -> assertThat(
            e.identification().category()).isEqualTo("single model size"));
    // The same points read as L(D, N): one N is now the single data size.
    assertThatThrownBy(() -> ScalingFit.fit(d, n, l, THIN))
        .isInstanceOfSatisfying(Identification.NoFit.class, e -> assertThat(
            e.identification().category()).isEqualTo("single data size"));
    // Fewer points than coefficients + 1.
    double[] five = {1e6, 1e7, 1e8, 1e9, 1e10};
    assertThatThrownBy(() -> ScalingFit.fit(five, new double[] {1e8, 1e9, 1e10, 1e8, 1e9},
        new double[] {3, 2.5, 2.2, 2.1, 2}, THIN))
        .isInstanceOf(Identification.NoFit.class).hasMessageContaining("at least");
  }

  @Test
  void aPurePowerLawPutsEAtItsBound() {
    // L = 50 N^-0.3 exactly: the irreducible loss E is 0, the edge of the parameter space.
    double[] n = new double[12];
    double[] l = new double[12];
    for (int i = 0; i < n.length; i++) {
      n[i] = Math.pow(10, 3 + 0.5 * i);
      l[i] = 50 * Math.pow(n[i], -0.3);
    }
    ScalingFit f = ScalingFit.fitPowerLaw(n, l, THIN);
    assertThat(f.identified()).isFalse();
    assertThat(f.identification().reason()).startsWith("at a bound: E vanished");
  }

  @Test
  void aNoisyCurveOverHalfADecadeHasIntervalsTooWideToMeanAnything() {
    ScalingLaw truth = ScalingLaw.ofN(1.69, 406.4, 0.34);
    Random rng = new Random(3);
    double[] n = new double[12];
    double[] l = new double[12];
    for (int i = 0; i < n.length; i++) {
      n[i] = Math.pow(10, 8 + 0.5 * i / (n.length - 1));
      l[i] = truth.predict(n[i]) * Math.exp(0.01 * rng.nextGaussian());
    }
    ScalingFit f = ScalingFit.fitPowerLaw(n, l, THIN.withBootstrap(100, 1));
    assertThat(f.identified()).isFalse();
    assertThat(f.identification().category()).isIn("interval too wide", "at a bound");
  }

  @Test
  void theReducedProblemTakesTheSameStepsAsTheFullOne() {
    Synthetic s = Synthetic.of(TRUTH, 20, 20, 0.01, 9);
    HuberLseObjective f = new HuberLseObjective(s.n(), s.d(), s.loss(), 1e-3);
    List<double[]> starts = StartGrid.thin().points(true).subList(0, 60);
    List<LseFitter.Outcome> full = new ArrayList<>();
    List<LseFitter.Outcome> reduced = new ArrayList<>();
    for (double[] start : starts) {
      full.add(LseFitter.fromStart(f, f.toCentred(start), 1000, false));
      reduced.add(LseFitter.fromStart(f, f.toCentred(start), 1000, true));
    }
    // In exact arithmetic the two take the same steps; in floating point a start far from the
    // optimum may drift to another end, so compare the best and count the starts reaching it.
    LseFitter.Best a = LseFitter.best(full.toArray(LseFitter.Outcome[]::new));
    LseFitter.Best b = LseFitter.best(reduced.toArray(LseFitter.Outcome[]::new));
    assertThat(b.best().objective()).isCloseTo(a.best().objective(),
        within(1e-9 * a.best().objective()));
    for (int k = 0; k < 5; k++) {
      assertThat(b.best().centred()[k]).isCloseTo(a.best().centred()[k], within(1e-5));
    }
    assertThat(a.atBest()).isGreaterThan(10);
    assertThat(b.atBest()).isGreaterThanOrEqualTo(a.atBest() * 9 / 10);
    int same = 0;
    for (int i = 0; i < starts.size(); i++) {
      same += full.get(i).ok() == reduced.get(i).ok() ? 1 : 0;
    }
    assertThat(same).isGreaterThanOrEqualTo(starts.size() * 9 / 10);
  }

  @Test
  void manyPointsRunTheGridOnASampleAndStillFindTheLaw() {
    Synthetic s = Synthetic.of(TRUTH, 100, 100, 0.01, 13);
    ScalingFit f = ScalingFit.fit(s.n(), s.d(), s.loss(), THIN.withBootstrap(8, 0));
    assertThat(f.points()).isEqualTo(10_000);
    assertThat(f.screenPoints()).isEqualTo(ScalingFit.SCREEN_POINTS);
    assertThat(f.law().e()).isCloseTo(1.69, within(0.01));
    assertThat(f.law().alpha()).isCloseTo(0.34, within(0.005));
    assertThat(f.law().beta()).isCloseTo(0.28, within(0.005));
    assertThat(f.gradientNorm()).isLessThan(1e-3);
    assertThat(f.identified()).as(f.identification().reason()).isTrue();
    // The grid on all points finds the same optimum.
    ScalingFit small = ScalingFit.fit(s.n(), s.d(), s.loss(), THIN);
    assertThat(small.objective()).isCloseTo(f.objective(), within(1e-6 * f.objective()));
  }

  @Test
  void tablesOverTheLimitAreRefusedBeforeFitting() {
    double[] big = new double[ScalingFit.MAX_POINTS + 1];
    assertThatThrownBy(() -> ScalingFit.fitPowerLaw(big, big, THIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + ScalingFit.MAX_POINTS);
  }
}
