package org.overparam.train;

import java.io.Serializable;

/**
 * One compressed variant of a trained model, evaluated on the test set.
 *
 * @param variant short name: {@code dense}, {@code prune-0.9}, {@code int8}, {@code prune-0.9+int8}
 * @param sparsity fraction of weights the pruning aimed to zero (0 for none)
 * @param achievedSparsity fraction of weights that are zero in the variant
 * @param quantization {@code none} or {@code int8}
 * @param weights weight entries (biases excluded) the compression acts on
 * @param nonzeroWeights weight entries left non-zero
 * @param testLoss mean cross-entropy (nats) on the test set
 * @param testError error rate on the test set
 * @param evalSeconds wall seconds to compress and evaluate
 */
public record CompressionResult(String variant, double sparsity, double achievedSparsity,
    String quantization, long weights, long nonzeroWeights, double testLoss, double testError,
    double evalSeconds) implements Serializable {}
