package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * Post-training compression of every trained model, without retraining. Each sparsity prunes the
 * weights of smallest magnitude under one threshold shared by all weight matrices (embedding
 * included, biases untouched); {@code quantize_int8} also evaluates every pruning level (and the
 * unpruned model) with its weights rounded to 8-bit integers, one symmetric scale per matrix, and
 * dequantised. An experiment without a {@code compression} section compresses nothing.
 *
 * @param sparsities fractions of weights zeroed, each in (0, 1)
 * @param quantizeInt8 whether to evaluate 8-bit weights too
 */
public record CompressionConfig(List<Double> sparsities, Boolean quantizeInt8)
    implements Serializable {
  public static final List<Double> DEFAULT_SPARSITIES = List.of(0.5, 0.8, 0.9, 0.95, 0.99);

  public CompressionConfig {
    sparsities = Check.grid(sparsities, DEFAULT_SPARSITIES, "sparsities",
        s -> s > 0 && s < 1, "must be in (0, 1)");
    quantizeInt8 = quantizeInt8 == null ? Boolean.TRUE : quantizeInt8;
  }
}
