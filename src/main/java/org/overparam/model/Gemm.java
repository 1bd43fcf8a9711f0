package org.overparam.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code c = op(a) op(b)}, straight into the OpenBLAS that ND4J has loaded. ND4J 1.0.0-M2's
 * {@link Nd4j#gemm} builds a {@code matmul} custom op each call (its arguments, an op context,
 * shape descriptors, then libnd4j's dispatch to the same {@code cblas_sgemm}): 30-60 us a call,
 * as much as the product itself at the shapes of small models (a width-16 MLP's step of a
 * minibatch of 128 spent a third of its time there, against a third in OpenBLAS). Anything but
 * three contiguous float or double matrices of one type goes through {@link Nd4j#gemm}, which
 * also reports any mismatch of shapes.
 */
public final class Gemm {
  private Gemm() {}

  /** {@code c = op(a) op(b)}, {@code op} transposing where asked; {@code c} is overwritten. */
  static void product(INDArray a, INDArray b, INDArray c, boolean transposeA,
      boolean transposeB) {
    char la = layout(a);
    char lb = layout(b);
    char lc = layout(c);
    DataType type = c.dataType();
    long m = c.size(0);
    long n = c.size(1);
    long k = transposeA ? a.size(0) : a.size(1);
    boolean fits = la != 0 && lb != 0 && lc != 0 && a.dataType() == type
        && b.dataType() == type && (type == DataType.FLOAT || type == DataType.DOUBLE)
        && (transposeA ? a.size(1) : a.size(0)) == m && (transposeB ? b.size(0) : b.size(1)) == n
        && (transposeB ? b.size(1) : b.size(0)) == k && Math.max(Math.max(m, n), k)
        <= Integer.MAX_VALUE;
    if (!fits) {
      Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
      return;
    }
    // BLAS in c's own layout; an operand stored in the other one is its transpose in this one
    int order = lc == 'c' ? CblasRowMajor : CblasColMajor;
    int ta = transposeA ^ (la != lc) ? CblasTrans : CblasNoTrans;
    int tb = transposeB ^ (lb != lc) ? CblasTrans : CblasNoTrans;
    int lda = (int) (la == 'c' ? a.size(1) : a.size(0));
    int ldb = (int) (lb == 'c' ? b.size(1) : b.size(0));
    int ldc = (int) (lc == 'c' ? n : m);
    if (type == DataType.FLOAT) {
      openblas_nolapack.cblas_sgemm(order, ta, tb, (int) m, (int) n, (int) k, 1f,
          new FloatPointer(a.data().addressPointer()), lda,
          new FloatPointer(b.data().addressPointer()), ldb, 0f,
          new FloatPointer(c.data().addressPointer()), ldc);
    } else {
      openblas_nolapack.cblas_dgemm(order, ta, tb, (int) m, (int) n, (int) k, 1.0,
          new DoublePointer(a.data().addressPointer()), lda,
          new DoublePointer(b.data().addressPointer()), ldb, 0.0,
          new DoublePointer(c.data().addressPointer()), ldc);
    }
  }

  /**
   * 'c' or 'f' for a matrix whose elements lie contiguously in that order from its buffer's
   * first element (a view's offset is its buffer's), 0 for anything else.
   */
  public static char layout(INDArray x) {
    if (x.rank() != 2 || x.size(0) < 1 || x.size(1) < 1 || x.length() > Integer.MAX_VALUE) {
      return 0;
    }
    long rows = x.size(0);
    long cols = x.size(1);
    long s0 = x.stride(0);
    long s1 = x.stride(1);
    if ((cols == 1 || s1 == 1) && (rows == 1 || s0 == cols)) {
      return 'c';
    }
    if ((rows == 1 || s0 == 1) && (cols == 1 || s1 == rows)) {
      return 'f';
    }
    return 0;
  }
}
