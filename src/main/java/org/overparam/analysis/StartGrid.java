package org.overparam.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Starting points of the multi-start fit, as a product grid over the log-sum-exp parameters
 * a = log A, b = log B, e = log E, alpha and beta; the single-variable fit ignores b and beta.
 */
public record StartGrid(List<Double> a, List<Double> b, List<Double> e, List<Double> alpha,
    List<Double> beta) {
  public StartGrid {
    a = nonEmpty(a, "a");
    b = nonEmpty(b, "b");
    e = nonEmpty(e, "e");
    alpha = nonEmpty(alpha, "alpha");
    beta = nonEmpty(beta, "beta");
  }

  /**
   * The grid of Besiroglu et al. (2024): alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ...,
   * 1.5}, a, b in {0, 5, ..., 25}: 5400 starts for L(N, D), 180 for L(N).
   */
  public static StartGrid besiroglu() {
    return new StartGrid(steps(0, 25, 5), steps(0, 25, 5), steps(-1, 1.5, 0.5), steps(0, 2, 0.5),
        steps(0, 2, 0.5));
  }

  /**
   * Every other value of {@link #besiroglu()} in each coordinate (a, b in {0, 10, 20}, e in {-1,
   * 0, 1}, alpha, beta in {0, 1, 2}): 243 starts for L(N, D), 27 for L(N).
   */
  public static StartGrid thin() {
    return new StartGrid(steps(0, 20, 10), steps(0, 20, 10), steps(-1, 1, 1), steps(0, 2, 1),
        steps(0, 2, 1));
  }

  /** The starting points, each {@code [a, b, e, alpha, beta]} (joint) or {@code [a, e, alpha]}. */
  public List<double[]> points(boolean joint) {
    List<double[]> out = new ArrayList<>();
    for (double av : a) {
      for (double ev : e) {
        for (double al : alpha) {
          if (!joint) {
            out.add(new double[] {av, ev, al});
            continue;
          }
          for (double bv : b) {
            for (double be : beta) {
              out.add(new double[] {av, bv, ev, al, be});
            }
          }
        }
      }
    }
    return out;
  }

  /** Number of starting points. */
  public int size(boolean joint) {
    int n = a.size() * e.size() * alpha.size();
    return joint ? n * b.size() * beta.size() : n;
  }

  private static List<Double> steps(double from, double to, double step) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; from + i * step <= to + 1e-9; i++) {
      out.add(from + i * step);
    }
    return List.copyOf(out);
  }

  private static List<Double> nonEmpty(List<Double> v, String field) {
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("start grid: " + field + " needs at least one value");
    }
    for (Double x : v) {
      if (x == null || !Double.isFinite(x)) {
        throw new IllegalArgumentException("start grid: " + field + " value " + x
            + " is not a finite number");
      }
    }
    return List.copyOf(v);
  }
}
