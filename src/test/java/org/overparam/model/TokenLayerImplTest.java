package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The token layers' products and column sums give ND4J's {@code mmul} and {@code sum(0)} to
 * within rounding, and write into views of a larger buffer (as parameter gradients are) without
 * touching what lies around them.
 */
class TokenLayerImplTest {
  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"}, mode = Mode.INCLUDE)
  void productsAndSumsMatchNd4j(DataType type) {
    Nd4j.getRandom().setSeed(7);
    double tol = type == DataType.DOUBLE ? 1e-12 : 1e-5;
    INDArray a = Nd4j.randn(type, 50, 12);
    INDArray b = Nd4j.randn(type, 12, 36);
    INDArray c = Nd4j.randn(type, 50, 36);
    assertThat(close(TokenLayerImpl.mm(a, false, b, false), a.mmul(b), tol)).isTrue();
    assertThat(close(TokenLayerImpl.mm(c, false, b, true), c.mmul(b.transpose()), tol)).isTrue();

    // a gradient view: a slice of one flat buffer, with sentinels either side
    INDArray flat = Nd4j.valueArrayOf(new long[] {1, 12 * 36 + 36 + 2}, 9.0, type);
    INDArray dW = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(1, 1 + 12 * 36))
        .reshape('c', 12, 36);
    INDArray db = flat.get(NDArrayIndex.point(0),
        NDArrayIndex.interval(1 + 12 * 36, 1 + 12 * 36 + 36)).reshape('c', 1, 36);
    TokenLayerImpl.mmInto(a, true, c, false, dW);
    assertThat(close(dW, a.transpose().mmul(c), tol)).isTrue();
    GptBlock block = new GptBlock(36, 4, 5, 1, 0.0);
    TokenLayerImpl layer = block.impl(null, type);
    layer.columnSums(c, db);
    assertThat(close(db, c.sum(true, 0), tol)).isTrue();
    assertThat(flat.getDouble(0)).isEqualTo(9.0);
    assertThat(flat.getDouble(flat.length() - 1)).isEqualTo(9.0);
    // a view the reshape cannot keep (columns of a wider array) still receives the product
    INDArray wide = Nd4j.zeros(type, 12, 72);
    INDArray strided = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 36));
    TokenLayerImpl.mmInto(a, true, c, false, strided);
    assertThat(close(strided, a.transpose().mmul(c), tol)).isTrue();
    assertThat(wide.get(NDArrayIndex.all(), NDArrayIndex.interval(36, 72)).maxNumber()
        .doubleValue()).isZero();
  }

  private static boolean close(INDArray x, INDArray y, double tol) {
    return x.equalShapes(y) && x.sub(y).amaxNumber().doubleValue()
        <= tol * Math.max(1, y.amaxNumber().doubleValue());
  }
}
