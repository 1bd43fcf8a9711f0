package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import java.util.Locale;
import org.apache.spark.sql.Row;
import org.overparam.results.Columns;

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

  /** How the threshold, the peak and the paired rises are defined, as the report states it. */
  public static String definitions() {
    return "Interpolation threshold: the smallest model whose mean final train error is at most "
        + EPSILON + ". Peak: the largest mean final test error among models within a factor 4 "
        + "in parameters of the threshold (and its grid neighbours). Means over seeds. "
        + "The rises are paired: each seed's test error at the peak minus its own at the "
        + "classical minimum (the least below the peak) and at the largest model, the peak and "
        + "minimum located on the other seeds' mean curve, so that choosing the highest and "
        + "lowest points does not inflate them; runs of one seed share training subset, label "
        + "flips, example order and initialisation stream. Bracketed: 95% bootstrap intervals "
        + "over seeds. Double descent is claimed only when both intervals lie above 0, with at "
        + "least " + PairedRise.CLAIM_SEEDS + " seeds.";
  }

  /** The console line on a model-wise series: the same sentence as the report's. */
  public static String line(DoubleDescent.ModelWise m) {
    return sentence(DoubleDescent.row(m));
  }

  /**
   * The sentence on one double_descent row: where the threshold and the peak fell, and what the
   * paired rises allow one to say. The analysis prints it ({@link #line}) and the report shows it.
   */
  public static String sentence(Row r) {
    String where = setting(r.<Double>getAs(LABEL_NOISE.name()),
        r.<Double>getAs(WEIGHT_DECAY.name()), r.<Double>getAs(DROPOUT.name()),
        r.<Integer>getAs(TRAIN_SIZE.name()), r.<Integer>getAs(DEPTH.name()));
    String eps = Analysis.plainNumber(r.<Double>getAs(Columns.EPSILON.name()));
    if (r.getAs(THRESHOLD_PARAMS.name()) == null) {
      return where + ": the train error never reaches " + eps + " (" + r.getAs(SIZES.name())
          + " sizes).";
    }
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%s: threshold (train error <= %s) at %,d parameters (width %d, %.2f per training "
            + "example); test-error peak %.4f at %,d parameters (width %d)", where, eps,
        r.<Long>getAs(THRESHOLD_PARAMS.name()), r.<Integer>getAs(THRESHOLD_WIDTH.name()),
        r.<Double>getAs(THRESHOLD_PARAMS_PER_SAMPLE.name()),
        r.<Double>getAs(PEAK_TEST_ERROR.name()),
        r.<Long>getAs(PEAK_PARAMS.name()), r.<Integer>getAs(PEAK_WIDTH.name())));
    if (r.getAs(CLASSICAL_MIN_PARAMS.name()) != null) {
      s.append(String.format(Locale.ROOT, ", %.4f above the classical minimum (%.4f at %,d)",
          r.<Double>getAs(PEAK_HEIGHT.name()), r.<Double>getAs(CLASSICAL_MIN_TEST_ERROR.name()),
          r.<Long>getAs(CLASSICAL_MIN_PARAMS.name())));
    }
    if (r.getAs(BEST_AFTER_PARAMS.name()) != null) {
      s.append(String.format(Locale.ROOT, "; best after it %.4f at %,d",
          r.<Double>getAs(BEST_AFTER_TEST_ERROR.name()), r.<Long>getAs(BEST_AFTER_PARAMS.name())));
    }
    String verdict = java.util.Arrays.asList(r.schema().fieldNames()).contains(VERDICT.name())
        ? r.getAs(VERDICT.name()) : null;
    if (verdict == null || verdict.equals(PairedRise.Verdict.NO_PEAK.label())) {
      boolean dd = r.getAs(Columns.DOUBLE_DESCENT.name());
      return s.append(dd ? "; double descent on the mean curve." : "; no double descent ("
          + r.getAs(NOTE.name()) + ").").toString();
    }
    if (verdict.equals(PairedRise.Verdict.UNPAIRED.label())) {
      return s.append("; no seed was measured at every size the paired rises need: no double "
          + "descent claimed.").toString();
    }
    int n = r.<Integer>getAs(PAIRED_SEEDS.name());
    if (verdict.equals(PairedRise.Verdict.ONE_SEED.label())) {
      return s.append(String.format(Locale.ROOT, "; one seed: the peak rises %.4f over the "
              + "classical minimum and %.4f over the largest model (width %d), without an "
              + "interval: no double descent claimed.", r.<Double>getAs(RISE_OVER_MIN.name()),
          r.<Double>getAs(RISE_OVER_LARGEST.name()), r.<Integer>getAs(LARGEST_WIDTH.name())))
          .toString();
    }
    s.append(String.format(Locale.ROOT, "; paired over %d seeds the peak rises %.4f [%.4f, %.4f] "
            + "over the classical minimum and %.4f [%.4f, %.4f] over the largest model "
            + "(width %d): ", n, r.<Double>getAs(RISE_OVER_MIN.name()),
        r.<Double>getAs(RISE_OVER_MIN_LO.name()), r.<Double>getAs(RISE_OVER_MIN_HI.name()),
        r.<Double>getAs(RISE_OVER_LARGEST.name()), r.<Double>getAs(RISE_OVER_LARGEST_LO.name()),
        r.<Double>getAs(RISE_OVER_LARGEST_HI.name()), r.<Integer>getAs(LARGEST_WIDTH.name())));
    if (verdict.equals(PairedRise.Verdict.DOUBLE_DESCENT.label())) {
      return s.append("double descent, both 95% intervals above 0.").toString();
    }
    if (verdict.equals(PairedRise.Verdict.TOO_FEW_SEEDS.label())) {
      return s.append(String.format(Locale.ROOT, "both 95%% intervals above 0, but %d seeds are "
          + "too few to claim double descent (%d needed).", n, PairedRise.CLAIM_SEEDS))
          .toString();
    }
    return s.append("no double descent claimed, a 95% interval reaches 0.").toString();
  }

  /** A model-wise series' settings in words, as findings name it. */
  static String setting(double noise, double weightDecay, double dropout, int trainSize,
      int depth) {
    return String.format(Locale.ROOT, "noise %s, weight decay %s, dropout %s, %,d training "
            + "examples, depth %d", Analysis.plainNumber(noise),
        Analysis.plainNumber(weightDecay), Analysis.plainNumber(dropout), trainSize, depth);
  }
}
