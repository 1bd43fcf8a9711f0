package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Gemm#product} gives {@link Nd4j#gemm}'s products for every layout of the three
 * matrices, both transposes, views inside larger buffers, and strided views it hands to ND4J.
 */
class GemmTest {
  private static final int M = 7;
  private static final int N = 5;
  private static final int K = 11;

  /** A [rows, cols] matrix in the given order, at an offset inside a larger buffer. */
  private static INDArray matrix(DataType type, char order, long rows, long cols, int seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray whole = Nd4j.rand(type, 3, rows * cols);
    INDArray row = whole.get(NDArrayIndex.point(1), NDArrayIndex.all());
    return row.reshape(order, rows, cols);
  }

  private static double tolerance(DataType type) {
    return type == DataType.DOUBLE ? 1e-12 : 1e-5;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void equalsNd4jsGemmForEveryLayoutAndTranspose(DataType type) {
    int cases = 0;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (char oa : new char[] {'c', 'f'}) {
          for (char ob : new char[] {'c', 'f'}) {
            for (char oc : new char[] {'c', 'f'}) {
              INDArray a = matrix(type, oa, ta ? K : M, ta ? M : K, 1);
              INDArray b = matrix(type, ob, tb ? N : K, tb ? K : N, 2);
              INDArray want = Nd4j.gemm(a.dup(), b.dup(), ta, tb);
              INDArray whole = Nd4j.zeros(type, 3, M * N);
              INDArray c = whole.get(NDArrayIndex.point(1), NDArrayIndex.all())
                  .reshape(oc, M, N);
              Gemm.product(a, b, c, ta, tb);
              assertThat(c.sub(want).amaxNumber().doubleValue())
                  .as("a^T %s b^T %s, orders %s%s%s", ta, tb, oa, ob, oc)
                  .isLessThan(tolerance(type));
              // nothing outside c's view was written
              assertThat(whole.getRow(0).amaxNumber().doubleValue()).isZero();
              assertThat(whole.getRow(2).amaxNumber().doubleValue()).isZero();
              cases++;
            }
          }
        }
      }
    }
    assertThat(cases).isEqualTo(32);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void stridedViewsAndVectorsGiveTheSameProducts(DataType type) {
    // every second column of a wider matrix: not contiguous, so ND4J computes it
    INDArray wide = matrix(type, 'c', M, 2 * K, 3);
    INDArray a = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 2 * K));
    INDArray b = matrix(type, 'f', K, N, 4);
    INDArray c = Nd4j.create(type, M, N);
    Gemm.product(a, b, c, false, false);
    assertThat(c.sub(Nd4j.gemm(a.dup(), b, false, false)).amaxNumber().doubleValue())
        .isLessThan(tolerance(type));

    // a row vector times a matrix, and an outer product
    INDArray x = matrix(type, 'c', 1, K, 5);
    INDArray y = Nd4j.create(type, 1, N);
    Gemm.product(x, b, y, false, false);
    assertThat(y.sub(x.mmul(b)).amaxNumber().doubleValue()).isLessThan(tolerance(type));
    INDArray u = matrix(type, 'c', 1, M, 6);
    INDArray outer = Nd4j.create(type, M, K);
    Gemm.product(u, x, outer, true, false);
    assertThat(outer.sub(u.transpose().mmul(x)).amaxNumber().doubleValue())
        .isLessThan(tolerance(type));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void mismatchedShapesAreNd4jsError(DataType type) {
    INDArray a = matrix(type, 'c', M, K, 7);
    INDArray b = matrix(type, 'c', K + 1, N, 8);
    INDArray c = Nd4j.create(type, M, N);
    assertThatThrownBy(() -> Gemm.product(a, b, c, false, false)).isInstanceOf(
        RuntimeException.class);
  }
}
