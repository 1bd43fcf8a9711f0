package org.overparam.data;

/**
 * What every file of examples must hold, whatever its format: features that are finite 32-bit
 * floats and labels that are class indices. The readers test each value with the cheap
 * predicates and build the message, naming the file and the value's place, only on failure.
 */
final class ExampleChecks {
  private ExampleChecks() {}

  /** Whether {@code v} is finite and within the range of a 32-bit float (false for NaN). */
  static boolean fitsFloat(double v) {
    return Math.abs(v) <= Float.MAX_VALUE;
  }

  /** The error for a feature that fails {@link #fitsFloat}; {@code where} names its place. */
  static DataException badFeature(String where, double v) {
    String what = Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? String.valueOf(v)
        : v + ", beyond the range of a 32-bit float";
    return new DataException(where + " is " + what + "; features must be finite numbers");
  }

  /** The error for a label outside {@code 0 .. classes-1}; {@code where} names its place. */
  static DataException badLabel(String where, long v, int classes) {
    return new DataException(where + " is label " + v + ", outside 0.." + (classes - 1)
        + " (dataset.classes is " + classes + ")");
  }
}
