package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.overparam.results.Columns.*;

import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.overparam.results.ResultsLayout;

/**
 * Parquet tables that other tools wrote (no {@code _OVERPARAM} marker), laid out as the results
 * store lays them out ({@code <results>/<table>/experiment=<name>/}): every row is read, all of
 * one configuration (""), every file's footer checked first.
 *
 * @param metricsPath the metrics table folder
 * @param experiment the one experiment to analyse, or null for all
 * @param runsPath the runs table folder, or null if there is none
 * @param hasStatus whether every metrics file has a {@code status} column (else every row is
 *     read as completed)
 * @param compressionPath the compression table folder, or null if there is none
 */
record TableInputs(String metricsPath, String experiment, String runsPath, boolean hasStatus,
    String compressionPath) implements Inputs.Source {

  TableInputs {
    Inputs.requireName(experiment);
  }

  /** Checks the footers of the tables under {@code results}. */
  static TableInputs check(String results, String experiment, Configuration conf) {
    Path metrics = new Path(results, ResultsLayout.METRICS);
    List<Path> files = ParquetFooters.parquetFiles(metrics, experiment, conf);
    boolean status = ParquetFooters.checkAll(files, Inputs.METRICS, "metrics", conf);
    Path runs = new Path(results, ResultsLayout.RUNS);
    String runsPath = null;
    if (ParquetFooters.exists(runs, conf)) {
      ParquetFooters.checkAll(ParquetFooters.parquetFiles(runs, experiment, conf), Inputs.RUNS,
          "runs", conf);
      runsPath = runs.toString();
    }
    Path compression = new Path(results, ResultsLayout.COMPRESSION);
    String compressionPath = null;
    if (ParquetFooters.exists(experiment == null ? compression
        : ResultsLayout.partition(new Path(results), ResultsLayout.COMPRESSION, experiment),
        conf)) {
      List<Path> parts = ParquetFooters.parquetFiles(compression, experiment, conf);
      if (!parts.isEmpty()) {
        ParquetFooters.checkAll(parts, Inputs.COMPRESSION, "compression", conf);
        compressionPath = compression.toString();
      }
    }
    return new TableInputs(metrics.toString(), experiment, runsPath, status, compressionPath);
  }

  /** A table folder, or only the experiment's partition of it. */
  private Dataset<Row> read(SparkSession spark, String table) {
    return experiment == null ? spark.read().parquet(table)
        : spark.read().option("basePath", table)
            .parquet(table + "/" + ResultsLayout.PARTITION + "=" + experiment);
  }

  @Override
  public Dataset<Row> metrics(SparkSession spark) {
    Dataset<Row> raw = read(spark, metricsPath).withColumn(CONFIG.name(), lit(""));
    return hasStatus ? raw : raw.withColumn(STATUS.name(), lit("completed"));
  }

  @Override
  public List<String> experiments(SparkSession spark) {
    return experiment != null ? List.of(experiment) : Inputs.experimentFolders(
        new Path(metricsPath), spark.sparkContext().hadoopConfiguration(), "metrics table");
  }

  @Override
  public Dataset<Row> compression(SparkSession spark) {
    return compressionPath == null ? null
        : read(spark, compressionPath).withColumn(CONFIG.name(), lit(""));
  }

  @Override
  public Dataset<Row> runs(SparkSession spark) {
    if (runsPath == null) {
      return null;
    }
    Dataset<Row> raw = read(spark, runsPath);
    if (raw.columns().length == 0 || !Arrays.asList(raw.columns()).contains(EXPERIMENT.name())) {
      return null;
    }
    // The data source names the unit of the loss (a text corpus: bits per character).
    Column data = Arrays.asList(raw.columns()).contains(DATA.name())
        ? col(DATA.name()).cast("string") : lit("");
    return raw.select(col(EXPERIMENT.name()).cast("string"), col(RUN_ID.name()),
        col(STATUS.name()), col(MESSAGE.name()), data.as(DATA.name()));
  }
}
