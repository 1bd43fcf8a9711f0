package org.overparam.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The LayerNorm after the last transformer block, per position; gain {@code g}, bias {@code b}. */
public class FinalNorm extends TokenLayer {
  /** For DL4J's JSON configuration reader. */
  public FinalNorm() {}

  public FinalNorm(int width, int context) {
    super(width, context, 0);
  }

  /** Parameters: gain and bias. */
  public static long params(long width) {
    return 2 * width;
  }

  @Override
  public void defineParameters(SDLayerParams p) {
    p.addBiasParam("g", width);
    p.addBiasParam("b", width);
  }

  @Override
  public void initializeParameters(Map<String, INDArray> params) {
    params.get("g").assign(1);
    params.get("b").assign(0);
  }

  @Override
  TokenLayerImpl impl(NeuralNetConfiguration conf, DataType dataType) {
    return new TokenLayerImpl(conf, dataType) {
      private Norm norm;

      @Override
      INDArray forward(INDArray x, boolean training) {
        norm = normalise(x.reshape(x.size(0) * context, width));
        return affine(norm, row(paramTable.get("g")), row(paramTable.get("b")))
            .reshape(x.shape());
      }

      @Override
      INDArray backward(INDArray dy) {
        return normaliseBackward(norm, row(paramTable.get("g")),
            dy.reshape(dy.size(0) * context, width),
            gradTable.get("g"), gradTable.get("b")).reshape(dy.shape());
      }
    };
  }
}
