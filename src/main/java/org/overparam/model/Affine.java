package org.overparam.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The forward product {@code z = x W + b} of a dense layer, as DL4J 1.0.0-M2's {@code
 * BaseLayer.preOutputWithPreNorm} computes it, but through {@link Gemm}: DL4J's {@code
 * mmuli} into the c-order result it allocates costs several times the product itself at the
 * shapes of small models (a minibatch of 128 rows, tens of units). Only for a plain layer:
 * anything that changes the product (dropout, weight noise, layer normalisation, a mask, an
 * input of another type or shape, whose error DL4J's own path reports) goes DL4J's way.
 */
final class Affine {
  private Affine() {}

  /**
   * {@code x W + b} into a new {@code [rows, units]} array of the activations workspace, for a
   * layer so configured; null when it is not plain and DL4J's own path must run.
   */
  static INDArray forwardIfPlain(BaseLayer conf, boolean layerNorm, boolean bias, INDArray mask,
      INDArray x, Map<String, INDArray> params, LayerWorkspaceMgr mgr) {
    INDArray w = params.get(DefaultParamInitializer.WEIGHT_KEY);
    if (!plain(conf, layerNorm, bias, mask, x, w)) {
      return null;
    }
    INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), x.size(0),
        w.size(1));
    Gemm.product(x, w, z, false, false);
    return z.addiRowVector(params.get(DefaultParamInitializer.BIAS_KEY));
  }

  /** Whether a layer so configured computes nothing but {@code x W + b} before its activation. */
  static boolean plain(BaseLayer conf, boolean layerNorm, boolean bias, INDArray mask,
      INDArray input, INDArray w) {
    return conf.getIDropout() == null && conf.getWeightNoise() == null && !layerNorm && bias
        && mask == null && input != null && input.rank() == 2 && input.columns() == w.rows()
        && input.dataType() == w.dataType();
  }
}
