package org.overparam.analysis;

import static org.overparam.results.Columns.STATUS;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.overparam.config.ConfigException;
import org.overparam.results.Column;
import org.overparam.results.ColumnType;
import org.overparam.results.ResultsLayout;

/**
 * Parquet inputs checked by their footers, before Spark reads them: the files of a table folder,
 * and each file's columns against those analysis needs (present, of a kind that casts to theirs).
 */
final class ParquetFooters {
  private ParquetFooters() {}

  /**
   * The {@code *.parquet} files under a table folder (or its {@code experiment=} folder), in path
   * order; hidden and {@code _} files skipped. A missing folder, or a metrics folder without
   * files, is an error.
   */
  static List<Path> parquetFiles(Path table, String experiment, Configuration conf) {
    Path dir = experiment == null ? table
        : new Path(table, ResultsLayout.PARTITION + "=" + experiment);
    if (!exists(dir, conf)) {
      throw new ConfigException(experiment == null
          ? "metrics table " + table + ": not found (run overparam train first, or give "
              + "--metrics-csv)"
          : "metrics table " + table + ": no experiment '" + experiment + "' there");
    }
    List<Path> out = new ArrayList<>();
    try {
      FileSystem fs = dir.getFileSystem(conf);
      collect(fs, dir, out);
      out.sort(null);
    } catch (IOException e) {
      throw new ConfigException("metrics table " + dir + ": cannot list: " + e.getMessage());
    }
    if (out.isEmpty() && table.getName().equals(ResultsLayout.METRICS)) {
      throw new ConfigException("metrics table " + dir + ": holds no Parquet files");
    }
    return out;
  }

  private static void collect(FileSystem fs, Path dir, List<Path> out) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (st.isDirectory()) {
        collect(fs, st.getPath(), out);
      } else if (name.endsWith(".parquet")) {
        out.add(st.getPath());
      }
    }
  }

  /**
   * Checks every file's columns, footers read in parallel (a results store holds one file per
   * run); the first bad file in path order is reported. Returns whether all have a
   * {@code status} column.
   */
  static boolean checkAll(List<Path> files, List<Column> need, String table,
      Configuration conf) {
    List<Object> outcomes = files.parallelStream().map(f -> {
      try {
        return (Object) checkFile(f, need, table, conf);
      } catch (ConfigException e) {
        return e;
      }
    }).toList();
    boolean all = true;
    for (Object o : outcomes) {
      if (o instanceof ConfigException e) {
        throw e;
      }
      all &= (Boolean) o;
    }
    return all;
  }

  /** Checks one file's columns; returns whether it has a {@code status} column. */
  private static boolean checkFile(Path file, List<Column> need, String table,
      Configuration conf) {
    MessageType schema;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      schema = r.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(table + " file " + file + ": not a readable Parquet file ("
          + firstLine(e.getMessage()) + ")");
    }
    return checkSchema(schema, file, need, table);
  }

  /** Checks one file's schema; returns whether it has a {@code status} column. */
  static boolean checkSchema(MessageType schema, Path file, List<Column> need, String table) {
    for (Column c : need) {
      if (!schema.containsField(c.name())) {
        throw new ConfigException(table + " file " + file + ": missing column " + c.name());
      }
      Type t = schema.getType(c.name());
      if (!t.isPrimitive() || !fits(t.asPrimitiveType().getPrimitiveTypeName(), c.type())) {
        throw new ConfigException(table + " file " + file + ": column " + c.name() + " is "
            + (t.isPrimitive() ? t.asPrimitiveType().getPrimitiveTypeName() : "a group")
            + ", expected " + c.type().docName());
      }
    }
    return schema.containsField(STATUS.name());
  }

  /** Whether a file's column of type {@code t} can be read as {@code want} (widening casts). */
  private static boolean fits(PrimitiveTypeName t, ColumnType want) {
    return switch (want) {
      case STRING -> t == PrimitiveTypeName.BINARY;
      case INT, LONG -> t == PrimitiveTypeName.INT32 || t == PrimitiveTypeName.INT64;
      case DOUBLE -> t == PrimitiveTypeName.DOUBLE || t == PrimitiveTypeName.FLOAT
          || t == PrimitiveTypeName.INT32 || t == PrimitiveTypeName.INT64;
      case BOOLEAN, TIMESTAMP -> t == want.parquet();
    };
  }

  static boolean exists(Path p, Configuration conf) {
    try {
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new ConfigException(p + ": cannot read: " + e.getMessage());
    }
  }

  private static String firstLine(String s) {
    return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
  }
}
