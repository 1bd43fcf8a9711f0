package org.overparam.data;

import java.util.SplittableRandom;

/**
 * One run seed split into independent streams by purpose ("subset", "noise", "init", "order"),
 * so changing how one is used never shifts the others.
 */
public final class Seeds {
  private Seeds() {}

  public static long derive(long seed, String purpose) {
    long h = 1125899906842597L;
    for (int i = 0; i < purpose.length(); i++) {
      h = 31 * h + purpose.charAt(i);
    }
    return new SplittableRandom(seed ^ h).nextLong();
  }

  public static SplittableRandom rng(long seed, String purpose) {
    return new SplittableRandom(derive(seed, purpose));
  }

  /** A seeded Fisher-Yates permutation of 0..n-1. */
  public static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
