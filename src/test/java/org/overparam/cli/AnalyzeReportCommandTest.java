package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.TestSpark;

/** train → analyze → report through the command line, on real metrics of a tiny real sweep. */
class AnalyzeReportCommandTest {
  @TempDir
  Path tmp;

  static final String EXPERIMENT = """
      name: tiny-dd
      dataset: {kind: teacher-student, input_dim: 10, classes: 3, teacher_width: 8, test_size: 300}
      train_sizes: [128]
      label_noise: [0.0, 0.2]
      model: {family: mlp, depths: [1], widths: [2, 8, 32]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 6
      seeds: [1, 2]
      strategy: {kind: per-task}
      compression: {sparsities: [0.5, 0.9], quantize_int8: true}
      """;

  /** Runs the command line; returns exit code, stdout and stderr. */
  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(code, o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void trainAnalyzesAndReportsAndTheTablesReadBackInSparkAndDuckDb() throws Exception {
    Path yaml = tmp.resolve("tiny-dd.yaml");
    Files.writeString(yaml, EXPERIMENT);
    String results = tmp.resolve("results").toString();
    TestSpark.get();
    Result train = cli("train", yaml.toString(), "--results", results, "--master", "local[2]");
    assertThat(train.code()).as(train.out() + train.err()).isZero();
    assertThat(train.out()).contains("overparam: analyze: tiny-dd: 12 runs: 12 completed, "
        + "0 diverged, 0 failed");
    Path index = tmp.resolve("results/report/tiny-dd/index.html");
    assertThat(train.out()).contains("overparam: report: tiny-dd: ").contains("index.html");
    assertThat(index).isRegularFile();

    // analyze and report again on their own, as commands.
    Result analyze = cli("analyze", "--results", results);
    assertThat(analyze.code()).as(analyze.err()).isZero();
    Result report = cli("report", "--results", results, "--experiment", "tiny-dd");
    assertThat(report.code()).as(report.err()).isZero();

    // Spark reads the tables: one curves row per cell (2 noise levels x 3 widths), 2 seeds each.
    SparkSession spark = TestSpark.get();
    Dataset<Row> curves = spark.read().parquet(results + "/analysis/curves");
    assertThat(curves.count()).isEqualTo(6);
    assertThat(curves.filter("seeds = 2 and final_epoch = 6 and final_test_error_ci95 >= 0")
        .count()).isEqualTo(6);
    assertThat(spark.read().parquet(results + "/analysis/epoch_curves").count())
        .isEqualTo(6 * 6);
    assertThat(spark.read().parquet(results + "/analysis/double_descent").count())
        .isEqualTo(2 * 3);
    assertThat(spark.read().parquet(results + "/analysis/epoch_wise").count()).isEqualTo(6);
    assertThat(spark.read().parquet(results + "/analysis/run_status")
        .filter("status = 'completed'").first().<Long>getAs("runs")).isEqualTo(12);
    // Compression: per cell, dense + int8 + 2 prunings x (32-bit, int8) variants, 2 seeds each.
    Dataset<Row> cc = spark.read().parquet(results + "/analysis/compression_curves");
    assertThat(cc.count()).isEqualTo(6 * 6);
    assertThat(cc.filter("seeds = 2 and variant = 'dense' and test_error_change = 0").count())
        .isEqualTo(6);
    Dataset<Row> tol = spark.read().parquet(results + "/analysis/compression_tolerance");
    assertThat(tol.count()).isEqualTo(6);
    assertThat(tol.filter("max_sparsity in (0, 0.5, 0.9) and tolerance = 0.01").count())
        .isEqualTo(6);
    assertThat(analyze.out()).contains("overparam: analyze: tiny-dd: compression (mlp, n=128");

    // DuckDB reads the same tables, partitions included; the means agree with the metrics.
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      String a = results + "/analysis";
      String m = results + "/metrics";
      ResultSet rs = c.createStatement().executeQuery("select count(*), min(experiment), "
          + "sum(seeds) from read_parquet('" + a + "/curves/**/*.parquet', "
          + "hive_partitioning = true)");
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(6);
      assertThat(rs.getString(2)).isEqualTo("tiny-dd");
      assertThat(rs.getLong(3)).isEqualTo(12);
      rs = c.createStatement().executeQuery("select max(abs(c.final_test_error - x.te)) from "
          + "read_parquet('" + a + "/curves/**/*.parquet', hive_partitioning = true) c join ("
          + "select label_noise, width, avg(test_error) te from read_parquet('" + m
          + "/**/*.parquet', hive_partitioning = true) where epoch = 6 group by all) x "
          + "using (label_noise, width)");
      rs.next();
      assertThat(rs.getDouble(1)).isLessThan(1e-12);
      rs = c.createStatement().executeQuery("select count(*) from read_parquet('" + a
          + "/double_descent/**/*.parquet', hive_partitioning = true) where epsilon = 0.01");
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(2);
      // The tolerance agrees with the compression rows it was computed from.
      rs = c.createStatement().executeQuery("select count(*) from read_parquet('" + a
          + "/compression_tolerance/**/*.parquet', hive_partitioning = true) t join (select "
          + "label_noise, width, avg(test_error) e from read_parquet('" + results
          + "/compression/**/*.parquet', hive_partitioning = true) where variant = 'dense' "
          + "group by all) x using (label_noise, width) where abs(t.dense_test_error - x.e) "
          + "< 1e-12");
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(6);
    }

    // The report: a page and non-empty PNGs it links to.
    String html = Files.readString(index);
    assertThat(html).contains("<h1>tiny-dd</h1>").contains("12 runs; 12 completed")
        .contains("Where the threshold and peak fell").contains(".png")
        .contains("Compression: how much of each model is needed")
        .contains("src=\"compression-1-sparsity.png\"");
    List<Path> pngs;
    try (Stream<Path> s = Files.list(index.getParent())) {
      pngs = s.filter(p -> p.toString().endsWith(".png")).toList();
    }
    assertThat(pngs).hasSizeGreaterThanOrEqualTo(4);
    for (Path p : pngs) {
      byte[] b = Files.readAllBytes(p);
      assertThat(b.length).as(p.toString()).isGreaterThan(2000);
      assertThat(new String(b, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
      assertThat(html).contains("src=\"" + p.getFileName() + "\"");
    }
  }

  @Test
  void aParquetTableMissingAColumnIsOneLineNamingFileAndColumnExitTwo() {
    SparkSession spark = TestSpark.get();
    Path good = tmp.resolve("good");
    org.overparam.analysis.SyntheticMetrics s = new org.overparam.analysis.SyntheticMetrics();
    org.overparam.analysis.SyntheticMetrics.Run r = new org.overparam.analysis.SyntheticMetrics
        .Run("x", 0, 0, 0, 100, 1, 4, 40, 1);
    s.epoch(r, 1, 1, 1, 0.5, 1, 0.5, "completed");
    s.write(spark, good);
    Path bad = tmp.resolve("bad");
    spark.read().parquet(good.resolve("metrics").toString()).drop("test_loss").write()
        .partitionBy("experiment").parquet(bad.resolve("metrics").toString());

    Result res = cli("analyze", "--results", bad.toString());
    assertThat(res.code()).isEqualTo(2);
    assertThat(res.err().lines()).hasSize(1);
    assertThat(res.err()).startsWith("overparam: error: metrics file ")
        .contains(bad.resolve("metrics/experiment=x").toString()).contains(".parquet")
        .contains("missing column test_loss");
    assertThat(bad.resolve("analysis")).doesNotExist();
  }

  @Test
  void aCsvTableIsReadAndOneMissingAColumnOrWithABadValueIsExitTwo() throws Exception {
    SparkSession spark = TestSpark.get();
    org.overparam.analysis.SyntheticMetrics s = new org.overparam.analysis.SyntheticMetrics();
    for (int w : new int[] {4, 8}) {
      for (long seed = 1; seed <= 2; seed++) {
        org.overparam.analysis.SyntheticMetrics.Run r = new org.overparam.analysis
            .SyntheticMetrics.Run("csv", 0, 0, 0, 100, 1, w, 10L * w, seed);
        s.epoch(r, 1, 2, 1, 0.5, 1, 0.5, "completed");
        s.epoch(r, 2, 2, 0.5, 0.1, 0.8, 0.2 + seed / 100.0, "completed");
      }
    }
    Path csv = tmp.resolve("metrics.csv");
    s.metrics(spark).coalesce(1).write().mode(SaveMode.Overwrite).option("header", "true")
        .csv(csv.toString());
    String results = tmp.resolve("out").toString();
    Result ok = cli("analyze", "--results", results, "--metrics-csv", csv.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(spark.read().parquet(results + "/analysis/curves").filter("experiment = 'csv'")
        .filter("abs(final_test_error - 0.215) < 1e-12 and seeds = 2").count()).isEqualTo(2);

    Path missing = tmp.resolve("missing.csv");
    Files.writeString(missing, "experiment,run_id,depth,width,params,train_size,label_noise,"
        + "weight_decay,dropout,seed,epoch,train_loss,train_error,test_error\n"
        + "e,a,1,4,40,100,0,0,0,1,1,0.5,0.1,0.2\n");
    Result noCol = cli("analyze", "--results", results, "--metrics-csv", missing.toString());
    assertThat(noCol.code()).isEqualTo(2);
    assertThat(noCol.err().strip()).isEqualTo("overparam: error: metrics file "
        + missing + ": missing column test_loss");

    Path badValue = tmp.resolve("bad.csv");
    Files.writeString(badValue, "experiment,run_id,depth,width,params,train_size,label_noise,"
        + "weight_decay,dropout,seed,epoch,train_loss,train_error,test_loss,test_error\n"
        + "e,a,1,4,40,100,0,0,0,1,1,0.5,0.1,0.3,0.2\n"
        + "e,a,1,4,40,100,0,0,0,1,2,0.4,zero,0.3,0.2\n");
    Result noNum = cli("analyze", "--results", results, "--metrics-csv", badValue.toString());
    assertThat(noNum.code()).isEqualTo(2);
    assertThat(noNum.err().lines()).hasSize(1);
    assertThat(noNum.err()).contains(badValue.toString()).contains("train_error")
        .contains("'zero' is not a number");
  }
}
