package org.overparam.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A fully connected ReLU layer that trains with less arithmetic than DL4J's own {@link
 * DenseLayer}, with the same parameters, initialisation and results: see {@link ReluDenseLayer}.
 * Configured like DL4J's layer (it is one, for the configuration's JSON and everything that reads
 * it); created by {@link #of}.
 */
public class ReluDense extends DenseLayer {
  /** For DL4J's JSON configuration reader. */
  public ReluDense() {
    super();
  }

  /** A ReLU layer of {@code nOut} units on {@code nIn} inputs, He-initialised, with biases. */
  public static ReluDense of(long nIn, long nOut) {
    ReluDense l = new ReluDense();
    l.setNIn(nIn);
    l.setNOut(nOut);
    l.setActivationFn(new ActivationReLU());
    l.setWeightInitFn(WeightInit.RELU.getWeightInitFunction());
    l.setHasBias(true);
    l.setBiasInit(0.0);
    l.setGainInit(1.0);
    return l;
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
    return Layers.wire(new ReluDenseLayer(conf, dataType), this, conf, listeners, layerIndex,
        paramsView, initializeParams, initializer());
  }
}
