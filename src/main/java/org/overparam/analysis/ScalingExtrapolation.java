package org.overparam.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well a law fitted on the smaller scales predicts the largest: the points at the
 * {@code heldOut} largest distinct values of N are left out, the law is fitted on the rest, and
 * the held-out losses are compared with its predictions.
 *
 * @param fit the fit on the smaller scales
 * @param heldOut the held-out points with their predictions
 */
public record ScalingExtrapolation(ScalingFit fit, List<Point> heldOut) {
  /** One held-out point; {@code d} is NaN for L(N). */
  public record Point(double n, double d, double loss, double predicted) {
    /** (predicted - loss) / loss. */
    public double relativeError() {
      return (predicted - loss) / loss;
    }
  }

  public ScalingExtrapolation {
    heldOut = List.copyOf(heldOut);
    if (heldOut.isEmpty()) {
      throw new IllegalArgumentException("extrapolation: no held-out points");
    }
  }

  /**
   * Fits on every point below the {@code scales} largest distinct values of N and predicts those.
   *
   * @throws IllegalArgumentException when too few points remain to fit
   */
  public static ScalingExtrapolation toLargest(double[] n, double[] d, double[] loss, int scales,
      ScalingFitOptions options) {
    double[] distinct = Arrays.stream(n).distinct().sorted().toArray();
    if (scales < 1 || scales >= distinct.length) {
      throw new IllegalArgumentException("extrapolation: cannot hold out " + scales + " of "
          + distinct.length + " distinct scales");
    }
    double cut = distinct[distinct.length - scales];
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int i = 0; i < n.length; i++) {
      (n[i] < cut ? train : test).add(i);
    }
    ScalingFit fit = ScalingFit.fit(pick(n, train), d == null ? null : pick(d, train),
        pick(loss, train), options);
    List<Point> held = new ArrayList<>();
    for (int i : test) {
      double di = d == null ? Double.NaN : d[i];
      held.add(new Point(n[i], di, loss[i], fit.law().predict(n[i], di)));
    }
    return new ScalingExtrapolation(fit, held);
  }

  /** Mean of |relative error| over the held-out points. */
  public double meanAbsRelativeError() {
    return heldOut.stream().mapToDouble(p -> Math.abs(p.relativeError())).average().orElseThrow();
  }

  /** Largest |relative error| over the held-out points. */
  public double maxAbsRelativeError() {
    return heldOut.stream().mapToDouble(p -> Math.abs(p.relativeError())).max().orElseThrow();
  }

  private static double[] pick(double[] x, List<Integer> rows) {
    return rows.stream().mapToDouble(i -> x[i]).toArray();
  }
}
