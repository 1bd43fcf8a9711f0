package org.overparam.config;

import java.util.List;
import java.util.function.Predicate;

/** Validation helpers for the compact constructors; each failure names the field it checks. */
final class Check {
  private Check() {}

  /** The most elements one Java array holds: a data set's features are one float array. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": is required");
    }
    return value;
  }

  static <T> List<T> grid(List<T> values, List<T> dflt, String field, Predicate<T> ok, String rule) {
    if (values == null) {
      return List.copyOf(dflt);
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException(field + ": grid is empty; give at least one value");
    }
    for (T v : values) {
      if (v == null || !ok.test(v)) {
        throw new IllegalArgumentException(field + ": value " + v + " " + rule);
      }
    }
    if (values.stream().distinct().count() != values.size()) {
      throw new IllegalArgumentException(field + ": values repeat: " + values);
    }
    return List.copyOf(values);
  }

  static void positive(long value, String field) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + ": must be > 0, got " + value);
    }
  }

  static void positive(double value, String field) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + ": must be a finite number > 0, got " + value);
    }
  }

  static void name(String value, String field) {
    required(value, field);
    if (!value.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}") || value.contains("..")) {
      throw new IllegalArgumentException(field + ": '" + value
          + "' must be letters, digits, '.', '_' or '-' (no path separators or '..')");
    }
  }
}
