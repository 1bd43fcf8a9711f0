package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * The model family and its scale grid.
 *
 * @param family {@code mlp}: fully connected ReLU layers, softmax output; {@code charlm}: each
 *     context character embedded, the embeddings concatenated, then ReLU layers and a softmax over
 *     the vocabulary; {@code charlstm}: the embeddings read in order by stacked LSTM layers whose
 *     last step feeds the softmax. Both character families need a {@code text} dataset.
 * @param depths numbers of hidden layers (LSTM layers for {@code charlstm})
 * @param widths units per hidden layer
 * @param embedding size of each character's embedding vector (character families only)
 */
public record ModelConfig(String family, List<Integer> depths, List<Integer> widths,
    Integer embedding) implements Serializable {
  public static final List<String> FAMILIES = List.of("mlp", "charlm", "charlstm");
  /** Families whose input is a window of character indices into an embedding table. */
  public static final List<String> CHARACTER_FAMILIES = List.of("charlm", "charlstm");

  public ModelConfig {
    family = family == null ? "mlp" : family;
    if (!FAMILIES.contains(family)) {
      throw new IllegalArgumentException("family: '" + family + "' is not one of " + FAMILIES);
    }
    depths = Check.grid(depths, List.of(1), "depths", d -> d >= 1 && d <= 64, "must be in 1..64");
    widths = Check.grid(Check.required(widths, "widths"), List.of(), "widths",
        w -> w >= 1 && w <= 1 << 16, "must be in 1..65536");
    if (!CHARACTER_FAMILIES.contains(family)) {
      if (embedding != null) {
        throw new IllegalArgumentException("embedding: only the " + CHARACTER_FAMILIES
            + " families embed characters; remove it for family " + family);
      }
      embedding = 0;
    } else {
      embedding = embedding == null ? 16 : embedding;
      if (embedding < 1 || embedding > 4096) {
        throw new IllegalArgumentException("embedding: must be in 1..4096, got " + embedding);
      }
    }
  }

  /** Whether the family reads character indices (and so needs a text dataset). */
  public boolean characterLevel() {
    return CHARACTER_FAMILIES.contains(family);
  }
}
