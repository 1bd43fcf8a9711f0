package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.overparam.config.DatasetConfig;

/** The unit of the scaling section's losses follows the runs' data sources. */
class ScalingUnitTest {
  static final StructType SCHEMA = new StructType().add("data", DataTypes.StringType);

  static List<Row> runs(String... data) {
    return java.util.Arrays.stream(data)
        .map(d -> (Row) new GenericRowWithSchema(new Object[] {d}, SCHEMA)).toList();
  }

  static String text(String tokens) {
    return new DatasetConfig.Text("data/kjv.txt", 16, 0.1, 4096, tokens).describe();
  }

  @Test
  void characterTokensAreBitsPerCharacterAndByteTokensBitsPerByte() {
    ScalingSection.Unit chars = ScalingSection.Unit.of(runs(text("char"), text(null)));
    assertThat(chars.name()).isEqualTo("bits per character");
    assertThat(chars.tokens()).isEqualTo("characters");
    ScalingSection.Unit bytes = ScalingSection.Unit.of(runs(text("byte"), text("byte")));
    assertThat(bytes.name()).isEqualTo("bits per byte");
    assertThat(bytes.tokens()).isEqualTo("bytes");
    assertThat(bytes.scale()).isEqualTo(1 / Math.log(2));
    assertThat(ScalingSection.Unit.of(runs(text("char"), text("byte"))).name())
        .isEqualTo("bits per token");
  }

  @Test
  void otherDataStaysInNats() {
    assertThat(ScalingSection.Unit.of(runs(text("byte"), "fashion-mnist:/x")))
        .isEqualTo(ScalingSection.Unit.NATS);
    assertThat(ScalingSection.Unit.of(runs())).isEqualTo(ScalingSection.Unit.NATS);
  }
}
