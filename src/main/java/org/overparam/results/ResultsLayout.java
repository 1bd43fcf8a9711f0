package org.overparam.results;

import org.apache.hadoop.fs.Path;

/**
 * Where everything lives under a results root: the one place that spells the layout.
 *
 * <pre>
 * &lt;root&gt;/_OVERPARAM                                     marks the folder as ours
 * &lt;root&gt;/metrics/experiment=&lt;name&gt;/&lt;run_id&gt;.parquet      {@link MetricsTable}
 * &lt;root&gt;/runs/experiment=&lt;name&gt;/&lt;run_id&gt;.parquet         {@link RunsTable}
 * &lt;root&gt;/compression/experiment=&lt;name&gt;/&lt;run_id&gt;.parquet  {@link CompressionTable}
 * &lt;root&gt;/_checkpoints/...                            {@link CheckpointStore}
 * &lt;root&gt;/_models/experiment=&lt;name&gt;/&lt;run_id&gt;.zip        distillation teachers' trained
 *                                                   networks ({@link CheckpointStore})
 * &lt;root&gt;/analysis/&lt;table&gt;/experiment=&lt;name&gt;/part-*.parquet  analysis tables, replaced
 *                                                   as one unit with their _ANALYSIS.json
 * &lt;root&gt;/report/&lt;name&gt;/index.html                     the report
 * </pre>
 */
public final class ResultsLayout {
  public static final String METRICS = "metrics";
  public static final String RUNS = "runs";
  public static final String COMPRESSION = "compression";
  public static final String ANALYSIS = "analysis";
  public static final String REPORT = "report";
  public static final String CHECKPOINTS = "_checkpoints";
  /** Trained networks kept for distillation (readers skip it, as every {@code _} folder). */
  public static final String MODELS = "_models";
  /** The partition column of every table. */
  public static final String PARTITION = "experiment";

  private ResultsLayout() {}

  /** {@code <root>/<table>/experiment=<name>}. */
  public static Path partition(Path root, String table, String experiment) {
    return new Path(new Path(root, table), PARTITION + "=" + experiment);
  }

  /** {@code <root>/<table>/experiment=<name>/<run_id>.parquet}. */
  public static Path runFile(Path root, String table, String experiment, String runId) {
    return new Path(partition(root, table, experiment), runId + ".parquet");
  }
}
