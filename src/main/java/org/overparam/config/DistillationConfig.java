package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * Knowledge distillation in the grid: after the grid (and its {@code refine} widths) is trained,
 * every cell's run at {@code teacher_width} teaches students at {@code widths}, one per seed,
 * each on the same training set as its teacher (a cell is everything but width and seed, so
 * teacher and student share the subset, the label flips and the example order). The student
 * fits the mixed target distribution {@code alpha * softmax(z / T) + (1 - alpha) * y}, where
 * {@code z} are the teacher's logits on the example and {@code y} its one-hot (possibly flipped)
 * label, with the usual cross-entropy of its own softmax at temperature 1 (see
 * {@code train/Teacher} for the loss written out and why the T^2 factor of Hinton et al. is not
 * applied). Students are ordinary runs with a {@link Distillation} component: their own run
 * ids, rows, checkpoints and configuration.
 *
 * @param teacherWidth {@code largest} (the default): each cell's largest grid width; or a
 *     width of {@code model.widths}
 * @param widths the students' widths
 * @param temperature the temperature T of the teacher's softened outputs, finite and above 0
 * @param alpha the weight of the soft labels in the mix, in [0, 1]; {@code 1 - alpha} weighs
 *     the hard labels
 */
public record DistillationConfig(Object teacherWidth, List<Integer> widths, Double temperature,
    Double alpha) implements Serializable {
  /** The {@code teacher_width} that names each cell's largest grid width. */
  public static final String LARGEST = "largest";

  public DistillationConfig {
    teacherWidth = teacherWidth == null ? LARGEST : teacherWidth;
    if (!(LARGEST.equals(teacherWidth) || teacherWidth instanceof Integer w && w > 0)) {
      throw new IllegalArgumentException("teacher_width: must be '" + LARGEST + "' or a width "
          + "of model.widths, got " + (teacherWidth instanceof String s ? "'" + s + "'"
          : teacherWidth));
    }
    widths = Check.grid(Check.required(widths, "widths"), List.of(), "widths",
        w -> w >= 1 && w <= 1 << 16, "must be in 1..65536");
    Check.positive(Check.required(temperature, "temperature"), "temperature");
    Check.required(alpha, "alpha");
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha: must be in [0, 1] (the weight of the soft "
          + "labels), got " + alpha);
    }
  }

  /** The teacher's width in a grid of {@code gridWidths}. */
  public int teacherWidth(List<Integer> gridWidths) {
    return teacherWidth instanceof Integer w ? w
        : gridWidths.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }
}
