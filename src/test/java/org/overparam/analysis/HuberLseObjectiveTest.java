package org.overparam.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HuberLseObjectiveTest {
  private static final double DELTA = 1e-3;

  /** 40 points around a law, some residuals inside the Huber delta and most beyond it. */
  private static HuberLseObjective objective(boolean joint) {
    SplittableRandom rng = new SplittableRandom(3);
    int m = 40;
    double[] n = new double[m];
    double[] d = new double[m];
    double[] l = new double[m];
    for (int i = 0; i < m; i++) {
      n[i] = Math.exp(15 + 8 * rng.nextDouble());
      d[i] = Math.exp(19 + 5 * rng.nextDouble());
      double clean = 1.7 + 400 * Math.pow(n[i], -0.34) + (joint ? 410 * Math.pow(d[i], -0.28) : 0);
      l[i] = clean * Math.exp(0.01 * (rng.nextDouble() - 0.5));
    }
    return new HuberLseObjective(n, joint ? d : null, l, DELTA);
  }

  @Test
  void gradientMatchesCentralDifferences() {
    for (boolean joint : new boolean[] {true, false}) {
      HuberLseObjective f = objective(joint);
      double[] c = f.toCentred(joint ? new double[] {6, 6, 0.5, 0.35, 0.3}
          : new double[] {6, 0.5, 0.35});
      double[] g = new double[f.dimension()];
      f.value(c, g);
      for (int k = 0; k < c.length; k++) {
        double[] up = c.clone();
        double[] down = c.clone();
        up[k] += 1e-6;
        down[k] -= 1e-6;
        double fd = (f.value(up, null) - f.value(down, null)) / 2e-6;
        assertThat(g[k]).as("joint=%s d/dp%d", joint, k)
            .isCloseTo(fd, within(1e-6 * (1 + Math.abs(fd))));
      }
    }
  }

  @Test
  void leastSquaresFormHasTheSameValueAndAnExactJacobian() {
    HuberLseObjective f = objective(true).reweighted(counts(40));
    double[] c = f.toCentred(new double[] {6.2, 5.8, 0.55, 0.36, 0.29});
    double[] rho = new double[40];
    double[][] jac = new double[40][5];
    f.residuals(c, rho, jac);
    double half = 0;
    for (double r : rho) {
      half += r * r / 2;
    }
    assertThat(half).isCloseTo(f.value(c, null), within(1e-12));
    for (int k = 0; k < 5; k++) {
      double[] up = c.clone();
      up[k] += 1e-7;
      double[] rhoUp = new double[40];
      f.residuals(up, rhoUp, new double[40][5]);
      for (int i = 0; i < 40; i++) {
        assertThat(jac[i][k]).isCloseTo((rhoUp[i] - rho[i]) / 1e-7,
            within(1e-4 * (1 + Math.abs(jac[i][k]))));
      }
    }
  }

  @Test
  void weightsCountPointsAndCentringIsInvertible() {
    HuberLseObjective f = objective(true);
    double[] c = f.toCentred(new double[] {6, 6, 0.5, 0.35, 0.3});
    int[] twice = new int[40];
    java.util.Arrays.fill(twice, 2);
    assertThat(f.reweighted(twice).value(c, null)).isCloseTo(2 * f.value(c, null), within(1e-12));
    double[] p = {6.1, 5.9, 0.4, 0.33, 0.27};
    assertThat(f.fromCentred(f.toCentred(p))).containsExactly(p, within(1e-12));
  }

  private static int[] counts(int n) {
    int[] c = new int[n];
    SplittableRandom rng = new SplittableRandom(9);
    for (int i = 0; i < n; i++) {
      c[rng.nextInt(n)]++;
    }
    return c;
  }
}
