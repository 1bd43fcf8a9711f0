package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.train.local.LocalTrainer;

/** The BLAS core type: checked against the CPU, and results that do not depend on it. */
class BlasTest {
  static final Set<String> AVX2_ONLY = Set.of("sse4_2", "avx", "avx2", "fma");
  static final Set<String> AVX512 = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw");

  @Test
  void aCoreTypeTheCpuCannotRunIsRefusedWithTheFix() {
    assertThatThrownBy(() -> Blas.check("SKYLAKEX", AVX2_ONLY, "worker-3"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OPENBLAS_CORETYPE=SKYLAKEX needs the CPU feature avx512f")
        .hasMessageContaining("worker-3")
        .hasMessageContaining("HASWELL here");
    assertThatThrownBy(() -> Blas.check("haswell", Set.of("sse4_2", "avx"), "old"))
        .hasMessageContaining("avx2");
  }

  @Test
  void supportedUnsetOrUnknownCoreTypesPass() {
    assertThatCode(() -> Blas.check("SKYLAKEX", AVX512, "x")).doesNotThrowAnyException();
    assertThatCode(() -> Blas.check("HASWELL", AVX2_ONLY, "x")).doesNotThrowAnyException();
    assertThatCode(() -> Blas.check("PRESCOTT", AVX2_ONLY, "x")).doesNotThrowAnyException();
    assertThatCode(() -> Blas.check(null, AVX2_ONLY, "x")).doesNotThrowAnyException();
    assertThatCode(() -> Blas.check("SKYLAKEX", Set.of(), "x")).doesNotThrowAnyException();
    // This test JVM runs with whatever the launcher chose, which must suit this machine.
    assertThatCode(Blas::checkCoreType).doesNotThrowAnyException();
  }

  @Test
  void theChosenCoreTypeFollowsTheWidestVectorUnit() {
    assertThat(Blas.coreTypeFor(AVX512)).isEqualTo("SKYLAKEX");
    assertThat(Blas.coreTypeFor(AVX2_ONLY)).isEqualTo("HASWELL");
    assertThat(Blas.coreTypeFor(Set.of("sse2"))).isNull();
    assertThat(Blas.requiredFlag(Blas.coreTypeFor(AVX512))).isIn(AVX512);
  }

  /**
   * The same GEMM and the same training run in two JVMs, one on OpenBLAS's generic kernels and
   * one on the kernels chosen for this CPU: the numbers agree to float precision.
   */
  @Test
  void resultsAgreeWithAndWithoutTheCoreType() throws Exception {
    String native_ = Blas.coreTypeFor(Blas.cpuFlags());
    List<double[]> out = new ArrayList<>();
    for (String core : new String[] {"PRESCOTT", native_ == null ? "PRESCOTT" : native_}) {
      out.add(runChild(core));
    }
    double[] generic = out.get(0);
    double[] chosen = out.get(1);
    // GEMM against a float64 reference: both within float32 rounding.
    assertThat(generic[0]).isLessThan(1e-4);
    assertThat(chosen[0]).isLessThan(1e-4);
    // Losses after training: equal to within accumulated rounding, and training did something.
    for (int i = 1; i < generic.length; i++) {
      assertThat(chosen[i]).isCloseTo(generic[i], org.assertj.core.data.Offset.offset(2e-3));
    }
    assertThat(chosen[2]).isLessThan(chosen[1]);
  }

  private static double[] runChild(String core) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        BlasTest.class.getName());
    pb.environment().put("OPENBLAS_CORETYPE", core);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String last = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          last = line.substring(7);
        }
      }
    }
    assertThat(p.waitFor()).as("child JVM with OPENBLAS_CORETYPE=%s", core).isZero();
    assertThat(last).as("child output").isNotNull();
    return java.util.Arrays.stream(last.split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  /** Child: prints the GEMM error against float64, then first and last epoch train losses. */
  public static void main(String[] args) {
    Threads.limit(1);
    Nd4j.getRandom().setSeed(1);
    int m = 67;
    int k = 300;
    int n = 45;
    INDArray a = Nd4j.rand(DataType.FLOAT, m, k).subi(0.5);
    INDArray b = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5);
    float[] c = a.mmul(b).dup('c').data().asFloat();
    float[] af = a.dup('c').data().asFloat();
    float[] bf = b.dup('c').data().asFloat();
    double err = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int q = 0; q < k; q++) {
          s += (double) af[i * k + q] * bf[q * n + j];
        }
        err = Math.max(err, Math.abs(s - c[i * n + j]));
      }
    }
    RunSpec spec = Grid.runs(ExperimentFile.parse("""
        name: blas
        dataset: {kind: teacher-student, input_dim: 20, classes: 4, teacher_width: 16, test_size: 200}
        train_sizes: [512]
        model: {family: mlp, depths: [2], widths: [64]}
        optimizer: {kind: sgd, learning_rate: 0.05, batch_size: 32}
        epochs: 5
        seeds: [11]
        """, "blas.yaml")).get(0);
    RunResult r = new LocalTrainer((s, e) -> { }).train(spec, Datasets.prepare(
        Datasets.load(spec.dataset()), spec.trainSize(), spec.labelNoise(), spec.seed()), "cpu");
    System.out.println("RESULT " + err + " " + r.epochs().get(0).trainLoss() + " "
        + r.last().trainLoss() + " " + r.last().testLoss());
  }
}
