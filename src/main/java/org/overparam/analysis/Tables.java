package org.overparam.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes analysis tables as Parquet at {@code <results>/analysis/<table>/experiment=<name>/},
 * replacing only the partitions of the experiments analysed (Spark's dynamic partition
 * overwrite: new files are staged and moved in when the job succeeds).
 */
final class Tables {
  static final DataType STRING = DataTypes.StringType;
  static final DataType INT = DataTypes.IntegerType;
  static final DataType LONG = DataTypes.LongType;
  static final DataType DOUBLE = DataTypes.DoubleType;
  static final DataType BOOLEAN = DataTypes.BooleanType;

  private Tables() {}

  /** A schema of nullable columns from (name, type) pairs. */
  static StructType schema(Object... nameType) {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < nameType.length; i += 2) {
      fields.add(DataTypes.createStructField((String) nameType[i], (DataType) nameType[i + 1],
          true));
    }
    return DataTypes.createStructType(fields);
  }

  /** The analysis folder, {@code <results>/analysis}. */
  static String folder(String results) {
    return new Path(results, "analysis").toString();
  }

  /** The folder of one analysis table. */
  static String path(String results, String table) {
    return new Path(new Path(results, "analysis"), table).toString();
  }

  /** Writes driver-side rows (column 0 is the experiment). */
  static void write(SparkSession spark, String results, String table, StructType schema,
      List<Row> rows, Collection<String> experiments) {
    Set<String> present = rows.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
    write(spark.createDataFrame(rows, schema).coalesce(1), results, table, experiments, present);
  }

  /**
   * Writes {@code df} partitioned by experiment; partitions of {@code experiments} that are not in
   * {@code present} are removed, so no stale rows of an analysed experiment survive.
   */
  static void write(Dataset<Row> df, String results, String table,
      Collection<String> experiments, Set<String> present) {
    String path = path(results, table);
    df.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic")
        .partitionBy("experiment").parquet(path);
    for (String e : experiments) {
      if (!present.contains(e)) {
        delete(new Path(path, "experiment=" + e), df.sparkSession());
      }
    }
  }

  private static void delete(Path p, SparkSession spark) {
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A nullable column value: null for NaN. */
  static Double num(double x) {
    return Double.isNaN(x) ? null : x;
  }
}
