package org.overparam.config;

import java.util.ArrayList;
import java.util.List;

/** Enumerates an experiment's runs: the cross product of its grid axes, in a fixed order. */
public final class Grid {
  private Grid() {}

  /**
   * Runs in file order: optimizer kind, its learning rate, batch size ({@link
   * OptimizerGrid#configs}), augmentation, then train size, label noise, depth, width, weight
   * decay, dropout, seed, the last varying fastest. The axes that make another configuration
   * (optimiser settings, augmentation) come first, so each configuration's runs are together
   * and a file of single values yields the runs, in the order, it always did. The order is
   * deterministic, so the same file always yields the same list.
   */
  public static List<RunSpec> runs(ExperimentConfig c) {
    List<RunSpec> out = new ArrayList<>();
    for (OptimizerConfig opt : c.optimizer().configs()) {
      for (int aug : c.augmentation()) {
        for (int n : c.trainSizes()) {
          for (double noise : c.labelNoise()) {
            for (int depth : c.model().depths()) {
              for (int width : c.model().widths()) {
                for (double wd : c.weightDecay()) {
                  for (double drop : c.dropout()) {
                    for (long seed : c.seeds()) {
                      out.add(new RunSpec(c.name(), c.dataset(), c.model().family(), depth, width,
                          c.model().embedding(), c.model().heads(), n, noise, wd, drop, aug, seed,
                          opt, c.epochs(), c.evalEvery(), c.checkpointEvery(), c.strategy(),
                          c.compression()));
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return List.copyOf(out);
  }
}
