package org.overparam.train;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Matches ND4J's native threads (its OpenMP pool and the BLAS library's) to the cores a task may
 * use. OpenBLAS threads spin while they wait, so two tasks each running a two-thread GEMM on two
 * cores slow each other down several times over.
 */
public final class Threads {
  private Threads() {}

  /** Limits native threads of this JVM to {@code cores}; a process-wide setting. */
  public static void limit(int cores) {
    int n = Math.max(1, cores);
    if (Nd4j.getEnvironment().maxThreads() != n) {
      Nd4j.getEnvironment().setMaxThreads(n);
    }
    if (Nd4j.factory().blas().getMaxThreads() != n) {
      Nd4j.factory().blas().setMaxThreads(n);
    }
  }
}
