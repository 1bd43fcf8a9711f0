package org.overparam.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.overparam.config.OptimizerConfig;
import org.overparam.config.RunSpec;
import org.overparam.data.Seeds;

/** The MLP family: {@code depth} ReLU layers of {@code width} units, then a softmax layer. */
public final class Mlp {
  private Mlp() {}

  /** Weights and biases of an MLP, counted layer by layer. */
  public static long params(int in, int depth, int width, int classes) {
    long p = 0;
    int prev = in;
    for (int i = 0; i < depth; i++) {
      p += (long) prev * width + width;
      prev = width;
    }
    return p + (long) prev * classes + classes;
  }

  /**
   * Training FLOPs per example: a multiply-add is 2 FLOPs, the backward pass costs twice the
   * forward, so 6 per weight (Kaplan et al. 2020's C = 6 N D, biases included).
   */
  public static long trainingFlopsPerExample(long params) {
    return 6 * params;
  }

  /**
   * The DL4J network for {@code spec}, initialised from the run seed's "init" stream, its rate
   * scheduled over {@code steps} minibatch steps when the optimizer has a schedule.
   */
  public static MultiLayerNetwork build(RunSpec spec, int in, int classes, int steps) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(Seeds.derive(spec.seed(), "init"))
        .dataType(Nd4j.defaultFloatingPointType()) // float, unless a test asks for double
        .updater(updater(spec.optimizer(), spec.width(), steps))
        .weightDecay(spec.weightDecay())
        .list();
    int prev = in;
    for (int i = 0; i < spec.depth(); i++) {
      if (spec.dropout() > 0 && i > 0) {
        b.layer(new DenseLayer.Builder().nIn(prev).nOut(spec.width())
            .activation(Activation.RELU).weightInit(WeightInit.RELU)
            .dropOut(1.0 - spec.dropout()) // DL4J takes the probability of *keeping* a unit
            .build());
      } else {
        b.layer(ReluDense.of(prev, spec.width())); // DL4J's layer, less backward arithmetic
      }
      prev = spec.width();
    }
    b.layer(SoftmaxOutput.forRun(prev, classes, spec.dropout())); // one softmax a step
    MultiLayerConfiguration conf = Regularisation.once(b.build()); // weight decay once a step
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * The optimizer of a model of this width: at its rate, or, with a cosine schedule, starting at
   * its rate and annealed over {@code steps} minibatch steps ({@link CosineSchedule}).
   */
  static IUpdater updater(OptimizerConfig o, int width, int steps) {
    double rate = o.learningRateAt(width);
    CosineSchedule s = o.cosine() ? new CosineSchedule(rate, steps) : null;
    return switch (o.kind()) {
      case "sgd" -> s == null ? new Nesterovs(rate, o.momentum()) : new Nesterovs(s, o.momentum());
      case "adam" -> s == null ? new JavaAdam(rate) : new JavaAdam(s); // DL4J's Adam, in Java
      default -> throw new IllegalArgumentException("optimizer.kind: " + o.kind());
    };
  }
}
