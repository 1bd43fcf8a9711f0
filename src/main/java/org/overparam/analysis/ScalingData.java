package org.overparam.analysis;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.overparam.config.ConfigException;

/**
 * The points of a scaling fit read from a table: model size N, optionally data size D, and loss
 * L, one row each. The table is a CSV file with a header row, a Parquet file, or a folder of
 * Parquet files (read recursively; names starting with '.' or '_' are skipped). Every value must
 * be a finite number > 0; anything else is a {@link ConfigException} naming the file and column.
 *
 * @param source the file or folder read
 * @param n model sizes
 * @param d data sizes, or null when no data column was asked for
 * @param loss losses
 */
public record ScalingData(String source, double[] n, double[] d, double[] loss) {
  private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};

  public ScalingData {
    if (n.length != loss.length || (d != null && d.length != loss.length)) {
      throw new IllegalArgumentException(source + ": columns differ in length");
    }
  }

  /**
   * Reads columns {@code nCol}, {@code dCol} (null: none) and {@code lossCol} of {@code path}.
   *
   * @throws ConfigException when the file or a column is missing or a value is unusable
   */
  public static ScalingData read(Path path, String nCol, String dCol, String lossCol) {
    return read(path, nCol, dCol, lossCol, Integer.MAX_VALUE);
  }

  /**
   * {@link #read(Path, String, String, String)}, refusing a table of more than {@code maxRows}
   * rows as soon as it reads one row too many.
   *
   * @throws ConfigException as there, and for a table over {@code maxRows} rows
   */
  public static ScalingData read(Path path, String nCol, String dCol, String lossCol,
      int maxRows) {
    List<String> cols = new ArrayList<>(List.of(nCol, lossCol));
    if (dCol != null) {
      cols.add(1, dCol);
    }
    double[][] v;
    if (Files.isDirectory(path)) {
      v = readParquetFolder(path, cols, maxRows);
    } else if (!Files.isRegularFile(path)) {
      throw new ConfigException(path + ": no such file");
    } else if (isParquet(path)) {
      v = readParquet(path, cols, new int[] {maxRows, maxRows});
    } else if (path.getFileName().toString().toLowerCase().endsWith(".parquet")) {
      throw new ConfigException(path + ": not a Parquet file (no PAR1 header)");
    } else {
      v = readCsv(path, cols, maxRows);
    }
    for (int k = 0; k < cols.size(); k++) {
      positive(path, cols.get(k), v[k]);
    }
    return new ScalingData(path.toString(), v[0], dCol == null ? null : v[1], v[v.length - 1]);
  }

  /** Number of points. */
  public int size() {
    return loss.length;
  }

  /**
   * These points less the {@code k} with the highest loss (Besiroglu et al. drop the 5 highest
   * of Chinchilla's Figure 4); the others keep their order.
   */
  public ScalingData withoutHighestLoss(int k) {
    if (k < 0 || k >= loss.length) {
      throw new ConfigException(source + ": cannot exclude " + k + " of " + loss.length
          + " points");
    }
    Integer[] order = new Integer[loss.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -loss[i]));
    boolean[] drop = new boolean[loss.length];
    for (int i = 0; i < k; i++) {
      drop[order[i]] = true;
    }
    int[] keep = java.util.stream.IntStream.range(0, loss.length).filter(i -> !drop[i]).toArray();
    return new ScalingData(source, pick(n, keep), d == null ? null : pick(d, keep),
        pick(loss, keep));
  }

  // ---- CSV

  private static ConfigException tooMany(Path file, int maxRows) {
    return new ConfigException(file + ": more than " + maxRows + " data rows; a scaling fit "
        + "takes at most " + maxRows + " (fit a sample)");
  }

  private static double[][] readCsv(Path file, List<String> cols, int maxRows) {
    List<String[]> rows = new ArrayList<>();
    CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
        .enable(CsvParser.Feature.TRIM_SPACES);
    try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(
        file.toFile())) {
      while (it.hasNextValue()) {
        rows.add(it.nextValue());
        if (rows.size() - 1 > maxRows) {
          throw tooMany(file, maxRows);
        }
      }
    } catch (ConfigException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(file + ": not a readable CSV file: " + firstLine(e));
    }
    if (rows.isEmpty()) {
      throw new ConfigException(file + ": empty; expected a CSV header row and data rows");
    }
    List<String> header = Arrays.asList(rows.get(0));
    double[][] out = new double[cols.size()][rows.size() - 1];
    for (int k = 0; k < cols.size(); k++) {
      String col = cols.get(k);
      int idx = header.indexOf(col);
      if (idx < 0) {
        throw new ConfigException(file + ": no column '" + col + "' (columns: "
            + String.join(", ", header) + ")");
      }
      for (int r = 1; r < rows.size(); r++) {
        String[] row = rows.get(r);
        String cell = idx < row.length ? row[idx] : "";
        try {
          out[k][r - 1] = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
          throw new ConfigException(file + ": column '" + col + "', data row " + r + ": '" + cell
              + "' is not a number");
        }
      }
    }
    return out;
  }

  // ---- Parquet

  private static boolean isParquet(Path file) {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(head, 0, 4) == 4 && Arrays.equals(head, PARQUET_MAGIC);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
  }

  private static double[][] readParquetFolder(Path dir, List<String> cols, int maxRows) {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith(".")
              && !p.getFileName().toString().startsWith("_")
              && p.getFileName().toString().endsWith(".parquet"))
          .sorted().toList();
    } catch (IOException e) {
      throw new ConfigException(dir + ": cannot list: " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new ConfigException(dir + ": folder holds no .parquet files");
    }
    List<double[][]> parts = new ArrayList<>();
    int[] left = {maxRows, maxRows};
    for (Path f : files) {
      parts.add(readParquet(f, cols, left));
    }
    double[][] out = new double[cols.size()][];
    for (int k = 0; k < cols.size(); k++) {
      final int kk = k;
      out[k] = parts.stream().flatMapToDouble(p -> Arrays.stream(p[kk])).toArray();
    }
    return out;
  }

  /**
   * Reads a Parquet file; {@code left[0]}: rows still allowed, decreased by those read;
   * {@code left[1]}: the limit, for the message.
   */
  private static double[][] readParquet(Path file, List<String> cols, int[] left) {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri());
    // Check the schema first, so a wrong column is named before any row is read.
    MessageType schema;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, conf))) {
      schema = r.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(file + ": not a readable Parquet file: " + firstLine(e));
    }
    List<Type> fields = new ArrayList<>();
    for (String col : cols) {
      fields.add(numericField(file, schema, col));
    }
    // Read only the columns asked for.
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), fields)
        .toString());
    List<double[]> rows = new ArrayList<>();
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), p).withConf(conf)
        .build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        double[] row = new double[cols.size()];
        for (int k = 0; k < cols.size(); k++) {
          row[k] = value(file, g, fields.get(k), rows.size() + 1);
        }
        rows.add(row);
        if (--left[0] < 0) {
          throw tooMany(file, left[1]);
        }
      }
    } catch (IOException | org.apache.parquet.io.ParquetDecodingException e) {
      throw new ConfigException(file + ": not a readable Parquet file: " + firstLine(e));
    }
    double[][] out = new double[cols.size()][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int k = 0; k < cols.size(); k++) {
        out[k][i] = rows.get(i)[k];
      }
    }
    return out;
  }

  private static Type numericField(Path file, MessageType schema, String col) {
    if (!schema.containsField(col)) {
      throw new ConfigException(file + ": no column '" + col + "' (columns: " + String.join(", ",
          schema.getFields().stream().map(Type::getName).toList()) + ")");
    }
    Type t = schema.getType(col);
    boolean numeric = t.isPrimitive() && !t.isRepetition(Type.Repetition.REPEATED)
        && switch (t.asPrimitiveType().getPrimitiveTypeName()) {
          case INT32, INT64, FLOAT, DOUBLE -> true;
          default -> false;
        }
        && (t.getLogicalTypeAnnotation() == null
            || t.getLogicalTypeAnnotation() instanceof IntLogicalTypeAnnotation);
    if (!numeric) {
      throw new ConfigException(file + ": column '" + col + "' is " + t.toString().trim()
          + "; expected a number (int32, int64, float or double)");
    }
    return t;
  }

  private static double value(Path file, Group g, Type t, int row) {
    int idx = g.getType().getFieldIndex(t.getName());
    if (g.getFieldRepetitionCount(idx) == 0) {
      throw new ConfigException(file + ": column '" + t.getName() + "', row " + row
          + ": null");
    }
    PrimitiveType.PrimitiveTypeName kind = t.asPrimitiveType().getPrimitiveTypeName();
    return switch (kind) {
      case INT32 -> g.getInteger(idx, 0);
      case INT64 -> g.getLong(idx, 0);
      case FLOAT -> g.getFloat(idx, 0);
      case DOUBLE -> g.getDouble(idx, 0);
      default -> throw new IllegalStateException("unchecked type " + kind);
    };
  }

  // ---- checks

  private static void positive(Path file, String col, double[] v) {
    if (v.length == 0) {
      throw new ConfigException(file + ": no data rows");
    }
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] > 0) || Double.isInfinite(v[i])) {
        throw new ConfigException(file + ": column '" + col + "', data row " + (i + 1) + ": "
            + v[i] + "; values must be finite and > 0");
      }
    }
  }

  private static double[] pick(double[] x, int[] rows) {
    return Arrays.stream(rows).mapToDouble(i -> x[i]).toArray();
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
