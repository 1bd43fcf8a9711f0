package org.overparam.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's columns in file order, declared once in {@link Catalog}; both the Parquet schema
 * of the results tables and the Spark schema of the analysis tables are read off it.
 *
 * @param name the table's folder name ({@code <root>/<name>/} for the results tables,
 *     {@code <root>/analysis/<name>/} for the analysis tables)
 * @param columns its columns, in order; no two of one name
 */
public record Table(String name, List<Column> columns) {
  public Table {
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table " + name + ": no columns");
    }
    Set<String> names = new HashSet<>();
    for (Column c : columns) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("table " + name + ": column " + c.name() + " twice");
      }
    }
  }

  /** A table of {@code columns} and lists of columns, flattened in order. */
  public static Table of(String name, Object... columns) {
    List<Column> all = new ArrayList<>();
    for (Object o : columns) {
      if (o instanceof Column c) {
        all.add(c);
      } else if (o instanceof List<?> l) {
        l.forEach(c -> all.add((Column) c));
      } else {
        throw new IllegalArgumentException("table " + name + ": not a column: " + o);
      }
    }
    return new Table(name, all);
  }

  /** The column names, in order. */
  public List<String> names() {
    return columns.stream().map(Column::name).toList();
  }

  /** The position of {@code c} in the table, or -1. */
  public int indexOf(Column c) {
    return columns.indexOf(c);
  }

  /**
   * The schema parquet-java writes the table with: every column required but the
   * {@link Column#optional} ones.
   */
  public MessageType parquetSchema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : columns) {
      b.addField(c.optional() ? c.type().optionalParquetColumn(c.name())
          : c.type().parquetColumn(c.name()));
    }
    return b.named(name);
  }

  /** The schema Spark writes and reads the table with: every column nullable. */
  public StructType sparkSchema() {
    return DataTypes.createStructType(columns.stream().map(Column::sparkField).toList());
  }

  /**
   * Fails, naming the first difference, unless {@code schema} has exactly this table's columns
   * in order with their types (nullability aside): for tables that a Spark query computes.
   */
  public void check(StructType schema) {
    StructField[] f = schema.fields();
    for (int i = 0; i < Math.max(f.length, columns.size()); i++) {
      String have = i < f.length ? f[i].name() + " " + f[i].dataType().simpleString() : "none";
      String want = i < columns.size() ? columns.get(i).name() + " "
          + columns.get(i).type().spark().simpleString() : "none";
      if (!have.equals(want)) {
        throw new IllegalStateException("table " + name + ": column " + (i + 1) + " is " + have
            + ", declared " + want);
      }
    }
  }

  /** A new row of this table, built column by column. */
  public RowBuilder row() {
    return new RowBuilder(this);
  }

  @Override
  public String toString() {
    return name + columns;
  }

  /**
   * One row of a table, set by column in any order: a column the table lacks, one set twice or
   * a value of another type fails at once, and a row with a column left unset fails when built.
   * Null is a value (the column's "none"), and must be set like any other.
   */
  public static final class RowBuilder {
    private final Table table;
    private final Object[] values;
    private final boolean[] set;

    private RowBuilder(Table table) {
      this.table = table;
      this.values = new Object[table.columns.size()];
      this.set = new boolean[values.length];
    }

    /** Sets column {@code c} to {@code value} (null for none). */
    public RowBuilder set(Column c, Object value) {
      int i = table.indexOf(c);
      if (i < 0) {
        throw new IllegalArgumentException("table " + table.name + " has no column " + c);
      }
      if (set[i]) {
        throw new IllegalArgumentException("table " + table.name + ": column " + c.name()
            + " set twice");
      }
      if (value != null && !c.type().holds(value)) {
        throw new IllegalArgumentException("table " + table.name + ": column " + c + " given a "
            + value.getClass().getSimpleName() + " (" + value + ")");
      }
      values[i] = value;
      set[i] = true;
      return this;
    }

    /** Sets each of {@code cs} to null. */
    public RowBuilder none(Column... cs) {
      for (Column c : cs) {
        set(c, null);
      }
      return this;
    }

    /** The row, its values in the table's column order, with the table's schema. */
    public Row build() {
      for (int i = 0; i < set.length; i++) {
        if (!set[i]) {
          throw new IllegalStateException("table " + table.name + ": column "
              + table.columns.get(i).name() + " not set");
        }
      }
      return new GenericRowWithSchema(Arrays.copyOf(values, values.length),
          table.sparkSchema());
    }
  }
}
