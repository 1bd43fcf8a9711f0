package org.overparam.model;

import java.nio.IntBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.IntPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense layer with a cheaper backward pass for ReLU layers.
 *
 * <p>DL4J 1.0.0-M2's {@code BaseLayer.backpropGradient} computes the pre-activation z = xW + b a
 * second time, to take the activation's derivative, and always returns the gradient with respect
 * to its input, even for the network's first layer, where nothing uses it. For a ReLU layer
 * the forward pass's output a = max(z, 0) already gives the derivative (a > 0 exactly where
 * z > 0), so this layer keeps a reference to it (it is the next layer's input, alive in the
 * activations workspace until the backward pass is done) and, as the first layer, returns no
 * input gradient. Per minibatch that saves one of the layer's three GEMMs, and for the first
 * layer a second: for a one-hidden-layer MLP on 784 inputs, half the arithmetic of the dominant
 * layer's backward pass.
 *
 * <p>The forward product goes through {@link Affine}, as the output layer's does.
 *
 * <p>Anything else (dropout, masks, layer normalisation, weight noise, another activation, or
 * an output that was not produced from the current input while training) takes DL4J's own path.
 */
public class ReluDenseLayer extends DenseLayer {
  /** The last training forward pass's output, and the input it was computed from. */
  private INDArray output;
  private INDArray outputOf;
  /** Backward passes that took the short path (for tests). */
  private long shortBackwards;

  public ReluDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
      LayerWorkspaceMgr mgr) {
    INDArray z = Affine.forwardIfPlain(layerConf(), hasLayerNorm(), hasBias(), maskArray, input,
        params, mgr);
    return z != null ? new Pair<>(z, z) : super.preOutputWithPreNorm(training, forBackprop, mgr);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    INDArray out = super.activate(training, mgr);
    output = training ? out : null;
    outputOf = training ? input : null;
    return out;
  }

  private boolean fastPath() {
    return output != null && outputOf == input && input != null
        && layerConf().getActivationFn() instanceof ActivationReLU
        && layerConf().getIDropout() == null && layerConf().getWeightNoise() == null
        && maskArray == null && !hasLayerNorm() && hasBias();
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    if (!fastPath()) {
      return super.backpropGradient(epsilon, mgr);
    }
    shortBackwards++;
    // dL/dz = dL/da where a > 0, else 0 (a = max(z, 0), so a > 0 exactly where z > 0)
    INDArray delta = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(),
        epsilon.shape(), epsilon.ordering());
    derivative(output, epsilon, delta);

    Gradient ret = new DefaultGradient();
    INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
    delta.sum(biasGrad, 0);
    ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
    INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
    Gemm.product(input.castTo(dataType), delta, weightGrad, true, false);
    ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);

    // dL/dx = dL/dz W^T, as DL4J computes it; the first layer's is never used
    INDArray epsNext = null;
    if (getIndex() > 0) {
      INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
      epsNext = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
          new long[] {w.size(0), delta.size(0)}, 'f');
      Gemm.product(w, delta, epsNext, false, true);
      epsNext = epsNext.transpose();
    }
    output = null;
    outputOf = null;
    return new Pair<>(ret, epsNext);
  }

  long shortBackwards() {
    return shortBackwards;
  }

  @Override
  public void clear() {
    super.clear();
    output = null;
    outputOf = null;
  }

  private static final int CHUNK = 2048;
  private static final int POSITIVE_INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

  /**
   * dL/dz = dL/da where a > 0, else 0, from a ReLU's output {@code a} and the gradient
   * {@code e} of its output, into {@code out} (which may be {@code e}); exactly libnd4j's
   * {@code thresholdedrelu_bp} with threshold 0. For float arrays of one layout it runs in Java
   * over the floats' bits: libnd4j 1.0.0-M2 calls a function object per element and branches on
   * the sign, which the random signs of activations make unpredictable (10-13 ns an element,
   * 17% of a width-1024 step); the branch-free integer form below takes about 1.
   */
  static void derivative(INDArray a, INDArray e, INDArray out) {
    if (!plainFloats(a, e, out)) {
      Nd4j.exec(new ThresholdReluBp(a, e, out, 0.0));
      return;
    }
    int n = (int) a.length();
    IntBuffer ab = ints(a, n);
    IntBuffer eb = ints(e, n);
    IntBuffer ob = ints(out, n);
    int[] ac = new int[Math.min(CHUNK, n)];
    int[] ec = new int[ac.length];
    for (int s = 0; s < n; s += CHUNK) {
      int len = Math.min(CHUNK, n - s);
      ab.get(s, ac, 0, len);
      eb.get(s, ec, 0, len);
      for (int j = 0; j < len; j++) {
        // a > 0 (not -0, not NaN) exactly where its bits, as a signed int, lie in
        // [1, bits of +inf]: then both differences below are negative and the mask is all ones
        int b = ac[j];
        ec[j] = ec[j] & (((-b) & (b - POSITIVE_INFINITY_BITS - 1)) >> 31);
      }
      ob.put(s, ec, 0, len);
    }
  }

  private static boolean plainFloats(INDArray a, INDArray e, INDArray out) {
    for (INDArray x : new INDArray[] {a, e, out}) {
      if (x.dataType() != DataType.FLOAT || x.elementWiseStride() != 1
          || x.ordering() != a.ordering() || x.length() != a.length()
          || !Arrays.equals(x.shape(), a.shape()) || x.length() > Integer.MAX_VALUE) {
        return false;
      }
    }
    return true;
  }

  private static IntBuffer ints(INDArray a, int n) {
    IntPointer p = new IntPointer(a.data().addressPointer());
    return p.position(0).limit(n).capacity(n).asBuffer();
  }
}
