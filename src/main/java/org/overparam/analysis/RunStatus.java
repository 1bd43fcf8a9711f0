package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * How the runs of each experiment ended, from the runs table's {@code status}; without a runs
 * table (a CSV metrics input) from the metrics rows, where failed runs leave no trace.
 */
final class RunStatus {
  private RunStatus() {}

  /**
   * Schema of {@code <results>/analysis/run_status/experiment=<name>/}: one row per status.
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
  static final StructType SCHEMA = Tables.schema("experiment", Tables.STRING,
      "status", Tables.STRING, "runs", Tables.LONG, "example_message", Tables.STRING,
      "source", Tables.STRING, "data", Tables.STRING);

  /** Rows from the runs table, or, if it is null, from the curves' seed and divergence counts. */
  static List<Row> rows(Dataset<Row> runs, List<Curve> curves) {
    List<Row> out = new ArrayList<>();
    if (runs != null) {
      for (Row r : runs.groupBy(col("experiment"), col("status"))
          .agg(count("*").as("runs"), first(when(col("message").notEqual(""), col("message")),
              true).as("message"), first(col("data"), true).as("data"))
          .orderBy("experiment", "status").collectAsList()) {
        out.add(RowFactory.create(r.getString(0), r.getString(1), r.getLong(2),
            r.isNullAt(3) ? "" : r.getString(3), "runs", r.isNullAt(4) ? "" : r.getString(4)));
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
      out.add(RowFactory.create(e, "completed", n[0], "", "metrics", ""));
      out.add(RowFactory.create(e, "diverged", n[1], "", "metrics", ""));
    });
    return out;
  }

  /** "12 runs: 10 completed, 1 diverged, 1 failed" for one experiment. */
  static String line(List<Row> rows, String experiment) {
    long total = 0;
    Map<String, Long> by = new TreeMap<>();
    String source = "runs";
    for (Row r : rows) {
      if (r.getString(0).equals(experiment)) {
        total += r.getLong(2);
        by.merge(r.getString(1), r.getLong(2), Long::sum);
        source = r.getString(4);
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
