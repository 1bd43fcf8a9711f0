package org.overparam.train;

import java.io.Serializable;

/**
 * One evaluated epoch of one run. Losses are mean cross-entropy in nats on the full sets; the
 * training set is evaluated with the labels the model was trained on (noisy ones included).
 *
 * @param epoch 1-based epoch number
 * @param epochSeconds wall seconds spent fitting this epoch (evaluation excluded)
 * @param samplesPerSecond training examples fitted per second in this epoch
 * @param evalSeconds wall seconds spent evaluating train and test sets
 */
public record EpochMetrics(int epoch, double trainLoss, double trainError, double testLoss,
    double testError, double epochSeconds, double samplesPerSecond, double evalSeconds)
    implements Serializable {

  public boolean finite() {
    return Double.isFinite(trainLoss) && Double.isFinite(testLoss);
  }
}
