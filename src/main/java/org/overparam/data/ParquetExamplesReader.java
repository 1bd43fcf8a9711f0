package org.overparam.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Reads labelled examples from a Parquet file, one example a row. The features are either one
 * column of lists (Parquet's LIST of numbers, as pyarrow, pandas, DuckDB and Spark write an
 * array column, or a bare repeated number column) or numbered numeric columns ({@code x0, x1,
 * ...}, ordered by their number, which may start at 0 or 1); the labels are an integer column.
 * The schema is checked before any row is read, and only the columns needed are read.
 */
public final class ParquetExamplesReader {
  private ParquetExamplesReader() {}

  /** How a row holds its features. */
  private enum Layout {
    /** One numeric column per feature. */
    COLUMNS,
    /** {@code repeated double x}: the column's values are the list. */
    REPEATED,
    /** {@code group x (LIST) { repeated double element }}: two-level list. */
    LIST2,
    /** {@code group x (LIST) { repeated group list { optional double element } }}. */
    LIST3
  }

  /**
   * The examples of {@code file}: features from column {@code features} (a list of {@code
   * inputDim} numbers a row) or from the {@code inputDim} numbered columns it prefixes, labels
   * from integer column {@code labels}, in {@code 0 .. classes-1}. Every failure is a one-line
   * {@link DataException} naming the file and column.
   */
  public static Examples read(Path file, String features, String labels, int inputDim,
      int classes) {
    String where = "data file " + file;
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri());
    MessageType schema;
    long rows;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, conf))) {
      schema = r.getFooter().getFileMetaData().getSchema();
      rows = r.getRecordCount();
    } catch (IOException | RuntimeException e) {
      throw new DataException(where + ": not a readable Parquet file (" + firstLine(e) + ")");
    }
    Type label = labelColumn(where, schema, labels, classes);
    List<Type> columns = new ArrayList<>();
    Layout layout = featureColumns(where, schema, features, inputDim, columns);
    PrimitiveTypeName kind = element(columns.get(0), layout).getPrimitiveTypeName();
    if (rows == 0) {
      throw new DataException(where + ": holds no rows");
    }
    if (rows * inputDim > Integer.MAX_VALUE - 8) {
      throw new DataException(where + ": " + rows + " rows of " + inputDim + " features exceed "
          + "one array; use a smaller file");
    }
    List<Type> read = new ArrayList<>(columns);
    read.add(label);
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), read)
        .toString());
    float[] x = new float[(int) (rows * inputDim)];
    int[] y = new int[(int) rows];
    int row = 0;
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), p).withConf(conf)
        .build()) {
      for (Group g = r.read(); g != null; g = r.read(), row++) {
        if (row >= rows) {
          throw new DataException(where + ": holds more rows than its footer counts (" + rows
              + ")");
        }
        readFeatures(where, g, layout, columns, kind, features, inputDim, row, x);
        y[row] = readLabel(where, g, label, classes, row);
      }
    } catch (IOException | ParquetDecodingException e) {
      throw new DataException(where + ": not a readable Parquet file (" + firstLine(e) + ")");
    }
    if (row != rows) {
      throw new DataException(where + ": holds " + row + " rows where its footer counts " + rows);
    }
    return new Examples(x, y, inputDim, classes);
  }

  private static Type labelColumn(String where, MessageType schema, String name, int classes) {
    if (!schema.containsField(name)) {
      throw new DataException(where + ": no column '" + name + "' for the labels (columns: "
          + names(schema) + ")");
    }
    Type t = schema.getType(name);
    boolean integer = t.isPrimitive() && !t.isRepetition(Type.Repetition.REPEATED)
        && plainNumber(t.asPrimitiveType())
        && switch (t.asPrimitiveType().getPrimitiveTypeName()) {
          case INT32, INT64 -> true;
          default -> false;
        };
    if (!integer) {
      throw new DataException(where + ": column '" + name + "' is " + t.toString().trim()
          + "; labels must be integers (class indices 0.." + (classes - 1) + ")");
    }
    return t;
  }

  /**
   * The columns that hold the features (one for a list, else the numbered ones in order) and
   * how; the features' shape is checked here against {@code inputDim} where the schema tells
   * it (numbered columns), else on the first row.
   */
  private static Layout featureColumns(String where, MessageType schema, String name,
      int inputDim, List<Type> out) {
    if (schema.containsField(name)) {
      Type t = schema.getType(name);
      Layout layout = listLayout(t);
      if (layout == null && t.isPrimitive() && inputDim == 1) {
        layout = Layout.COLUMNS; // one feature: a plain number column
      }
      if (layout == null || !plainNumber(element(t, layout))) {
        throw new DataException(where + ": column '" + name + "' is " + t.toString().trim()
            + "; features must be a list column of " + inputDim + " numbers a row, or "
            + "numbered number columns " + name + "0, " + name + "1, ...");
      }
      out.add(t);
      return layout;
    }
    Pattern numbered = Pattern.compile(Pattern.quote(name) + "(0|[1-9][0-9]*)");
    Map<Long, Type> byNumber = new TreeMap<>();
    for (Type t : schema.getFields()) {
      Matcher m = numbered.matcher(t.getName());
      if (m.matches() && m.group(1).length() < 10) {
        byNumber.put(Long.parseLong(m.group(1)), t);
      }
    }
    if (byNumber.isEmpty()) {
      throw new DataException(where + ": no column '" + name + "' nor numbered columns " + name
          + "0, " + name + "1, ... for the features (columns: " + names(schema) + ")");
    }
    long first = byNumber.keySet().iterator().next();
    long last = first;
    for (long k : byNumber.keySet()) {
      if (k != last && k != last + 1) {
        throw new DataException(where + ": feature columns " + name + first + ".." + name
            + k + " lack " + name + (last + 1));
      }
      last = k;
    }
    if (first > 1) {
      throw new DataException(where + ": feature columns start at " + name + first + "; they "
          + "must be numbered from 0 or 1");
    }
    if (byNumber.size() != inputDim) {
      throw new DataException(where + ": " + byNumber.size() + " feature columns " + name
          + first + ".." + name + last + "; dataset.input_dim is " + inputDim);
    }
    for (Type t : byNumber.values()) {
      if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)
          || !plainNumber(t.asPrimitiveType())) {
        throw new DataException(where + ": column '" + t.getName() + "' is "
            + t.toString().trim() + "; features must be numbers");
      }
    }
    byNumber.values().stream().sorted(Comparator.comparingLong(t -> number(name, t)))
        .forEach(out::add);
    return Layout.COLUMNS;
  }

  private static long number(String prefix, Type t) {
    return Long.parseLong(t.getName().substring(prefix.length()));
  }

  /** The layout of a list column, or null if {@code t} is none. */
  private static Layout listLayout(Type t) {
    if (t.isPrimitive()) {
      return t.isRepetition(Type.Repetition.REPEATED) ? Layout.REPEATED : null;
    }
    GroupType g = t.asGroupType();
    if (!(g.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)
        || g.getFieldCount() != 1 || !g.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      return null;
    }
    Type inner = g.getType(0);
    if (inner.isPrimitive()) {
      return Layout.LIST2;
    }
    GroupType ig = inner.asGroupType();
    return ig.getFieldCount() == 1 && ig.getType(0).isPrimitive()
        && !ig.getType(0).isRepetition(Type.Repetition.REPEATED) ? Layout.LIST3 : null;
  }

  /** The primitive type of one feature value of column {@code t}. */
  private static PrimitiveType element(Type t, Layout layout) {
    return switch (layout) {
      case COLUMNS, REPEATED -> t.asPrimitiveType();
      case LIST2 -> t.asGroupType().getType(0).asPrimitiveType();
      case LIST3 -> t.asGroupType().getType(0).asGroupType().getType(0).asPrimitiveType();
    };
  }

  /** An int32, int64, float or double that is a plain number (no date, decimal, time...). */
  private static boolean plainNumber(PrimitiveType t) {
    return switch (t.getPrimitiveTypeName()) {
      case INT32, INT64, FLOAT, DOUBLE -> t.getLogicalTypeAnnotation() == null
          || t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation;
      default -> false;
    };
  }

  private static void readFeatures(String where, Group g, Layout layout, List<Type> columns,
      PrimitiveTypeName kind, String name, int inputDim, int row, float[] x) {
    int base = row * inputDim;
    if (layout == Layout.COLUMNS) {
      for (int j = 0; j < inputDim; j++) {
        Type t = columns.get(j);
        int f = g.getType().getFieldIndex(t.getName());
        if (g.getFieldRepetitionCount(f) == 0) {
          throw new DataException(where + ": column '" + t.getName() + "', row " + row
              + " (from 0): null; every feature needs a number");
        }
        x[base + j] = feature(where, t.getName(), row, -1, number(g, f, 0,
            t.asPrimitiveType().getPrimitiveTypeName()));
      }
      return;
    }
    int f = g.getType().getFieldIndex(name);
    Group list = null;
    int count;
    if (layout == Layout.REPEATED) {
      count = g.getFieldRepetitionCount(f);
    } else {
      if (g.getFieldRepetitionCount(f) == 0) {
        throw new DataException(where + ": column '" + name + "', row " + row
            + " (from 0): null; every example needs " + inputDim + " features");
      }
      list = g.getGroup(f, 0);
      count = list.getFieldRepetitionCount(0);
    }
    if (count != inputDim) {
      throw new DataException(where + ": column '" + name + "', row " + row + " (from 0): "
          + count + " values; dataset.input_dim is " + inputDim
          + (row > 0 ? " (the lists are ragged)" : ""));
    }
    for (int j = 0; j < inputDim; j++) {
      double v;
      if (layout == Layout.REPEATED) {
        v = number(g, f, j, kind);
      } else if (layout == Layout.LIST2) {
        v = number(list, 0, j, kind);
      } else {
        Group element = list.getGroup(0, j);
        if (element.getFieldRepetitionCount(0) == 0) {
          throw new DataException(where + ": column '" + name + "', row " + row
              + " (from 0), value " + j + ": null; every feature needs a number");
        }
        v = number(element, 0, 0, kind);
      }
      x[base + j] = feature(where, name, row, j, v);
    }
  }

  /** Feature {@code j} of a list column's row (-1: the whole column is one feature). */
  private static float feature(String where, String column, int row, int j, double v) {
    if (!ExampleChecks.fitsFloat(v)) {
      throw ExampleChecks.badFeature(where + ": column '" + column + "', row " + row
          + " (from 0)" + (j < 0 ? "" : ", value " + j), v);
    }
    return (float) v;
  }

  private static int readLabel(String where, Group g, Type label, int classes, int row) {
    int f = g.getType().getFieldIndex(label.getName());
    if (g.getFieldRepetitionCount(f) == 0) {
      throw new DataException(where + ": column '" + label.getName() + "', row " + row
          + " (from 0): null; every example needs a label");
    }
    long v = label.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT32
        ? g.getInteger(f, 0) : g.getLong(f, 0);
    boolean unsigned = label.getLogicalTypeAnnotation()
        instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned();
    if (unsigned && label.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT32) {
      v &= 0xffffffffL;
    }
    if (v < 0 || v >= classes) {
      throw ExampleChecks.badLabel(where + ": column '" + label.getName() + "', row " + row
          + " (from 0)", v, classes);
    }
    return (int) v;
  }

  private static double number(Group g, int field, int index, PrimitiveTypeName kind) {
    return switch (kind) {
      case INT32 -> g.getInteger(field, index);
      case INT64 -> g.getLong(field, index);
      case FLOAT -> g.getFloat(field, index);
      case DOUBLE -> g.getDouble(field, index);
      default -> throw new IllegalStateException("unchecked type " + kind);
    };
  }

  private static String names(MessageType schema) {
    return String.join(", ", schema.getFields().stream().map(Type::getName).toList());
  }

  private static String firstLine(Throwable e) {
    String s = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
