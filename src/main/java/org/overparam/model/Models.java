package org.overparam.model;

import org.overparam.config.RunSpec;

/** Family-independent facts about the model a run spec describes, known before it is built. */
public final class Models {
  private Models() {}

  /** Exact parameter count of the network {@code spec} builds. */
  public static long params(RunSpec spec) {
    return switch (spec.family()) {
      case "mlp" -> Mlp.params(spec.dataset().featureDim(), spec.depth(), spec.width(),
          spec.dataset().numClasses());
      default -> throw new IllegalArgumentException("model.family: " + spec.family());
    };
  }
}
