package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.overparam.results.Column;

/**
 * The one owner of what a lever comparison says: the console line of {@code analyze} (from the
 * comparison itself) and the report's sentence (from its lever_effects row, since the report
 * reads only the analysis tables) state the same facts, for example "optimizer.batch_size 32
 * lowered the peak by 0.0310 [0.0120, 0.0500] against optimizer.batch_size 256 (paired over 5
 * seeds; ...); peak at 40,000 parameters vs 52,000".
 */
public final class LeverSentence {
  private LeverSentence() {}

  /** How the comparisons are made, as the report states it. */
  public static String definitions() {
    return "A lever is one field that differs between settings while everything else is the "
        + "same (fields that move together in every configuration, such as a learning rate "
        + "given per optimiser kind, count as one lever named by both); each setting is "
        + "compared with its baseline, the same setting at the lever's first value (the least "
        + "noise, weight decay or dropout; for a configuration field, none, else the smallest "
        + "number, else the first name). Peak height: each seed's test "
        + "error at the peak minus at the classical minimum, both located on the other seeds' "
        + "mean curve (0 where that curve has no peak), averaged over seeds; changes are "
        + "differences of each seed with itself where both settings ran the same seeds. "
        + "Bracketed: 95% bootstrap intervals over seeds. A change is claimed only when its "
        + "interval excludes 0, with at least " + LeverEffects.CLAIM_SEEDS + " seeds, and both "
        + "mean curves reach the interpolation threshold (a curve that stops short of it has "
        + "no peak there to lower).";
  }

  /** The console line on a comparison: the same sentence as the report's. */
  public static String line(LeverEffects.Comparison c) {
    return sentence(LeverEffects.row(c));
  }

  /** The sentence on one lever_effects row. */
  public static String sentence(Row r) {
    String lever = r.getAs(LEVER.name());
    String value = lever + " " + r.getAs(VALUE.name());
    String against = "against " + lever + " " + r.getAs(BASELINE_VALUE.name());
    String effect = r.getAs(EFFECT.name());
    StringBuilder s = new StringBuilder();
    if (effect.equals(LeverEffects.Effect.NOT_MEASURED.label())) {
      s.append(value).append(' ').append(against).append(": no seed was measured at every size "
          + "the peak heights need, no change claimed");
    } else if (effect.equals(LeverEffects.Effect.ONE_SEED.label())) {
      s.append(String.format(Locale.ROOT, "%s %s: one seed, the peak height changed by %+.4f, "
          + "without an interval: no change claimed", value, against, r.<Double>getAs(
              HEIGHT_CHANGE.name())));
    } else {
      double change = r.<Double>getAs(HEIGHT_CHANGE.name());
      double lo = r.<Double>getAs(HEIGHT_CHANGE_LO.name());
      double hi = r.<Double>getAs(HEIGHT_CHANGE_HI.name());
      if (effect.equals(LeverEffects.Effect.LOWER.label())) {
        s.append(String.format(Locale.ROOT, "%s lowered the peak by %.4f [%.4f, %.4f] %s",
            value, -change, -hi, -lo, against));
      } else if (effect.equals(LeverEffects.Effect.HIGHER.label())) {
        s.append(String.format(Locale.ROOT, "%s raised the peak by %.4f [%.4f, %.4f] %s",
            value, change, lo, hi, against));
      } else if (effect.equals(LeverEffects.Effect.TOO_FEW_SEEDS.label())) {
        s.append(String.format(Locale.ROOT, "%s %s: the peak %s by %.4f [%.4f, %.4f], but %d "
                + "seeds are too few to claim a change (%d needed)", value, against,
            change < 0 ? "lower" : "higher", Math.abs(change), change < 0 ? -hi : lo,
            change < 0 ? -lo : hi, Math.min(r.<Integer>getAs(PAIRED_SEEDS.name()),
                r.<Integer>getAs(BASELINE_SEEDS.name())), LeverEffects.CLAIM_SEEDS));
      } else if (effect.equals(LeverEffects.Effect.NEVER_INTERPOLATES.label())) {
        s.append(String.format(Locale.ROOT, "%s %s: the peak height changed by %+.4f [%+.4f, "
            + "%+.4f], no change claimed", value, against, change, lo, hi));
      } else {
        s.append(String.format(Locale.ROOT, "%s %s: the peak height changed by %+.4f [%+.4f, "
            + "%+.4f], no clear change", value, against, change, lo, hi));
      }
    }
    s.append(" (").append(seeds(r)).append(context(r, lever)).append(')');
    Long p = r.getAs(PEAK_PARAMS.name());
    Long b = r.getAs(BASELINE_PEAK_PARAMS.name());
    if (p != null && b != null) {
      s.append(String.format(Locale.ROOT, "; peak at %,d parameters vs %,d", p, b));
      Double lo = r.getAs(PEAK_SHIFT_LO.name());
      Double hi = r.getAs(PEAK_SHIFT_HI.name());
      if (lo != null && hi != null) {
        s.append(String.format(Locale.ROOT, " (x%.2f [%.2f, %.2f])",
            r.<Double>getAs(PEAK_SHIFT.name()), lo, hi));
      }
    } else {
      s.append("; ").append(p == null && b == null ? "neither mean curve reaches"
          : p == null ? "its mean curve never reaches" : "the baseline's never reaches")
          .append(" the interpolation threshold");
    }
    return s.append('.').toString();
  }

  /** "paired over 5 seeds" or "5 and 4 seeds, unpaired". */
  private static String seeds(Row r) {
    int n = r.<Integer>getAs(PAIRED_SEEDS.name());
    int m = r.<Integer>getAs(BASELINE_SEEDS.name());
    return r.<Boolean>getAs(PAIRED_BY_SEED.name()) ? "paired over " + n + " seeds"
        : n + " and " + m + " seeds, unpaired";
  }

  /** The setting's other fields: "; noise 0.1, weight decay 0, ..., depth 1". */
  private static String context(Row r, String lever) {
    List<String> parts = new ArrayList<>();
    field(parts, r, lever, LABEL_NOISE, "noise");
    field(parts, r, lever, WEIGHT_DECAY, "weight decay");
    field(parts, r, lever, DROPOUT, "dropout");
    parts.add(String.format(Locale.ROOT, "%,d training examples", r.<Integer>getAs(
        TRAIN_SIZE.name())));
    parts.add("depth " + r.<Integer>getAs(DEPTH.name()));
    return "; " + String.join(", ", parts);
  }

  private static void field(List<String> parts, Row r, String lever, Column c, String name) {
    if (!c.name().equals(lever)) {
      parts.add(name + " " + Analysis.plainNumber(r.<Double>getAs(c.name())));
    }
  }
}
