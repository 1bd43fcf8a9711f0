package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;
import org.overparam.results.RecordedRuns;

/**
 * Schema of {@code <results>/analysis/distillation/experiment=<name>/}: what distillation did,
 * one row per cell of students (a cell, everything but seed, at one student width): the
 * students' test error beside that of the same width trained on labels alone (the grid's runs,
 * or refine's, of the teachers' configuration), their paired difference with a bootstrap
 * interval over seeds, and the teachers' test error. Final epochs throughout, as in
 * {@code curves} ({@link SeedFinals}); diverged runs left out.
 *
 * <pre>
 * column                   type    meaning
 * experiment               string  partition column
 * config                   string  the students' configuration id (their distillation
 *                                  settings are part of it)
 * label_noise, weight_decay, dropout, train_size, depth: as in curves
 * width                    int     the students' width
 * params                   long    their parameters
 * teacher_config           string  configuration of the teachers and of the label-only runs
 * teacher_width            int     the teachers' width
 * temperature              double  T of the teachers' softmax
 * distillation_alpha       double  weight of the soft labels
 * seeds                    long    completed students averaged
 * student_test_error       double  their mean final test error
 * labels_test_error        double  mean final test error of the label-only runs of the same
 *                                  cell and width (all their seeds); null when that width was
 *                                  not trained on labels alone (then note says so)
 * student_minus_labels     double  mean over the seeds that have both of (the seed's student
 *                                  minus its label-only run): below 0, the teacher helped
 * student_minus_labels_lo  double  2.5% point of its 95% bootstrap interval over those seeds
 * student_minus_labels_hi  double  97.5% point; both null with fewer than 2 paired seeds
 * paired_seeds             int     the seeds paired (n of the interval)
 * teacher_test_error       double  mean final test error of the students' seeds' teachers
 * note                     string  why a field is null, else empty
 * </pre>
 *
 * <p><b>Pairing and interval.</b> A student and the label-only run of its width and seed share
 * the training subset, its label flips, the example order and the initialisation stream
 * ({@code data/Seeds}); they differ only in their targets. The differences are paired by seed,
 * as {@link PairedRise} pairs rises, and their interval is the same expanded-percentile
 * bootstrap over seeds ({@link SeedBootstrap#meanIntervals}, {@link SeedBootstrap#RESAMPLES}
 * resamples, a fresh generator of the analysis seed for every row). Tables that other tools wrote have no
 * configurations, hence no students: no rows.
 */
final class DistillationTable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DistillationTable() {}

  /**
   * The table's rows, and one line per row for the console.
   *
   * @param rows rows of {@link Catalog#DISTILLATION}
   * @param lines "experiment: ..." lines
   */
  record Result(List<Row> rows, List<String> lines) {}

  /** How one configuration of students was taught. */
  private record Taught(String teacherConfig, int teacherWidth, double temperature,
      double alpha) {}

  /**
   * The rows of every experiment's students.
   *
   * @param recorded each experiment's recorded runs (their configurations), null for tables
   *     that other tools wrote
   * @param finals each completed run's final values ({@link SeedFinals#of})
   * @param seed the bootstrap's seed
   */
  static Result compute(List<RecordedRuns> recorded, List<SeedFinals.Final> finals, long seed) {
    List<Row> rows = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    if (recorded == null) {
      return new Result(rows, lines);
    }
    // Student configurations, and the configuration and width of their teachers.
    Map<List<String>, Taught> taught = new HashMap<>();
    for (RecordedRuns r : recorded) {
      for (RecordedRuns.Run run : r.recorded().values()) {
        JsonNode d = distillation(run.configJson());
        if (d == null) {
          continue;
        }
        RecordedRuns.Run teacher = r.recorded().get(d.path("teacher_run_id").asText());
        if (teacher != null) {
          taught.putIfAbsent(List.of(r.experiment(), run.configId()), new Taught(
              teacher.configId(), d.path("teacher_width").asInt(),
              d.path("temperature").asDouble(), d.path("alpha").asDouble()));
        }
      }
    }
    if (taught.isEmpty()) {
      return new Result(rows, lines);
    }
    // Each cell's seeds (cells keyed without their parameter count, which differs by width).
    Map<Cell, Map<Long, SeedFinals.Final>> bySeed = new HashMap<>();
    Map<Cell, Cell> students = new TreeMap<>(Curves.ORDER);
    for (SeedFinals.Final f : finals) {
      bySeed.computeIfAbsent(key(f.cell(), f.cell().config(), f.cell().width()),
          k -> new LinkedHashMap<>()).put(f.seed(), f);
      if (taught.containsKey(List.of(f.cell().experiment(), f.cell().config()))) {
        students.put(f.cell(), f.cell());
      }
    }
    for (Cell c : students.keySet()) {
      Taught t = taught.get(List.of(c.experiment(), c.config()));
      Map<Long, SeedFinals.Final> mine = bySeed.get(key(c, c.config(), c.width()));
      Map<Long, SeedFinals.Final> labels = bySeed.getOrDefault(key(c, t.teacherConfig(),
          c.width()), Map.of());
      Map<Long, SeedFinals.Final> teachers = bySeed.getOrDefault(key(c, t.teacherConfig(),
          t.teacherWidth()), Map.of());
      double student = mean(new ArrayList<>(mine.values()));
      double label = mean(new ArrayList<>(labels.values()));
      List<Double> diffs = new ArrayList<>();
      List<SeedFinals.Final> theirTeachers = new ArrayList<>();
      for (Map.Entry<Long, SeedFinals.Final> s : mine.entrySet()) {
        SeedFinals.Final l = labels.get(s.getKey());
        if (l != null) {
          diffs.add(s.getValue().testError() - l.testError());
        }
        SeedFinals.Final tf = teachers.get(s.getKey());
        if (tf != null) {
          theirTeachers.add(tf);
        }
      }
      double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
      double diff = d.length == 0 ? Double.NaN : java.util.Arrays.stream(d).average()
          .orElseThrow();
      double[] ci = d.length < 2 ? new double[] {Double.NaN, Double.NaN}
          : SeedBootstrap.meanIntervals(seed, d)[0];
      String note = labels.isEmpty() ? "width " + c.width() + " was not trained on labels "
          + "alone (not a width of the grid): nothing to compare"
          : d.length == 0 ? "no seed has both a student and a label-only run"
          : d.length == 1 ? "one paired seed: no interval" : "";
      if (theirTeachers.isEmpty()) {
        note = (note.isEmpty() ? "" : note + "; ") + "no completed teacher of these seeds";
      }
      double teacher = mean(theirTeachers);
      rows.add(Catalog.DISTILLATION.row().set(EXPERIMENT, c.experiment())
          .set(CONFIG, c.config()).set(LABEL_NOISE, c.labelNoise())
          .set(WEIGHT_DECAY, c.weightDecay()).set(DROPOUT, c.dropout())
          .set(TRAIN_SIZE, c.trainSize()).set(DEPTH, c.depth()).set(WIDTH, c.width())
          .set(PARAMS, c.params()).set(TEACHER_CONFIG, t.teacherConfig())
          .set(TEACHER_WIDTH, t.teacherWidth()).set(TEMPERATURE, t.temperature())
          .set(DISTILLATION_ALPHA, t.alpha()).set(SEEDS, (long) mine.size())
          .set(STUDENT_TEST_ERROR, Tables.nullIfNaN(student))
          .set(LABELS_TEST_ERROR, Tables.nullIfNaN(label))
          .set(STUDENT_MINUS_LABELS, Tables.nullIfNaN(diff))
          .set(STUDENT_MINUS_LABELS_LO, Tables.nullIfNaN(ci[0]))
          .set(STUDENT_MINUS_LABELS_HI, Tables.nullIfNaN(ci[1]))
          .set(PAIRED, d.length).set(TEACHER_TEST_ERROR, Tables.nullIfNaN(teacher))
          .set(NOTE, note).build());
      lines.add(c.experiment() + ": " + line(c, t, student, label, diff, ci, d.length,
          teacher));
    }
    return new Result(rows, lines);
  }

  /** "distillation, width 8 (student of width 512, T 4, alpha 0.7): ..." for the console. */
  private static String line(Cell c, Taught t, double student, double label, double diff,
      double[] ci, int paired, double teacher) {
    String setting = ModelWiseSentence.setting(c.labelNoise(), c.weightDecay(), c.dropout(),
        c.trainSize(), c.depth());
    String vs = Double.isNaN(label) ? "no label-only run of that width"
        : String.format(Locale.ROOT, "on labels alone %.4f, difference %+.4f%s over %d paired "
            + "seed(s)", label, diff, Double.isNaN(ci[0]) ? ""
            : String.format(Locale.ROOT, " [%+.4f, %+.4f]", ci[0], ci[1]), paired);
    return String.format(Locale.ROOT, "distillation: %s, width %d (students of width %d, T %s, "
            + "alpha %s): test error %.4f, %s; teacher %.4f", setting, c.width(),
        t.teacherWidth(), Analysis.plainNumber(t.temperature()),
        Analysis.plainNumber(t.alpha()), student, vs, teacher);
  }

  /** The {@code distillation} object of a run's configuration JSON, or null. */
  private static JsonNode distillation(String json) {
    try {
      JsonNode d = JSON.readTree(json).get("distillation");
      return d != null && d.isObject() ? d : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** A cell of configuration {@code config} at {@code width}, its parameter count left out. */
  private static Cell key(Cell c, String config, int width) {
    return new Cell(c.experiment(), config, c.labelNoise(), c.weightDecay(), c.dropout(),
        c.trainSize(), c.depth(), width, 0);
  }

  private static double mean(List<SeedFinals.Final> finals) {
    return finals.stream().mapToDouble(SeedFinals.Final::testError).average()
        .orElse(Double.NaN);
  }
}
