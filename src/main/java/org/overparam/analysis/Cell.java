package org.overparam.analysis;

/**
 * One point of an experiment's grid without its seed: the runs that differ only in seed.
 *
 * @param experiment experiment name
 * @param config configuration id of the cell's runs (see {@code RunSpec.configId}): runs of one
 *     experiment that differ in anything but grid position and seed are different cells; empty
 *     for tables that other tools wrote
 * @param labelNoise fraction of training labels flipped
 * @param weightDecay weight-decay coefficient
 * @param dropout dropout probability
 * @param trainSize training examples
 * @param depth hidden layers
 * @param width units per hidden layer
 * @param params parameters of the network
 */
public record Cell(String experiment, String config, double labelNoise, double weightDecay, double dropout,
    int trainSize, int depth, int width, long params) {

  /** The model-wise series this cell lies on: same everything but the width. */
  public ModelSeries modelSeries() {
    return new ModelSeries(experiment, config, labelNoise, weightDecay, dropout, trainSize,
        depth);
  }

  /** The sample-wise series this cell lies on: same everything but the training-set size. */
  public DataSeries dataSeries() {
    return new DataSeries(experiment, config, labelNoise, weightDecay, dropout, depth, width,
        params);
  }

  /** Runs that differ only in width (model size). */
  public record ModelSeries(String experiment, String config, double labelNoise, double weightDecay,
      double dropout, int trainSize, int depth) {}

  /** Runs that differ only in training-set size. */
  public record DataSeries(String experiment, String config, double labelNoise, double weightDecay,
      double dropout, int depth, int width, long params) {}
}
