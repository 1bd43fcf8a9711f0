package org.overparam.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A learned position embedding: adds row t of a {@code context x width} table to the vector of
 * the token at position t of each window ({@code [batch, context, width]}), then drops units of
 * the sum in training (the embedding dropout of GPT-2). The table, {@code W}, starts N(0, 0.01^2).
 */
public class PositionEmbedding extends TokenLayer {
  static final double INIT_STD = 0.01;

  /** For DL4J's JSON configuration reader. */
  public PositionEmbedding() {}

  public PositionEmbedding(int width, int context, double dropout) {
    super(width, context, dropout);
  }

  /** Parameters of the table. */
  public static long params(long width, long context) {
    return width * context;
  }

  @Override
  public void defineParameters(SDLayerParams p) {
    p.addWeightParam("W", context, width);
  }

  @Override
  public void initializeParameters(Map<String, INDArray> params) {
    normal(params.get("W"), INIT_STD);
  }

  @Override
  TokenLayerImpl impl(NeuralNetConfiguration conf, DataType dataType) {
    return new TokenLayerImpl(conf, dataType) {
      private INDArray mask;

      @Override
      INDArray forward(INDArray x, boolean training) {
        long b = x.size(0);
        INDArray y = x.reshape(b, (long) context * width).addiRowVector(row(paramTable.get("W")))
            .reshape(b, context, width);
        mask = mask(y, dropout, training);
        return mask == null ? y : y.muli(mask);
      }

      @Override
      INDArray backward(INDArray dy) {
        INDArray d = mask == null ? dy : dy.mul(mask);
        INDArray dW = gradTable.get("W");
        columnSums(d.reshape(d.size(0), (long) context * width), dW);
        return d;
      }
    };
  }
}
