package org.overparam.results;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MILLIS;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.overparam.testing.TestSpark;

/** Tables declared by column: their Parquet and Spark schemas, and rows built by column. */
class TableTest {
  static final Column WHEN = new Column("when", ColumnType.TIMESTAMP, "a time");
  static final Column OK = new Column("ok", ColumnType.BOOLEAN, "a flag");
  static final Table DEMO = Table.of("demo", Columns.RUN_ID, Columns.EPOCH, Columns.PARAMS,
      Columns.TEST_LOSS, OK, WHEN);

  @Test
  void theParquetSchemaIsWhatParquetJavaWritersDeclareByHand() {
    MessageType byHand = Types.buildMessage()
        .required(BINARY).as(stringType()).named("run_id")
        .required(INT32).named("epoch")
        .required(INT64).named("params")
        .required(DOUBLE).named("test_loss")
        .required(BOOLEAN).named("ok")
        .required(INT64).as(timestampType(true, MILLIS)).named("when")
        .named("demo");
    assertThat(DEMO.parquetSchema()).isEqualTo(byHand);
    assertThat(DEMO.parquetSchema().toString()).isEqualTo(byHand.toString());
  }

  @Test
  void theSparkSchemaHasEveryColumnNullableWithItsType() {
    assertThat(DEMO.sparkSchema()).isEqualTo(DataTypes.createStructType(List.of(
        DataTypes.createStructField("run_id", DataTypes.StringType, true),
        DataTypes.createStructField("epoch", DataTypes.IntegerType, true),
        DataTypes.createStructField("params", DataTypes.LongType, true),
        DataTypes.createStructField("test_loss", DataTypes.DoubleType, true),
        DataTypes.createStructField("ok", DataTypes.BooleanType, true),
        DataTypes.createStructField("when", DataTypes.TimestampType, true))));
  }

  @Test
  void aRowIsBuiltByColumnInAnyOrderAndReadByName() {
    Row r = Catalog.RUN_STATUS.row().set(Columns.DATA, "text:x").set(Columns.RUNS, 3L)
        .set(Columns.EXPERIMENT, "e").set(Columns.SOURCE, "runs").set(Columns.STATUS, "completed")
        .none(Columns.EXAMPLE_MESSAGE).build();
    assertThat(r.toSeq().toList().toString())
        .isEqualTo("List(e, completed, 3, null, runs, text:x)");
    assertThat(r.<Long>getAs(Columns.RUNS.name())).isEqualTo(3L);
    // Spark writes and reads it back with the table's schema.
    Dataset<Row> df = TestSpark.get().createDataFrame(List.of(r),
        Catalog.RUN_STATUS.sparkSchema());
    Catalog.RUN_STATUS.check(df.schema());
    assertThat(df.collectAsList().get(0).<String>getAs("data")).isEqualTo("text:x");
  }

  @Test
  void aMissingUnknownRepeatedOrMistypedColumnFailsNamingIt() {
    assertThatThrownBy(() -> Catalog.CONFIGURATIONS.row().set(Columns.EXPERIMENT, "e")
        .set(Columns.CONFIG, "c").set(Columns.RUNS, 1L).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("table configurations: column differs not set");
    assertThatThrownBy(() -> Catalog.CONFIGURATIONS.row().set(Columns.WIDTH, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table configurations has no column width int");
    assertThatThrownBy(() -> Catalog.CONFIGURATIONS.row().set(Columns.CONFIG, "a")
        .set(Columns.CONFIG, "b")).hasMessage("table configurations: column config set twice");
    assertThatThrownBy(() -> Catalog.CONFIGURATIONS.row().set(Columns.RUNS, 1))
        .hasMessage("table configurations: column runs long given a Integer (1)");
  }

  @Test
  void aQueryWhoseColumnsDriftFromTheDeclarationIsRefused() {
    Dataset<Row> df = TestSpark.get().createDataFrame(List.of(), DataTypes.createStructType(
        List.of(DataTypes.createStructField("experiment", DataTypes.StringType, false),
            DataTypes.createStructField("config", DataTypes.StringType, true),
            DataTypes.createStructField("differs", DataTypes.StringType, true),
            DataTypes.createStructField("runs", DataTypes.LongType, true))));
    assertThatThrownBy(() -> Catalog.CONFIGURATIONS.check(df.schema()))
        .hasMessage("table configurations: column 3 is differs string, declared runs bigint");
    assertThatThrownBy(() -> Catalog.CONFIGURATIONS.check(df.select("experiment").schema()))
        .hasMessage("table configurations: column 2 is none, declared config string");
  }

  @Test
  void aTableRefusesTwoColumnsOfOneName() {
    assertThatThrownBy(() -> Table.of("t", Columns.STATUS, Columns.FIT_STATUS))
        .hasMessage("table t: column status twice");
  }

  @Test
  void everyNameIsDeclaredOnceSaveTheFiveThatTwoColumnsShare() throws Exception {
    Set<String> seen = new HashSet<>();
    Set<String> twice = new HashSet<>();
    for (java.lang.reflect.Field f : Columns.class.getFields()) {
      Column c = (Column) f.get(null);
      if (!seen.add(c.name())) {
        twice.add(c.name());
      }
    }
    assertThat(twice).containsExactlyInAnyOrder("status", "seed", "epochs", "sizes", "seeds");
    // Every declared column is in some table.
    Set<Column> used = new HashSet<>();
    Catalog.ALL.forEach(t -> used.addAll(t.columns()));
    for (java.lang.reflect.Field f : Columns.class.getFields()) {
      assertThat(used).as(f.getName()).contains((Column) f.get(null));
    }
  }
}
