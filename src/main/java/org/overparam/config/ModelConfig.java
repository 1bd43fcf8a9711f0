package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * The model family and its scale grid.
 *
 * @param family {@code mlp}: fully connected ReLU layers, softmax output; {@code charlm}: each
 *     context character embedded, the embeddings concatenated, then ReLU layers and a softmax over
 *     the vocabulary; {@code charlstm}: the embeddings read in order by stacked LSTM layers whose
 *     last step feeds the softmax; {@code gpt}: a decoder-only transformer (token and learned
 *     position embeddings of {@code width}, {@code depth} pre-LayerNorm blocks of causal
 *     multi-head self-attention and a 4x-wide GELU MLP, a final LayerNorm) whose softmax predicts
 *     the next token at every position of its window. The token families need a {@code text}
 *     dataset.
 * @param depths numbers of hidden layers (LSTM layers for {@code charlstm}, transformer blocks
 *     for {@code gpt})
 * @param widths units per hidden layer ({@code d_model} for {@code gpt})
 * @param embedding size of each character's embedding vector ({@code charlm} and
 *     {@code charlstm} only; {@code gpt} embeds tokens in {@code width} dimensions)
 * @param heads attention heads per block ({@code gpt} only, default 4); every width must be a
 *     multiple of it
 */
public record ModelConfig(String family, List<Integer> depths, List<Integer> widths,
    Integer embedding, Integer heads) implements Serializable {
  public static final List<String> FAMILIES = List.of("mlp", "charlm", "charlstm", "gpt");
  /** Families whose input is a window of token indices into an embedding table. */
  public static final List<String> CHARACTER_FAMILIES = List.of("charlm", "charlstm", "gpt");
  /** Families with an {@code embedding} size of their own (gpt's is its width). */
  public static final List<String> EMBEDDING_FAMILIES = List.of("charlm", "charlstm");
  /** Families that predict every position of their window, not only the token after it. */
  public static final List<String> SEQUENCE_FAMILIES = List.of("gpt");

  public ModelConfig(String family, List<Integer> depths, List<Integer> widths,
      Integer embedding) {
    this(family, depths, widths, embedding, null);
  }

  public ModelConfig {
    family = family == null ? "mlp" : family;
    if (!FAMILIES.contains(family)) {
      throw new IllegalArgumentException("family: '" + family + "' is not one of " + FAMILIES);
    }
    depths = Check.grid(depths, List.of(1), "depths", d -> d >= 1 && d <= 64, "must be in 1..64");
    widths = Check.grid(Check.required(widths, "widths"), List.of(), "widths",
        w -> w >= 1 && w <= 1 << 16, "must be in 1..65536");
    if (!EMBEDDING_FAMILIES.contains(family)) {
      if (embedding != null) {
        throw new IllegalArgumentException("embedding: only the " + EMBEDDING_FAMILIES
            + " families have an embedding size" + (family.equals("gpt")
                ? " (gpt embeds tokens in width dimensions)" : "")
            + "; remove it for family " + family);
      }
      embedding = 0;
    } else {
      embedding = embedding == null ? 16 : embedding;
      if (embedding < 1 || embedding > 4096) {
        throw new IllegalArgumentException("embedding: must be in 1..4096, got " + embedding);
      }
    }
    if (!family.equals("gpt")) {
      if (heads != null) {
        throw new IllegalArgumentException("heads: only family gpt has attention heads; remove "
            + "it for family " + family);
      }
      heads = 0;
    } else {
      heads = heads == null ? 4 : heads;
      if (heads < 1 || heads > 256) {
        throw new IllegalArgumentException("heads: must be in 1..256, got " + heads);
      }
      for (int w : widths) {
        if (w % heads != 0) {
          throw new IllegalArgumentException("heads: width " + w + " is not a multiple of "
              + heads + " heads (each head attends in width / heads dimensions)");
        }
      }
    }
  }

  /** Whether the family reads token indices (and so needs a text dataset). */
  public boolean characterLevel() {
    return CHARACTER_FAMILIES.contains(family);
  }

  /** Whether the family predicts every position of its window (see {@link #SEQUENCE_FAMILIES}). */
  public boolean everyPosition() {
    return SEQUENCE_FAMILIES.contains(family);
  }
}
