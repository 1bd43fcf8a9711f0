package org.overparam.analysis;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.overparam.results.Columns;
import org.overparam.results.Table;

/**
 * Writes analysis tables as Parquet at {@code <folder>/<table>/experiment=<name>/}, where the
 * folder is an analysis's staging folder ({@link AnalysisFolder}), made visible with all the
 * other tables of the same analysis at once.
 */
final class Tables {
  private Tables() {}

  /** The folder of one analysis table under an analysis folder. */
  static String path(String folder, Table table) {
    return new Path(folder, table.name()).toString();
  }

  /** Writes driver-side rows of {@code table} (each built by {@link Table#row()}). */
  static void write(SparkSession spark, String folder, Table table, List<Row> rows) {
    write(spark.createDataFrame(rows, table.sparkSchema()).coalesce(1), folder, table);
  }

  /**
   * Writes {@code df} partitioned by experiment into a fresh table folder; fails first unless
   * its columns are the table's, in order, with their types.
   */
  static void write(Dataset<Row> df, String folder, Table table) {
    table.check(df.schema());
    df.write().mode(SaveMode.Overwrite).partitionBy(Columns.EXPERIMENT.name())
        .parquet(path(folder, table));
  }

  /** A nullable column value: null for NaN. */
  static Double nullIfNaN(double x) {
    return Double.isNaN(x) ? null : x;
  }

  /** A nullable column value: null for null and NaN. */
  static Double nullIfNaN(Double x) {
    return x == null || Double.isNaN(x) ? null : x;
  }
}
