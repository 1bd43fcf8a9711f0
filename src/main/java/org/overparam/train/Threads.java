package org.overparam.train;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Matches ND4J's native threads to the cores a task may use: the BLAS library's threads get the
 * task's cores; the calling thread's OpenMP team, which ND4J's element-wise ops (a bias add, an
 * activation, a scalar division) fork into, is one thread. OpenBLAS threads spin while they wait,
 * so two tasks each running a two-thread GEMM on two cores slow each other down several times
 * over.
 *
 * <p>Why a team of one: libnd4j 1.0.0-M2 forks a team of all cores for arrays of a few thousand
 * elements whatever its own thread setting says, and waking the second thread cost 50-80 us an
 * op (a 128 x 16 scalar multiply took 63 us with a team of two, 5 us with one), most of a small
 * model's step; between ops the team's threads spin against OpenBLAS's. At two threads, with the
 * team left as libnd4j starts it against a team of one (s an epoch, MLP, batch 128, 8192
 * examples): width 64 0.200 against 0.124, 256 0.273 against 0.175, 1024 and 4096 equal (0.55,
 * 1.87), where the GEMMs dominate; the gpt step at width 128 0.127 against 0.117 s. Set to two
 * explicitly the team was worse than either (width 1024 1.71 s). OpenMP keeps the team size per
 * thread, so it is set on the calling thread every time, the thread that runs the task's ops.
 */
public final class Threads {
  private Threads() {}

  /** Limits BLAS threads of this JVM to {@code cores} and this thread's OpenMP teams to one. */
  public static void limit(int cores) {
    int n = Math.max(1, cores);
    if (Nd4j.getEnvironment().maxThreads() != n) {
      Nd4j.getEnvironment().setMaxThreads(n);
    }
    if (Nd4j.factory().blas().getMaxThreads() != n) {
      Nd4j.factory().blas().setMaxThreads(n);
    }
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
  }
}
