package org.overparam.results;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MILLIS;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;

import java.util.Locale;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The one vocabulary of column types: each maps to the Parquet type the results tables are
 * written with (parquet-java) and to the Spark type the analysis tables are written and read
 * with. The tables' doc comments spell the types by {@link #docName()}.
 *
 * <pre>
 * type       Parquet                          Spark          Java value
 * string     BINARY (STRING)                  StringType     String
 * int        INT32                            IntegerType    Integer
 * long       INT64                            LongType       Long
 * double     DOUBLE                           DoubleType     Double
 * boolean    BOOLEAN                          BooleanType    Boolean
 * timestamp  INT64 (TIMESTAMP, UTC, millis)   TimestampType  epoch millis (Parquet)
 * </pre>
 */
public enum ColumnType {
  STRING(PrimitiveTypeName.BINARY, stringType(), DataTypes.StringType, String.class),
  INT(PrimitiveTypeName.INT32, null, DataTypes.IntegerType, Integer.class),
  LONG(PrimitiveTypeName.INT64, null, DataTypes.LongType, Long.class),
  DOUBLE(PrimitiveTypeName.DOUBLE, null, DataTypes.DoubleType, Double.class),
  BOOLEAN(PrimitiveTypeName.BOOLEAN, null, DataTypes.BooleanType, Boolean.class),
  TIMESTAMP(PrimitiveTypeName.INT64, timestampType(true, MILLIS), DataTypes.TimestampType,
      java.sql.Timestamp.class);

  private final PrimitiveTypeName parquet;
  private final LogicalTypeAnnotation logical;
  private final DataType spark;
  private final Class<?> sparkValue;

  ColumnType(PrimitiveTypeName parquet, LogicalTypeAnnotation logical, DataType spark,
      Class<?> sparkValue) {
    this.parquet = parquet;
    this.logical = logical;
    this.spark = spark;
    this.sparkValue = sparkValue;
  }

  /** How doc comments and messages name the type: string, int, long, double... */
  public String docName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type a doc comment names, or null if the name is not one. */
  public static ColumnType ofDocName(String name) {
    for (ColumnType t : values()) {
      if (t.docName().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The Parquet physical type of a column of this type. */
  public PrimitiveTypeName parquet() {
    return parquet;
  }

  /** A required Parquet column of this type, as the results tables write them. */
  public PrimitiveType parquetColumn(String name) {
    return Types.required(parquet).as(logical).named(name);
  }

  /** An optional (nullable) Parquet column of this type. */
  public PrimitiveType optionalParquetColumn(String name) {
    return Types.optional(parquet).as(logical).named(name);
  }

  /** The Spark type of a column of this type. */
  public DataType spark() {
    return spark;
  }

  /** Whether {@code value} is what a Spark row holds in a column of this type. */
  boolean holds(Object value) {
    return sparkValue.isInstance(value);
  }
}
