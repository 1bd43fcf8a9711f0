package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads Parquet files written by parquet-hadoop (every list layout and numbered columns) and by
 * DuckDB, an independent writer, and names the column of every bad one.
 */
class ParquetExamplesReaderTest {
  @TempDir
  Path tmp;

  /** A list column in the standard three-level layout, as pyarrow and Spark write it. */
  static final String LIST3 = """
      message m {
        required int64 y;
        optional group x (LIST) { repeated group list { optional double element; } }
      }""";

  @Test
  void readsAListColumnOfEachLayout() throws IOException {
    Path three = write("three.parquet", LIST3, 3, (i, g) -> {
      g.append("y", (long) (i % 2));
      Group list = g.addGroup("x").addGroup("list");
      list.append("element", i + 0.5);
      g.getGroup("x", 0).addGroup("list").append("element", i + 0.25);
    });
    Examples ex = ParquetExamplesReader.read(three, "x", "y", 2, 2);
    assertThat(ex.features()).containsExactly(0.5f, 0.25f, 1.5f, 1.25f, 2.5f, 2.25f);
    assertThat(ex.labels()).containsExactly(0, 1, 0);

    Path two = write("two.parquet", """
        message m {
          required int32 label;
          optional group feats (LIST) { repeated float array; }
        }""", 2, (i, g) -> {
          g.append("label", 2 - i);
          Group list = g.addGroup("feats");
          list.append("array", (float) i).append("array", (float) -i).append("array", 7f);
        });
    ex = ParquetExamplesReader.read(two, "feats", "label", 3, 3);
    assertThat(ex.features()).containsExactly(0f, 0f, 7f, 1f, -1f, 7f);
    assertThat(ex.labels()).containsExactly(2, 1);

    Path bare = write("bare.parquet", "message m { repeated int32 x; required int64 y; }", 2,
        (i, g) -> g.append("x", 10 * i).append("x", 10 * i + 1).append("y", 1L));
    ex = ParquetExamplesReader.read(bare, "x", "y", 2, 2);
    assertThat(ex.features()).containsExactly(0f, 1f, 10f, 11f);
  }

  @Test
  void ordersNumberedColumnsByTheirNumberFromZeroOrOne() throws IOException {
    // Written out of order, and x10 sorts before x2 as text.
    Path f = write("cols.parquet", """
        message m {
          required double x10; required int32 y; required double x2; required float x0;
          required double x1; required int64 x3; required double x4; required double x5;
          required double x6; required double x7; required double x8; required double x9;
        }""", 2, (i, g) -> {
          g.append("y", i);
          g.append("x0", (float) (100 * i));
          g.append("x3", 100L * i + 3);
          for (int k : new int[] {1, 2, 4, 5, 6, 7, 8, 9, 10}) {
            g.append("x" + k, 100.0 * i + k);
          }
        });
    Examples ex = ParquetExamplesReader.read(f, "x", "y", 11, 2);
    float[] row1 = Arrays.copyOfRange(ex.features(), 11, 22);
    assertThat(row1).containsExactly(100f, 101f, 102f, 103f, 104f, 105f, 106f, 107f, 108f, 109f,
        110f);

    Path pixels = write("pixels.parquet", """
        message m { required int32 label; required int32 pixel1; required int32 pixel2; }""",
        1, (i, g) -> g.append("label", 0).append("pixel1", 255).append("pixel2", 3));
    ex = ParquetExamplesReader.read(pixels, "pixel", "label", 2, 10);
    assertThat(ex.features()).containsExactly(255f, 3f);
  }

  @Test
  void readsWhatDuckDbWrites() throws Exception {
    Path lists = tmp.resolve("duck-lists.parquet");
    Path arrays = tmp.resolve("duck-arrays.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      c.createStatement().execute("copy (select range::int as y, [range * 1.0, range + 0.5]::"
          + "double[] as x from range(4)) to '" + lists + "' (format parquet)");
      c.createStatement().execute("copy (select (range % 3)::tinyint as y, [range, -range, 1]::"
          + "float[3] as x from range(3)) to '" + arrays + "' (format parquet)");
    }
    Examples ex = ParquetExamplesReader.read(lists, "x", "y", 2, 4);
    assertThat(ex.features()).containsExactly(0f, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f, 3.5f);
    assertThat(ex.labels()).containsExactly(0, 1, 2, 3);
    ex = ParquetExamplesReader.read(arrays, "x", "y", 3, 3);
    assertThat(ex.features()).containsExactly(0f, 0f, 1f, 1f, -1f, 1f, 2f, -2f, 1f);
    assertThat(ex.labels()).containsExactly(0, 1, 2);
  }

  @Test
  void namesTheFileAndColumnOfEveryBadInput() throws Exception {
    Path good = write("good.parquet", LIST3, 3, (i, g) -> {
      g.append("y", (long) i);
      g.addGroup("x").addGroup("list").append("element", 1.0);
    });
    assertThat(bad(good, "x", "label", 1, 3)).isEqualTo("data file " + good
        + ": no column 'label' for the labels (columns: y, x)");
    assertThat(bad(good, "z", "y", 1, 3)).isEqualTo("data file " + good
        + ": no column 'z' nor numbered columns z0, z1, ... for the features (columns: y, x)");
    assertThat(bad(good, "x", "y", 2, 3)).isEqualTo("data file " + good
        + ": column 'x', row 0 (from 0): 1 values; dataset.input_dim is 2");
    assertThat(bad(good, "x", "y", 1, 2)).isEqualTo("data file " + good
        + ": column 'y', row 2 (from 0) is label 2, outside 0..1 (dataset.classes is 2)");

    Path ragged = write("ragged.parquet", LIST3, 2, (i, g) -> {
      g.append("y", 0L);
      Group x = g.addGroup("x");
      for (int k = 0; k <= i; k++) {
        x.addGroup("list").append("element", 1.0);
      }
    });
    assertThat(bad(ragged, "x", "y", 1, 2)).isEqualTo("data file " + ragged
        + ": column 'x', row 1 (from 0): 2 values; dataset.input_dim is 1 (the lists are ragged)");

    Path nullRow = write("nullrow.parquet", LIST3, 2, (i, g) -> {
      g.append("y", 0L);
      if (i == 0) {
        g.addGroup("x").addGroup("list").append("element", 1.0);
      }
    });
    assertThat(bad(nullRow, "x", "y", 1, 2)).contains("column 'x', row 1 (from 0): null");

    Path nullValue = write("nullvalue.parquet", LIST3, 1, (i, g) -> {
      g.append("y", 0L);
      g.addGroup("x").addGroup("list");
    });
    assertThat(bad(nullValue, "x", "y", 1, 2)).contains("column 'x', row 0 (from 0), value 0: "
        + "null");

    Path nan = write("nan.parquet", LIST3, 2, (i, g) -> {
      g.append("y", 0L);
      g.addGroup("x").addGroup("list").append("element", i == 1 ? Double.NaN : 0.0);
    });
    assertThat(bad(nan, "x", "y", 1, 2)).isEqualTo("data file " + nan + ": column 'x', row 1 "
        + "(from 0), value 0 is NaN; features must be finite numbers");

    Path doubleLabels = write("dlabels.parquet", "message m { required double y; required "
        + "double x0; }", 1, (i, g) -> g.append("y", 1.0).append("x0", 1.0));
    assertThat(bad(doubleLabels, "x", "y", 1, 2)).isEqualTo("data file " + doubleLabels
        + ": column 'y' is required double y; labels must be integers (class indices 0..1)");

    Path textFeatures = write("text.parquet", "message m { required int32 y; required binary x "
        + "(STRING); }", 1, (i, g) -> g.append("y", 0).append("x", "0.5"));
    assertThat(bad(textFeatures, "x", "y", 1, 2)).contains("column 'x' is required binary x "
        + "(STRING); features must be a list column of 1 numbers a row");

    Path gap = write("gap.parquet", "message m { required int32 y; required double x0; required "
        + "double x1; required double x3; }", 1,
        (i, g) -> g.append("y", 0).append("x0", 0.0).append("x1", 1.0).append("x3", 3.0));
    assertThat(bad(gap, "x", "y", 4, 2)).isEqualTo("data file " + gap
        + ": feature columns x0..x3 lack x2");
    assertThat(bad(write("few.parquet", "message m { required int32 y; required double x1; }",
        1, (i, g) -> g.append("y", 0).append("x1", 0.0)), "x", "y", 2, 2))
        .contains(": 1 feature columns x1..x1; dataset.input_dim is 2");

    Path nullColumn = write("nullcol.parquet", "message m { required int32 y; optional double "
        + "x0; optional double x1; }", 2, (i, g) -> {
          g.append("y", 0).append("x0", 1.0);
          if (i == 0) {
            g.append("x1", 1.0);
          }
        });
    assertThat(bad(nullColumn, "x", "y", 2, 2)).contains("column 'x1', row 1 (from 0): null");

    Path notParquet = Files.writeString(tmp.resolve("t.parquet"), "y,x0\n0,1\n");
    assertThat(bad(notParquet, "x", "y", 1, 2)).startsWith("data file " + notParquet
        + ": not a readable Parquet file");
    byte[] all = Files.readAllBytes(good);
    Path cut = Files.write(tmp.resolve("cut.parquet"), Arrays.copyOf(all, all.length - 20));
    assertThat(bad(cut, "x", "y", 1, 3)).startsWith("data file " + cut
        + ": not a readable Parquet file");
    Path empty = write("empty.parquet", LIST3, 0, (i, g) -> {});
    assertThat(bad(empty, "x", "y", 1, 3)).isEqualTo("data file " + empty + ": holds no rows");
  }

  /** Writes {@code rows} rows of {@code schema}, each filled by {@code fill(i, group)}. */
  private Path write(String name, String schema, int rows, BiConsumer<Integer, Group> fill)
      throws IOException {
    Path file = tmp.resolve(name);
    MessageType type = MessageTypeParser.parseMessageType(schema);
    Configuration conf = new Configuration();
    SimpleGroupFactory groups = new SimpleGroupFactory(type);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
            new org.apache.hadoop.fs.Path(file.toUri()), conf))
        .withConf(conf).withType(type).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup();
        fill.accept(i, g);
        w.write(g);
      }
    }
    return file;
  }

  private static String bad(Path file, String x, String y, int dim, int classes) {
    Throwable t = catchThrowable(() -> ParquetExamplesReader.read(file, x, y, dim, classes));
    assertThat(t).isInstanceOf(DataException.class);
    assertThat(t.getMessage()).doesNotContain("\n");
    return t.getMessage();
  }
}
