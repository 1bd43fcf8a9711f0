package org.overparam.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The teacher of a student run ({@link RunSpec#distillation()}): the run whose softened outputs
 * the student fits, and how they are mixed with the hard labels (see
 * {@link DistillationConfig}). Part of the student's run id; its configuration holds every
 * field but {@code teacher_run_id}, which differs from cell to cell and seed to seed as the
 * grid position does, so the students of one file share one configuration, apart from the
 * label-only runs (whose JSON has no {@code distillation}).
 *
 * @param teacherRunId the teacher's run id: the run of the same cell and seed at
 *     {@code teacherWidth}
 * @param teacherWidth the teacher's width (in the configuration: students of another teacher
 *     width are another configuration)
 * @param temperature the temperature T of the teacher's softmax
 * @param alpha the weight of the soft labels; {@code 1 - alpha} weighs the hard ones
 */
public record Distillation(String teacherRunId, int teacherWidth, double temperature,
    double alpha) implements Serializable {
  /** The field of the JSON that the configuration leaves out (see {@link RunSpec#configFields}). */
  public static final String TEACHER_RUN_ID = "teacher_run_id";

  public Distillation {
    if (teacherRunId == null || !teacherRunId.matches("[0-9a-f]{16}")) {
      throw new IllegalArgumentException("distillation: teacher run id '" + teacherRunId
          + "' is not 16 hex digits");
    }
  }

  /**
   * The teachers of an experiment's grid runs ({@link Grid#runs}): every run at the teacher
   * width, one per cell and seed; empty without a {@code distillation} section.
   */
  public static List<RunSpec> teachers(ExperimentConfig c, List<RunSpec> grid) {
    if (c.distillation() == null) {
      return List.of();
    }
    int w = c.distillation().teacherWidth(c.model().widths());
    return grid.stream().filter(r -> r.width() == w && r.distillation() == null).toList();
  }

  /**
   * The students of an experiment's grid runs: for each teacher, one run at each student width,
   * a copy of the teacher's run (same cell and seed, so the same training set) but for the
   * width and the {@link Distillation} component; in teacher order, then width order.
   */
  public static List<RunSpec> students(ExperimentConfig c, List<RunSpec> grid) {
    List<RunSpec> out = new ArrayList<>();
    DistillationConfig d = c.distillation();
    for (RunSpec t : teachers(c, grid)) {
      Distillation from = new Distillation(t.runId(), t.width(), d.temperature(), d.alpha());
      for (int w : d.widths()) {
        out.add(t.withWidth(w).withDistillation(from));
      }
    }
    return List.copyOf(out);
  }
}
