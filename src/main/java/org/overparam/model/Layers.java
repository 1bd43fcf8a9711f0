package org.overparam.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What DL4J's own layer configurations do in {@code instantiate}, for this package's layers. */
final class Layers {
  private Layers() {}

  /**
   * {@code layer}, given its listeners, index and parameters (a view of the network's flat
   * parameter array, initialised by {@code initializer} unless restored from a saved network).
   */
  static <L extends Layer> L wire(L layer, org.deeplearning4j.nn.conf.layers.FeedForwardLayer
      conf, NeuralNetConfiguration netConf, Collection<TrainingListener> listeners, int index,
      INDArray paramsView, boolean initializeParams, ParamInitializer initializer) {
    LayerValidation.assertNInNOutSet(conf.getClass().getSimpleName(), conf.getLayerName(),
        index, conf.getNIn(), conf.getNOut());
    layer.setListeners(listeners);
    layer.setIndex(index);
    layer.setParamsViewArray(paramsView);
    layer.setParamTable(initializer.init(netConf, paramsView, initializeParams));
    layer.setConf(netConf);
    return layer;
  }
}
