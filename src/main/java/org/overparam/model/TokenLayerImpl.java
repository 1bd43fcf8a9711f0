package org.overparam.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The running side of a {@link TokenLayer}: forward and backward passes written out in ND4J
 * operations, the matrix products through gemm ({@link #mm}), where ND4J's {@code mmul} costs 3-4x
 * as much at these shapes; DL4J's SameDiff-layer class is kept only for its parameter and
 * gradient views (no SameDiff graph is built or run). Every array lives in a workspace DL4J
 * gives, so no step leaves garbage for the collector: in training the forward pass runs in the
 * activations workspace, which DL4J keeps until the backward pass is done, so what it keeps for
 * the backward pass stays valid; the backward pass and inference run in DL4J's working memory,
 * reset layer by layer. The input gradient, and in inference the output, are copied into the
 * workspaces DL4J expects them in. (Arrays outside workspaces, freed only by garbage collection,
 * grew a width-128 training process by 200 MB of native memory a second, and two such runs in one
 * process past 24 GB.)
 *
 * <p>Dropout (inverted: kept units scaled by {@code 1 / (1 - p)}) draws its masks from ND4J's
 * generator, which DL4J seeds, in training only; the backward pass reuses the forward's masks.
 */
abstract class TokenLayerImpl extends SameDiffLayer {
  TokenLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /** {@code [batch, context, width]} in, same shape out; keeps what {@link #backward} needs. */
  abstract INDArray forward(INDArray x, boolean training);

  /**
   * Given the gradient of the loss at the output, writes the parameters' gradients into
   * {@code gradTable}'s views and returns the gradient at the input.
   */
  abstract INDArray backward(INDArray dy);

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    if (training) {
      try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
        return forward(input.dup('c'), true);
      }
    }
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, forward(input.dup('c'), false));
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon,
      LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray dx = backward(epsilon.dup('c'));
    Gradient g = new DefaultGradient(gradients);
    for (String k : paramTable.keySet()) {
      g.gradientForVariable().put(k, gradTable.get(k));
    }
    return new Pair<>(g, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx));
  }

  /** A fresh inverted-dropout mask shaped like {@code like}, or null for none. */
  static INDArray mask(INDArray like, double p, boolean training) {
    if (!training || p <= 0) {
      return null;
    }
    INDArray m = Nd4j.createUninitialized(like.dataType(), like.shape());
    Nd4j.getExecutioner().exec(new BernoulliDistribution(m, 1 - p));
    return m.muli(1 / (1 - p));
  }

  /** What a LayerNorm's forward pass keeps: the normalised rows and 1 / std per row. */
  record Norm(INDArray xhat, INDArray rstd) {}

  static final double LN_EPSILON = 1e-5;

  /** Normalises each row of {@code x} ({@code [rows, width]}); returns xhat and 1 / std. */
  static Norm normalise(INDArray x) {
    INDArray centred = x.subColumnVector(x.mean(true, 1));
    INDArray var = centred.mul(centred).mean(true, 1);
    INDArray rstd = Transforms.pow(var.addi(LN_EPSILON), -0.5, false);
    return new Norm(centred.muliColumnVector(rstd), rstd);
  }

  /** {@code xhat * gain + bias}, row by row. */
  static INDArray affine(Norm n, INDArray gain, INDArray bias) {
    return n.xhat().mulRowVector(gain).addiRowVector(bias);
  }

  /**
   * Backward through {@link #normalise} and {@link #affine}: accumulates the gain's and bias's
   * gradients into {@code dGain} and {@code dBias} (assigned) and returns the input's.
   */
  INDArray normaliseBackward(Norm n, INDArray gain, INDArray dy, INDArray dGain,
      INDArray dBias) {
    columnSums(dy.mul(n.xhat()), dGain);
    columnSums(dy, dBias);
    INDArray dxhat = dy.mulRowVector(gain);
    INDArray meanD = dxhat.mean(true, 1);
    INDArray meanDx = dxhat.mul(n.xhat()).mean(true, 1);
    return dxhat.subiColumnVector(meanD).subi(n.xhat().mulColumnVector(meanDx))
        .muliColumnVector(n.rstd());
  }

  /**
   * {@code op(a) op(b)}, {@code op} a transpose where asked, as a new c-order array. ND4J's
   * {@code mmul} writing a c-order result costs 3-4x this at the block's shapes (2048 x 32 by
   * 32 x 96 in one thread: 0.55-0.65 ms against 0.12-0.14 ms).
   */
  static INDArray mm(INDArray a, boolean transposeA, INDArray b, boolean transposeB) {
    INDArray c = Nd4j.createUninitialized(a.dataType(), transposeA ? a.size(1) : a.size(0),
        transposeB ? b.size(0) : b.size(1));
    Gemm.product(a, b, c, transposeA, transposeB);
    return c;
  }

  /**
   * {@link #mm} written into {@code out}, a parameter's gradient view: in place where its
   * values lie one after the other in c order (DL4J's gradient views do), else through a copy.
   */
  static void mmInto(INDArray a, boolean transposeA, INDArray b, boolean transposeB,
      INDArray out) {
    if (out.ordering() == 'c' && out.elementWiseStride() == 1) {
      Gemm.product(a, b, out.reshape(transposeA ? a.size(1) : a.size(0),
          transposeB ? b.size(0) : b.size(1)), transposeA, transposeB);
    } else {
      out.assign(mm(a, transposeA, b, transposeB).reshape(out.shape()));
    }
  }

  private INDArray ones;

  /**
   * The column sums of {@code x} ({@code [rows, m]}) written into {@code out} ({@code m}
   * values, a gradient view): a product with a row of ones, about twice as fast as ND4J's sum
   * over dimension 0 of a c-order array.
   */
  void columnSums(INDArray x, INDArray out) {
    long rows = x.size(0);
    if (ones == null || ones.length() != rows || ones.dataType() != x.dataType()) {
      ones = Nd4j.createUninitializedDetached(x.dataType(), 1, rows).assign(1);
    }
    mmInto(ones, false, x, false, out);
  }

  /** A parameter as a row vector for the row-wise operations. */
  static INDArray row(INDArray p) {
    return p.reshape(1, p.length());
  }
}
