package org.overparam.results;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * One column of the tables overparam writes: its name, its type and what it holds, in one line.
 * Every column is declared once, in {@link Columns}; a column that several tables hold (run_id,
 * label_noise, width...) is the same declaration in each (see {@link Catalog}).
 *
 * @param name the column's name in every file and schema
 * @param type its type
 * @param doc what it holds, one line
 * @param optional whether the results tables may leave it null (an optional Parquet column);
 *     their other columns are required. The analysis tables' columns are all nullable.
 */
public record Column(String name, ColumnType type, String doc, boolean optional) {
  /** A column the results tables always fill. */
  public Column(String name, ColumnType type, String doc) {
    this(name, type, doc, false);
  }

  /** A column the results tables leave null where it does not apply. */
  public static Column optional(String name, ColumnType type, String doc) {
    return new Column(name, type, doc, true);
  }

  public Column {
    if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("column name '" + name + "': lower case, digits, _");
    }
    if (type == null) {
      throw new IllegalArgumentException("column " + name + ": no type");
    }
    if (doc == null || doc.isBlank() || doc.contains("\n")) {
      throw new IllegalArgumentException("column " + name + ": needs a one-line doc");
    }
  }

  /** A nullable Spark field of this column, as the analysis tables are written. */
  public StructField sparkField() {
    return DataTypes.createStructField(name, type.spark(), true);
  }

  @Override
  public String toString() {
    return name + " " + type.docName();
  }
}
