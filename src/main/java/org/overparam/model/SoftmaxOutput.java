package org.overparam.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The softmax output layer with the cross-entropy loss, trained with one softmax a step where
 * DL4J's own {@link OutputLayer} computes two: see {@link SoftmaxOutputLayer}. Same parameters,
 * initialisation and results as DL4J's layer, and configured like it (it is one, for the
 * configuration's JSON and everything that reads it); created by {@link #of} or {@link #forRun}.
 */
public class SoftmaxOutput extends OutputLayer {
  /** For DL4J's JSON configuration reader. */
  public SoftmaxOutput() {
    super();
  }

  /** {@code nOut} softmax units on {@code nIn} inputs, Xavier-initialised, with biases. */
  public static SoftmaxOutput of(long nIn, long nOut) {
    SoftmaxOutput l = new SoftmaxOutput();
    l.setNIn(nIn);
    l.setNOut(nOut);
    l.setLossFn(new LossMCXENT());
    l.setActivationFn(new ActivationSoftmax());
    l.setWeightInitFn(WeightInit.XAVIER.getWeightInitFunction());
    l.setHasBias(true);
    l.setBiasInit(0.0);
    l.setGainInit(1.0);
    return l;
  }

  /**
   * A run's output layer: this one, or DL4J's own where the run has dropout ({@code dropout} is
   * the probability of dropping a unit), since dropout takes DL4J's path anyway.
   */
  public static OutputLayer forRun(long nIn, long nOut, double dropout) {
    if (dropout <= 0) {
      return of(nIn, nOut);
    }
    return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(nOut)
        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER)
        .dropOut(1.0 - dropout) // DL4J takes the probability of keeping a unit
        .build();
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
    return Layers.wire(new SoftmaxOutputLayer(conf, dataType), this, conf, listeners, layerIndex,
        paramsView, initializeParams, initializer());
  }
}
