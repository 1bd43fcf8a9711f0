package org.overparam.train;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Matches ND4J's native threads (its OpenMP teams and the BLAS library's threads) to the cores a
 * task may use. OpenBLAS threads spin while they wait, so two tasks each running a two-thread
 * GEMM on two cores slow each other down several times over.
 *
 * <p>The OpenMP team size is what ND4J's element-wise ops (a bias add, an activation, a scalar
 * division, the updater) fork into, and libnd4j 1.0.0-M2 forks a team for arrays of a few
 * thousand elements whatever its own thread setting says: a 128 x 16 scalar multiply took 50-80
 * us with a team of two against 5 us with one, most of a small model's step. OpenMP keeps that
 * setting per thread, so it is set on the calling thread, the thread that runs the task's ops.
 *
 * <p>It is set only below the machine's core count, or on a thread that was limited before (to
 * undo that). Set explicitly to all cores (two here), the teams' threads spun against OpenBLAS's
 * threads: the MLP at two threads trained 1.3-2.3x slower than with the team left alone (width
 * 1024: 1.71 against 0.58 s an epoch), and {@code OMP_WAIT_POLICY=passive} took that back.
 */
public final class Threads {
  /** The OpenMP team this thread was given, null if never: whether it must be set back. */
  private static final ThreadLocal<Integer> TEAM = new ThreadLocal<>();

  private Threads() {}

  /** Limits native threads of this JVM, and OpenMP teams of this thread, to {@code cores}. */
  public static void limit(int cores) {
    int n = Math.max(1, cores);
    if (Nd4j.getEnvironment().maxThreads() != n) {
      Nd4j.getEnvironment().setMaxThreads(n);
    }
    if (Nd4j.factory().blas().getMaxThreads() != n) {
      Nd4j.factory().blas().setMaxThreads(n);
    }
    if (n < Runtime.getRuntime().availableProcessors() || TEAM.get() != null) {
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
      TEAM.set(n);
    }
  }
}
