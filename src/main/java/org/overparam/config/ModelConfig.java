package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * The model family and its scale grid.
 *
 * @param family {@code mlp}: fully connected ReLU layers, softmax output
 * @param depths numbers of hidden layers
 * @param widths units per hidden layer
 */
public record ModelConfig(String family, List<Integer> depths, List<Integer> widths)
    implements Serializable {
  public static final List<String> FAMILIES = List.of("mlp");

  public ModelConfig {
    family = family == null ? "mlp" : family;
    if (!FAMILIES.contains(family)) {
      throw new IllegalArgumentException("family: '" + family + "' is not one of " + FAMILIES);
    }
    depths = Check.grid(depths, List.of(1), "depths", d -> d >= 1 && d <= 64, "must be in 1..64");
    widths = Check.grid(Check.required(widths, "widths"), List.of(), "widths",
        w -> w >= 1 && w <= 1 << 16, "must be in 1..65536");
  }
}
