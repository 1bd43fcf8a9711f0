package org.overparam.analysis;

import static org.overparam.results.Columns.BEST_AFTER_PARAMS;
import static org.overparam.results.Columns.BEST_AFTER_TEST_ERROR;
import static org.overparam.results.Columns.BEYOND_CI;
import static org.overparam.results.Columns.CLASSICAL_MIN_PARAMS;
import static org.overparam.results.Columns.CLASSICAL_MIN_TEST_ERROR;
import static org.overparam.results.Columns.DEPTH;
import static org.overparam.results.Columns.DOUBLE_DESCENT;
import static org.overparam.results.Columns.DROPOUT;
import static org.overparam.results.Columns.LABEL_NOISE;
import static org.overparam.results.Columns.NOTE;
import static org.overparam.results.Columns.PEAK_HEIGHT;
import static org.overparam.results.Columns.PEAK_PARAMS;
import static org.overparam.results.Columns.PEAK_TEST_ERROR;
import static org.overparam.results.Columns.PEAK_WIDTH;
import static org.overparam.results.Columns.SIZES;
import static org.overparam.results.Columns.THRESHOLD_PARAMS;
import static org.overparam.results.Columns.THRESHOLD_PARAMS_PER_SAMPLE;
import static org.overparam.results.Columns.THRESHOLD_WIDTH;
import static org.overparam.results.Columns.TRAIN_SIZE;
import static org.overparam.results.Columns.WEIGHT_DECAY;

import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * The one owner of what a model-wise double-descent finding says and at which train-error
 * threshold it is told: the console line of {@code analyze} (from the finding itself) and the
 * report's sentence (from its double_descent row, since the report reads only the analysis
 * tables) state the same facts of the same series at {@link #EPSILON}.
 */
public final class ModelWiseSentence {
  /** The train-error threshold of the findings told: the analysis's primary one. */
  public static final double EPSILON = DoubleDescent.PRIMARY_EPSILON;

  private ModelWiseSentence() {}

  /** Whether a finding at {@code epsilon} is one that is told. */
  public static boolean told(double epsilon) {
    return epsilon == EPSILON;
  }

  /** How the threshold and the peak are defined, as the report states it under its sentences. */
  public static String definitions() {
    return "Interpolation threshold: the smallest model whose mean final train error is at most "
        + EPSILON + ". Peak: the largest mean final test error among models within a factor 4 "
        + "in parameters of the threshold (and its grid neighbours). Means over seeds; "
        + "intervals are 95% Student-t.";
  }

  /** One console line on a model-wise series. */
  public static String line(DoubleDescent.ModelWise m) {
    Cell.ModelSeries s = m.series();
    String where = String.format(Locale.ROOT, "noise %s, wd %s, dropout %s, n=%d, depth %d",
        Analysis.plainNumber(s.labelNoise()), Analysis.plainNumber(s.weightDecay()),
        Analysis.plainNumber(s.dropout()), s.trainSize(), s.depth());
    if (m.threshold() == null) {
      return where + ": train error never reaches " + Analysis.plainNumber(m.epsilon())
          + " (largest of " + m.sizes() + " sizes)";
    }
    Curve t = m.threshold();
    Curve p = m.peak();
    String text = String.format(Locale.ROOT,
        "%s: interpolation threshold (train error <= %s) at %d params (width %d, %.2f params "
            + "per sample); test-error peak %.4f at %d params (width %d)",
        where, Analysis.plainNumber(m.epsilon()), t.cell().params(), t.cell().width(),
        (double) t.cell().params() / s.trainSize(), p.finalTestError().mean(), p.cell().params(),
        p.cell().width());
    if (m.classicalMin() != null) {
      text += String.format(Locale.ROOT, ", %.4f above the classical minimum at %d params",
          m.peakHeight(), m.classicalMin().cell().params());
    }
    if (m.bestAfter() != null) {
      text += String.format(Locale.ROOT, ", best after it %.4f at %d params",
          m.bestAfter().finalTestError().mean(), m.bestAfter().cell().params());
    }
    return text + (m.doubleDescent() ? "; double descent" + (m.beyondCi() ? " (beyond 95% CI)"
        : " (within 95% CI)") : "; no double descent (" + m.note() + ")");
  }

  /** The report's sentence on a model-wise series, from its row of double_descent. */
  public static String sentence(Row r) {
    String where = String.format(Locale.ROOT, "noise %s, weight decay %s, dropout %s, "
            + "%d training examples, depth %d", r.getAs(LABEL_NOISE.name()),
        r.getAs(WEIGHT_DECAY.name()), r.getAs(DROPOUT.name()),
        r.<Integer>getAs(TRAIN_SIZE.name()), r.<Integer>getAs(DEPTH.name()));
    if (r.getAs(THRESHOLD_PARAMS.name()) == null) {
      return where + ": the train error never reaches " + EPSILON + " (" + r.getAs(SIZES.name())
          + " sizes).";
    }
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%s: threshold at %,d parameters (width %d, %.2f per training example); test-error "
            + "peak %.4f at %,d parameters (width %d)", where,
        r.<Long>getAs(THRESHOLD_PARAMS.name()), r.<Integer>getAs(THRESHOLD_WIDTH.name()),
        r.<Double>getAs(THRESHOLD_PARAMS_PER_SAMPLE.name()),
        r.<Double>getAs(PEAK_TEST_ERROR.name()), r.<Long>getAs(PEAK_PARAMS.name()),
        r.<Integer>getAs(PEAK_WIDTH.name())));
    if (r.getAs(CLASSICAL_MIN_PARAMS.name()) != null) {
      s.append(String.format(Locale.ROOT, ", %.4f above the classical minimum (%.4f at %,d)",
          r.<Double>getAs(PEAK_HEIGHT.name()), r.<Double>getAs(CLASSICAL_MIN_TEST_ERROR.name()),
          r.<Long>getAs(CLASSICAL_MIN_PARAMS.name())));
    }
    if (r.getAs(BEST_AFTER_PARAMS.name()) != null) {
      s.append(String.format(Locale.ROOT, "; best after it %.4f at %,d",
          r.<Double>getAs(BEST_AFTER_TEST_ERROR.name()),
          r.<Long>getAs(BEST_AFTER_PARAMS.name())));
    }
    boolean dd = r.getAs(DOUBLE_DESCENT.name());
    boolean ci = r.getAs(BEYOND_CI.name());
    s.append(dd ? "; double descent" + (ci ? ", beyond the 95% intervals." : ", within the 95% "
        + "intervals.") : "; no double descent (" + r.getAs(NOTE.name()) + ").");
    return s.toString();
  }
}
