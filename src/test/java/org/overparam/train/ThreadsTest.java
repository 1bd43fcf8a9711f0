package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** {@link Threads#limit} sizes the BLAS threads and keeps the calling thread's OpenMP team at one. */
class ThreadsTest {
  static int ompTeam() {
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }

  @Test
  void limitSizesTheBlasThreadsAndGivesTheCallingThreadATeamOfOne() throws Exception {
    AtomicInteger team = new AtomicInteger();
    AtomicInteger blasOne = new AtomicInteger();
    AtomicInteger blasThree = new AtomicInteger();
    AtomicInteger teamThree = new AtomicInteger();
    // On a thread of its own, as a Spark task runs: OpenMP keeps the setting per thread.
    Thread task = new Thread(() -> {
      Threads.limit(1);
      team.set(ompTeam());
      blasOne.set(Nd4j.factory().blas().getMaxThreads());
      Threads.limit(3);
      teamThree.set(ompTeam());
      blasThree.set(Nd4j.factory().blas().getMaxThreads());
    });
    task.start();
    task.join();
    assertThat(team.get()).isEqualTo(1);
    assertThat(blasOne.get()).isEqualTo(1);
    assertThat(teamThree.get()).isEqualTo(1);
    assertThat(blasThree.get()).isEqualTo(3);
    Threads.limit(Runtime.getRuntime().availableProcessors());
  }
}
