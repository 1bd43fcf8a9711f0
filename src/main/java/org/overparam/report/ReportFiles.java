package org.overparam.report;

import static org.apache.spark.sql.functions.col;
import static org.overparam.results.Columns.EXPERIMENT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.overparam.results.ResultsLayout;
import org.overparam.results.Table;

/**
 * The files of one experiment's report: the analysis tables it reads, {@code
 * <results>/analysis/<table>/experiment=<name>/}, and the folder it writes, {@code
 * <results>/report/<name>/}; or the folder of the page of a results root ({@link #root}).
 */
final class ReportFiles {
  private final SparkSession spark;
  private final String results;
  private final String experiment;
  private final Configuration conf;
  private final Path dir;

  ReportFiles(SparkSession spark, String results, String experiment) {
    this(spark, results, experiment, new Path(new Path(results, ResultsLayout.REPORT),
        experiment));
  }

  private ReportFiles(SparkSession spark, String results, String experiment, Path dir) {
    this.spark = spark;
    this.results = results;
    this.experiment = experiment;
    this.conf = spark.sparkContext().hadoopConfiguration();
    this.dir = dir;
  }

  /**
   * The folder of the results root's own page, {@code <results>/report/}, which holds each
   * experiment's folder; it reads no tables ({@link #experiment()} is null).
   */
  static ReportFiles root(SparkSession spark, String results) {
    return new ReportFiles(spark, results, null, new Path(results, ResultsLayout.REPORT));
  }

  String experiment() {
    return experiment;
  }

  /** The report's folder. */
  Path dir() {
    return dir;
  }

  /** The rows of one analysis table for this experiment; empty if the table is absent. */
  List<Row> rows(Table table) {
    Path p = new Path(path(table));
    try {
      if (!p.getFileSystem(conf).exists(new Path(p, ResultsLayout.PARTITION + "="
          + experiment))) {
        return List.of();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return spark.read().parquet(p.toString()).filter(col(EXPERIMENT.name()).equalTo(experiment))
        .collectAsList();
  }

  /** One analysis table's rows of this experiment, for a Spark job; the table must exist. */
  Dataset<Row> dataset(Table table) {
    return spark.read().parquet(path(table)).filter(col(EXPERIMENT.name()).equalTo(experiment));
  }

  private String path(Table table) {
    return new Path(new Path(results, ResultsLayout.ANALYSIS), table.name()).toString();
  }

  /** Writes {@code file} into the report's folder, replacing it; returns its path. */
  String write(String file, byte[] bytes) {
    Path p = new Path(dir, file);
    try {
      FileSystem fs = p.getFileSystem(conf);
      fs.setWriteChecksum(false); // no .crc files beside the page
      try (FSDataOutputStream out = fs.create(p, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + p + ": " + e.getMessage(), e);
    }
    return p.toString();
  }
}
