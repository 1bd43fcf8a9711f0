package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** {@link Threads#limit} sizes the BLAS threads and the calling thread's OpenMP teams. */
class ThreadsTest {
  static int ompTeam() {
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }

  @Test
  void limitSetsTheCallingThreadsOpenMpTeamAndTheBlasThreads() throws Exception {
    AtomicInteger one = new AtomicInteger();
    AtomicInteger three = new AtomicInteger();
    AtomicInteger all = new AtomicInteger();
    int cores = Runtime.getRuntime().availableProcessors();
    AtomicInteger blas = new AtomicInteger();
    // On a thread of its own, as a Spark task runs: OpenMP keeps the setting per thread.
    Thread task = new Thread(() -> {
      Threads.limit(1);
      one.set(ompTeam());
      blas.set(Nd4j.factory().blas().getMaxThreads());
      Threads.limit(3);
      three.set(ompTeam());
      Threads.limit(cores); // a thread limited before gets the whole machine back
      all.set(ompTeam());
    });
    task.start();
    task.join();
    assertThat(one.get()).isEqualTo(1);
    assertThat(blas.get()).isEqualTo(1);
    assertThat(three.get()).isEqualTo(3);
    assertThat(all.get()).isEqualTo(cores);
    Threads.limit(Runtime.getRuntime().availableProcessors());
  }
}
