package org.overparam.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The configuration shared by the transformer's layers: input and output are windows of
 * {@code width}-vectors, {@code [batch, context, width]} (DL4J's NWC). It is a DL4J SameDiff
 * layer configuration for the parameter machinery that comes with one (named parameters of any
 * shape, weights told from biases for weight decay and the updater, views into the network's
 * flat parameter and gradient vectors), but the layer runs as {@link TokenLayerImpl}: a forward
 * and backward pass of its own in ND4J operations. (DL4J 1.0.0-M2's SameDiff layer gave wrong
 * gradients for these graphs and runs the forward pass twice per step.) Fields are plain and the
 * no-arg constructors public, so DL4J's JSON configuration (checkpoints, Spark's parameter
 * averaging) reads and writes them.
 */
public abstract class TokenLayer extends SameDiffLayer {
  /** Model width: the size of every token's vector. */
  protected int width;
  /** Tokens per window. */
  protected int context;
  /** Dropout probability where the layer drops units; 0 for none. */
  protected double dropout;

  protected TokenLayer() {}

  protected TokenLayer(int width, int context, double dropout) {
    this.width = width;
    this.context = context;
    this.dropout = dropout;
  }

  public int getWidth() {
    return width;
  }

  public int getContext() {
    return context;
  }

  public double getDropout() {
    return dropout;
  }

  /** The layer that runs this configuration. */
  abstract TokenLayerImpl impl(NeuralNetConfiguration conf, DataType dataType);

  @Override
  public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p,
      SDVariable mask) {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " runs its own forward and backward passes, not a SameDiff graph");
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.recurrent(width, context, RNNFormat.NWC);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
    TokenLayerImpl ret = impl(conf, dataType);
    ret.setIndex(layerIndex);
    ret.setParamsViewArray(paramsView);
    Map<String, INDArray> params = initializer().init(conf, paramsView, initializeParams);
    ret.setParamTable(params);
    ret.setConf(conf);
    ret.setListeners(listeners);
    return ret;
  }

  /** Fills {@code p} from N(0, std^2) with ND4J's random generator, which DL4J seeds. */
  static void normal(INDArray p, double std) {
    p.assign(Nd4j.randn(p.dataType(), p.shape()).muli(std));
  }
}
