package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.AnalyzeReportCommandTest.Result;
import org.overparam.config.DatasetConfig;
import org.overparam.config.ExperimentFile;
import org.overparam.data.Examples;
import org.overparam.data.TeacherStudent;
import org.overparam.testing.Duck;
import org.overparam.testing.NpzFiles;
import org.overparam.testing.TestSpark;

/**
 * A user's own data through the command line on local[2]: teacher-labelled examples written as
 * an .npz pair and as one Parquet file split by a seeded fraction, trained, and recorded with
 * the dataset in every run's provenance.
 */
class FileDatasetExperimentTest {
  @TempDir
  Path tmp;

  static final String EXPERIMENT = """
      name: %s
      dataset: %s
      train_sizes: [400]
      label_noise: [0.0]
      model: {family: mlp, depths: [1], widths: [4, 32]}
      optimizer: {kind: adam, learning_rate: 0.01, batch_size: 50}
      epochs: 8
      seeds: [0]
      strategy: {kind: per-task}
      """;

  @Test
  void trainsOnNpzAndParquetFilesAndRecordsThemAsTheRunsData() throws Exception {
    TeacherStudent teacher = new TeacherStudent(6, 8, 3, 21L);
    Examples train = teacher.sample(500, new SplittableRandom(1));
    Examples test = teacher.sample(200, new SplittableRandom(2));
    Path trainNpz = npz(tmp.resolve("train.npz"), train);
    Path testNpz = npz(tmp.resolve("test.npz"), test);
    Path parquet = tmp.resolve("all.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      // The same examples as one table of numbered columns, for a seeded 30% split.
      c.createStatement().execute("create table t as select * from read_csv('" + csv(train)
          + "', header = true)");
      c.createStatement().execute("copy t to '" + parquet + "' (format parquet)");
    }
    String results = tmp.resolve("results").toString();
    String npzData = "{kind: npz, path: '" + trainNpz + "', test_path: '" + testNpz
        + "', input_dim: 6, classes: 3}";
    String parquetData = "{kind: parquet, path: '" + parquet + "', test_fraction: 0.2, "
        + "split_seed: 4, features: f, labels: label, input_dim: 6, classes: 3}";
    TestSpark.get(); // the command reuses the tests' session, and stops it when done
    for (String[] e : List.of(new String[] {"from-npz", npzData},
        new String[] {"from-parquet", parquetData})) {
      Path yaml = Files.writeString(tmp.resolve(e[0] + ".yaml"),
          EXPERIMENT.formatted(e[0], e[1]));
      Result r = AnalyzeReportCommandTest.cli("train", yaml.toString(), "--results", results,
          "--master", "local[2]", "--no-report");
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains(e[0] + ": 2 runs, 0 already recorded, 2 completed");

      DatasetConfig d = ExperimentFile.read(yaml).dataset();
      List<Map<String, Object>> runs = Duck.rows("select * from read_parquet('" + results
          + "/runs/experiment=" + e[0] + "/*.parquet')");
      assertThat(runs).hasSize(2).allSatisfy(row -> assertThat(row).containsValue(d.describe()));
      // The wider model learned the teacher: well below the 2/3 error of guessing.
      Matcher m = Pattern.compile(" w=32 [^\\]]*\\] final test err ([0-9.]+)")
          .matcher(r.out());
      assertThat(m.find()).as(r.out()).isTrue();
      assertThat(Double.parseDouble(m.group(1))).as(e[0]).isLessThan(0.4);
    }
  }

  private static Path npz(Path file, Examples ex) {
    float[] x = ex.features();
    long[] y = new long[ex.count()];
    for (int i = 0; i < y.length; i++) {
      y[i] = ex.labels()[i];
    }
    return new NpzFiles().f4("x", x, ex.count(), ex.dim()).i8("y", y, ex.count()).write(file);
  }

  /** The examples as a CSV table with columns label, f1 .. f6. */
  private Path csv(Examples ex) throws Exception {
    StringBuilder sb = new StringBuilder("label");
    for (int j = 1; j <= ex.dim(); j++) {
      sb.append(",f").append(j);
    }
    sb.append('\n');
    for (int i = 0; i < ex.count(); i++) {
      sb.append(ex.labels()[i]);
      for (int j = 0; j < ex.dim(); j++) {
        sb.append(',').append(ex.features()[i * ex.dim() + j]);
      }
      sb.append('\n');
    }
    return Files.writeString(tmp.resolve("all.csv"), sb);
  }
}
