package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ComputeOptimalTest {
  private static final ScalingLaw LAW = new ScalingLaw(1.817, 482.01, 0.348, 2085.43, 0.366);

  @Test
  void spendsTheBudgetAndMinimisesLossAlongIt() {
    ComputeOptimal opt = new ComputeOptimal(LAW);
    for (double c : new double[] {1e18, 5.76e23, 1e26}) {
      double n = opt.params(c);
      double d = opt.tokens(c);
      assertThat(6 * n * d).isCloseTo(c, within(c * 1e-9));
      // Brute force along 6 N D = C: no N on a fine log grid beats N_opt.
      double best = Double.MAX_VALUE;
      double bestN = Double.NaN;
      for (double logN = Math.log(n) - 3; logN <= Math.log(n) + 3; logN += 1e-4) {
        double l = LAW.predict(Math.exp(logN), c / (6 * Math.exp(logN)));
        if (l < best) {
          best = l;
          bestN = Math.exp(logN);
        }
      }
      assertThat(bestN).isCloseTo(n, within(n * 1e-3));
      assertThat(opt.loss(c)).isLessThanOrEqualTo(best + 1e-12);
    }
  }

  @Test
  void exponentsSumToOne() {
    ComputeOptimal opt = new ComputeOptimal(LAW);
    assertThat(opt.paramsExponent() + opt.tokensExponent()).isCloseTo(1, within(1e-15));
    assertThat(opt.paramsExponent()).isCloseTo(0.366 / (0.348 + 0.366), within(1e-15));
    double c1 = 1e20;
    double c2 = 1e22;
    assertThat(Math.log(opt.params(c2) / opt.params(c1)) / Math.log(c2 / c1))
        .isCloseTo(opt.paramsExponent(), within(1e-12));
  }

  @Test
  void needsAJointLaw() {
    assertThatThrownBy(() -> new ComputeOptimal(ScalingLaw.ofN(1, 2, 0.3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joint");
    assertThatThrownBy(() -> new ComputeOptimal(LAW).params(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget");
  }
}
