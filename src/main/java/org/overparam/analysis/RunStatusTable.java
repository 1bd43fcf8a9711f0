package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.when;
import static org.overparam.results.Columns.DATA;
import static org.overparam.results.Columns.EXAMPLE_MESSAGE;
import static org.overparam.results.Columns.EXPERIMENT;
import static org.overparam.results.Columns.MESSAGE;
import static org.overparam.results.Columns.RUNS;
import static org.overparam.results.Columns.SOURCE;
import static org.overparam.results.Columns.STATUS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;

/**
 * The run_status table: how the runs of each experiment ended, from the runs table's
 * {@code status}; without a runs table (a CSV metrics input) from the metrics rows, where failed
 * runs leave no trace.
 */
final class RunStatusTable {
  private RunStatusTable() {}

  /**
   * Schema of {@code <results>/analysis/run_status/experiment=<name>/}: one row per status, from
   * the runs table, or, if it is null, from the curves' seed and divergence counts.
   *
   * <pre>
   * column           type    meaning
   * experiment       string  partition column
   * status           string  completed | diverged | failed
   * runs             long    runs that ended so
   * example_message  string  one run's message (why it failed or diverged), else empty
   * source           string  runs (the runs table) | metrics (no runs table; failed runs unseen)
   * data             string  one run's data source (e.g. text:data/kjv.txt,...); empty if unknown
   * </pre>
   */
  static List<Row> rows(Dataset<Row> runs, List<Curve> curves) {
    List<Row> out = new ArrayList<>();
    if (runs != null) {
      for (Row r : runs.groupBy(col(EXPERIMENT.name()), col(STATUS.name()))
          .agg(count("*").as(RUNS.name()), first(when(col(MESSAGE.name()).notEqual(""),
              col(MESSAGE.name())), true).as(MESSAGE.name()),
              first(col(DATA.name()), true).as(DATA.name()))
          .orderBy(EXPERIMENT.name(), STATUS.name()).collectAsList()) {
        out.add(row(r.getAs(EXPERIMENT.name()), r.getAs(STATUS.name()), r.getAs(RUNS.name()),
            orEmpty(r.getAs(MESSAGE.name())), "runs", orEmpty(r.getAs(DATA.name()))));
      }
      return out;
    }
    Map<String, long[]> counts = new TreeMap<>();
    for (Curve c : curves) {
      long[] n = counts.computeIfAbsent(c.cell().experiment(), e -> new long[2]);
      n[0] += c.seeds();
      n[1] += c.diverged();
    }
    counts.forEach((e, n) -> {
      out.add(row(e, "completed", n[0], "", "metrics", ""));
      out.add(row(e, "diverged", n[1], "", "metrics", ""));
    });
    return out;
  }

  private static Row row(String experiment, String status, long runs, String message,
      String source, String data) {
    return Catalog.RUN_STATUS.row().set(EXPERIMENT, experiment).set(STATUS, status)
        .set(RUNS, runs).set(EXAMPLE_MESSAGE, message).set(SOURCE, source).set(DATA, data)
        .build();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** "12 runs: 10 completed, 1 diverged, 1 failed" for one experiment. */
  static String line(List<Row> rows, String experiment) {
    long total = 0;
    Map<String, Long> by = new TreeMap<>();
    String source = "runs";
    for (Row r : rows) {
      if (r.getAs(EXPERIMENT.name()).equals(experiment)) {
        long n = r.getAs(RUNS.name());
        total += n;
        by.merge(r.getAs(STATUS.name()), n, Long::sum);
        source = r.getAs(SOURCE.name());
      }
    }
    StringBuilder sb = new StringBuilder(total + " runs: ");
    sb.append(by.getOrDefault("completed", 0L)).append(" completed, ")
        .append(by.getOrDefault("diverged", 0L)).append(" diverged, ");
    sb.append(source.equals("runs") ? by.getOrDefault("failed", 0L) + " failed"
        : "failed unknown (no runs table)");
    return sb.toString();
  }
}
