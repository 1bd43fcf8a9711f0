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
 * Writes analysis tables as Parquet at {@code <folder>/<table>/experiment=<name>/}, where the
 * folder is an analysis's staging folder ({@link AnalysisFolder}), made visible with all the
 * other tables of the same analysis at once.
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

  /** The folder of one analysis table under an analysis folder. */
  static String path(String folder, String table) {
    return new Path(folder, table).toString();
  }

  /** Writes driver-side rows (column 0 is the experiment). */
  static void write(SparkSession spark, String folder, String table, StructType schema,
      List<Row> rows) {
    write(spark.createDataFrame(rows, schema).coalesce(1), folder, table);
  }

  /** Writes {@code df} partitioned by experiment into a fresh table folder. */
  static void write(Dataset<Row> df, String folder, String table) {
    df.write().mode(SaveMode.Overwrite).partitionBy("experiment").parquet(path(folder, table));
  }

  /** A nullable column value: null for NaN. */
  static Double num(double x) {
    return Double.isNaN(x) ? null : x;
  }
}
