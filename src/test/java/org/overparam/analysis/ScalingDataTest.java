package org.overparam.analysis;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.ConfigException;

class ScalingDataTest {
  private static final MessageType SCHEMA = Types.buildMessage()
      .required(INT64).named("params")
      .required(DOUBLE).named("tokens")
      .optional(DOUBLE).named("loss")
      .required(BINARY).as(stringType()).named("run_id")
      .named("points");

  @TempDir
  Path dir;

  @Test
  void readsCsvColumnsByName() throws IOException {
    Path f = Files.writeString(dir.resolve("p.csv"),
        "loss,tokens,params\n3.5,1e9,1000\n3.0,2e9,2000\n2.5 , 4e9, 4000\n");
    ScalingData d = ScalingData.read(f, "params", "tokens", "loss");
    assertThat(d.n()).containsExactly(1000, 2000, 4000);
    assertThat(d.d()).containsExactly(1e9, 2e9, 4e9);
    assertThat(d.loss()).containsExactly(3.5, 3.0, 2.5);
    assertThat(ScalingData.read(f, "params", null, "loss").d()).isNull();
  }

  @Test
  void dropsTheHighestLossesKeepingOrder() throws IOException {
    Path f = Files.writeString(dir.resolve("p.csv"),
        "params,loss\n1,2.0\n2,9.0\n3,1.0\n4,7.0\n5,3.0\n");
    ScalingData d = ScalingData.read(f, "params", null, "loss").withoutHighestLoss(2);
    assertThat(d.n()).containsExactly(1, 3, 5);
    assertThat(d.loss()).containsExactly(2.0, 1.0, 3.0);
    assertThatThrownBy(() -> ScalingData.read(f, "params", null, "loss").withoutHighestLoss(5))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot exclude 5 of 5");
  }

  @Test
  void readsParquetFilesAndFolders() throws IOException {
    Path f = writeParquet(dir.resolve("a.parquet"), 3, 0);
    ScalingData d = ScalingData.read(f, "params", "tokens", "loss");
    assertThat(d.n()).containsExactly(1000, 2000, 3000);
    assertThat(d.d()).containsExactly(1e9, 2e9, 3e9);
    assertThat(d.loss()).containsExactly(4.0, 3.5, 3.0);
    writeParquet(dir.resolve("b.parquet"), 2, 10);
    Files.writeString(dir.resolve("_SUCCESS"), "");
    ScalingData both = ScalingData.read(dir, "params", null, "loss");
    assertThat(both.size()).isEqualTo(5);
    assertThat(both.n()).containsExactly(1000, 2000, 3000, 11000, 12000);
  }

  @Test
  void namesTheFileAndColumnOfEveryProblem() throws IOException {
    Path csv = Files.writeString(dir.resolve("p.csv"), "params,loss\n1,2\n2,x\n");
    assertThatThrownBy(() -> ScalingData.read(csv, "params", "tokens", "loss"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(csv + ": no column 'tokens' (columns: params, loss)");
    assertThatThrownBy(() -> ScalingData.read(csv, "params", null, "loss"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(csv + ": column 'loss', data row 2: 'x' is not a number");
    Path neg = Files.writeString(dir.resolve("n.csv"), "params,loss\n1,2\n-2,1\n");
    assertThatThrownBy(() -> ScalingData.read(neg, "params", null, "loss"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(neg + ": column 'params', data row 2: -2.0");
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(() -> ScalingData.read(missing, "params", null, "loss"))
        .isInstanceOf(ConfigException.class).hasMessage(missing + ": no such file");
    Path fake = Files.writeString(dir.resolve("fake.parquet"), "params,loss\n1,2\n");
    assertThatThrownBy(() -> ScalingData.read(fake, "params", null, "loss"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not a Parquet file");
    Path pq = writeParquet(dir.resolve("a.parquet"), 2, 0);
    assertThatThrownBy(() -> ScalingData.read(pq, "params", null, "run_id"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(pq + ": column 'run_id' is ")
        .hasMessageContaining("expected a number");
    assertThatThrownBy(() -> ScalingData.read(pq, "width", null, "loss"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(pq + ": no column 'width' (columns: params, tokens, loss, run_id)");
    Path nulls = writeParquet(dir.resolve("nulls.parquet"), 2, -1);
    assertThatThrownBy(() -> ScalingData.read(nulls, "params", null, "loss"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(nulls + ": column 'loss', row 2: null");
  }

  /** Rows i = 1..rows: params 1000 (i + offset), tokens 1e9 i, loss 4.5 - 0.5 i (null at the
   * last row when offset < 0). */
  private static Path writeParquet(Path file, int rows, int offset) throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
            new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
        .withType(SCHEMA).build()) {
      for (int i = 1; i <= rows; i++) {
        Group g = groups.newGroup()
            .append("params", 1000L * (i + Math.max(offset, 0)))
            .append("tokens", 1e9 * i)
            .append("run_id", "r" + i);
        if (!(offset < 0 && i == rows)) {
          g.append("loss", 4.5 - 0.5 * i);
        }
        w.write(g);
      }
    }
    return file;
  }
}
