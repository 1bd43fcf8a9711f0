package org.overparam.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * A network-wide regularisation applied once per step, as configured. DL4J 1.0.0-M2 lists a
 * weight decay set on {@code NeuralNetConfiguration.Builder} twice on every DL4J layer (the list
 * builder copies it onto the layer, then its layer validation adds it again) and applies both,
 * so {@code weight_decay: w} would train as {@code 2w}; the model families' configurations pass
 * through {@link #once} before a network is made of them.
 */
final class Regularisation {
  private Regularisation() {}

  /** {@code conf}, each layer's regularisations (weights and biases) listed once, in order. */
  static MultiLayerConfiguration once(MultiLayerConfiguration conf) {
    for (NeuralNetConfiguration c : conf.getConfs()) {
      Layer l = c.getLayer();
      while (l instanceof BaseWrapperLayer w) {
        l = w.getUnderlying();
      }
      if (l instanceof BaseLayer b) {
        b.setRegularization(distinct(b.getRegularization()));
        b.setRegularizationBias(distinct(b.getRegularizationBias()));
      } else if (l instanceof AbstractSameDiffLayer s) {
        s.setRegularization(distinct(s.getRegularization()));
        s.setRegularizationBias(distinct(s.getRegularizationBias()));
      }
    }
    return conf;
  }

  private static List<Regularization> distinct(List<Regularization> r) {
    return r == null ? null : new ArrayList<>(new LinkedHashSet<>(r));
  }
}
