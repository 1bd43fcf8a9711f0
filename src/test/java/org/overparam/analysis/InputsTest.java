package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.analysis.SyntheticMetrics.Run;
import org.overparam.config.ConfigException;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.results.RecordedRuns;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;
import org.overparam.train.RunStatus;

/** Each kind of input, checked and read back from real files on a real local[2] Spark. */
class InputsTest {
  static final int EPOCHS = 4;

  @TempDir
  Path tmp;

  static List<RunSpec> specs(String experiment) {
    return Grid.runs(ExperimentFile.parse("""
        name: %s
        dataset: {kind: teacher-student, input_dim: 4, classes: 2, test_size: 10}
        train_sizes: [64]
        model: {family: mlp, depths: [1], widths: [2, 4, 8]}
        optimizer: {kind: sgd, learning_rate: 0.1, batch_size: 16}
        epochs: %d
        """.formatted(experiment, EPOCHS), experiment + ".yaml"));
  }

  static RunResult completed(RunSpec spec) {
    List<EpochMetrics> m = new ArrayList<>();
    for (int e = 1; e <= EPOCHS; e++) {
      m.add(new EpochMetrics(e, 1.0 / e, 0.5 / e, 1.1 / e, 0.6 / e, 0.01, 100, 0.001));
    }
    return new RunResult(spec, "per-task", 100, 100, 600, RunStatus.COMPLETED, "", 0, 1000, m,
        "cpu", "cpu", "host", List.of(), 0);
  }

  static Path partition(Path root, String table, String experiment) {
    return root.resolve(table).resolve("experiment=" + experiment);
  }

  // ---- a results store

  /**
   * A store of three runs of "io" and one failed run of "gone", then: one run's metrics file
   * deleted (not whole), a runs file copied under a new name (a stray) and a metrics file copied
   * under a name no runs row commits (uncommitted).
   */
  @Test
  void aStoreReadsOnlyWholeRecordedRunsAndCountsWhatItLeavesOut() throws IOException {
    Path root = tmp.resolve("store");
    ResultsStore store = ResultsStore.open(root.toString());
    List<RunSpec> io = specs("io");
    io.forEach(s -> store.write(completed(s)));
    RunSpec gone = specs("gone").get(0);
    store.write(RunResult.failed(gone, "per-task", 100, 600, "out of memory", 0));
    String whole0 = io.get(0).runId();
    String whole1 = io.get(1).runId();
    String broken = io.get(2).runId();
    Files.delete(partition(root, "metrics", "io").resolve(broken + ".parquet"));
    Files.copy(partition(root, "runs", "io").resolve(whole0 + ".parquet"),
        partition(root, "runs", "io").resolve("copied.parquet"));
    Files.copy(partition(root, "metrics", "io").resolve(whole1 + ".parquet"),
        partition(root, "metrics", "io").resolve("inflight.parquet"));

    Inputs in = Inputs.check(root.toString(), null, null);
    SparkSession spark = TestSpark.get();

    Map<String, RecordedRuns> byName = in.recorded().stream()
        .collect(Collectors.toMap(RecordedRuns::experiment, r -> r));
    assertThat(byName).containsOnlyKeys("io", "gone");
    RecordedRuns r = byName.get("io");
    assertThat(r.recorded()).containsOnlyKeys(whole0, whole1);
    assertThat(r.broken()).singleElement().satisfies(p -> assertThat(p.runId()).isEqualTo(broken));
    assertThat(r.strays()).singleElement()
        .satisfies(p -> assertThat(p.why()).isEqualTo("holds rows of run " + whole0));
    assertThat(r.uncommitted()).singleElement()
        .satisfies(p -> assertThat(p.getName()).isEqualTo("inflight.parquet"));
    assertThat(r.leftOut()).hasSize(3).satisfiesExactly(
        l -> assertThat(l).startsWith("1 run(s) not whole, left out: "),
        l -> assertThat(l).startsWith("1 file(s) copied under another run's name, ignored: "),
        l -> assertThat(l).isEqualTo("1 metrics file(s) without a finished runs row "
            + "(uncommitted), ignored: inflight.parquet"));
    assertThat(byName.get("gone").failed()).hasSize(1);

    // Only the whole runs' rows are read, each with its configuration id.
    Dataset<Row> metrics = in.metrics(spark);
    List<Row> rows = metrics.select("run_id", "config", "experiment", "status", "epoch")
        .collectAsList();
    assertThat(rows).hasSize(2 * EPOCHS);
    assertThat(rows.stream().map(x -> x.getString(0)).distinct())
        .containsExactlyInAnyOrder(whole0, whole1);
    assertThat(rows).allSatisfy(x -> {
      assertThat(x.getString(1)).isEqualTo(io.get(0).configId()).isNotEmpty();
      assertThat(x.getString(2)).isEqualTo("io");
      assertThat(x.getString(3)).isEqualTo("completed");
    });
    assertThat(metrics.schema().apply("width").dataType().typeName()).isEqualTo("integer");
    assertThat(metrics.schema().apply("params").dataType().typeName()).isEqualTo("long");

    // "gone" has no metrics: not an experiment to analyse, but its failed run is a runs row.
    assertThat(in.experiments(spark)).containsExactly("io");
    assertThat(in.runs(spark).collectAsList().stream()
        .map(x -> x.getString(0) + "/" + x.getString(1) + "/" + x.getString(2)))
        .containsExactlyInAnyOrder("io/" + whole0 + "/completed", "io/" + whole1 + "/completed",
            "gone/" + gone.runId() + "/failed");
    assertThat(in.compression(spark)).isNull();

    // One experiment: only its runs are checked and read.
    Inputs one = Inputs.check(root.toString(), "io", null);
    assertThat(one.recorded()).extracting(RecordedRuns::experiment).containsExactly("io");
    assertThat(one.metrics(spark).count()).isEqualTo(2L * EPOCHS);
    assertThatThrownBy(() -> Inputs.check(root.toString(), "gone", null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("metrics table " + root.resolve("metrics")
            + "/experiment=gone: holds no recorded runs with metrics");
    assertThatThrownBy(() -> Inputs.check(root.toString(), "nowhere", null))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(": no experiment 'nowhere' there");
  }

  // ---- Parquet tables other tools wrote

  static SyntheticMetrics twoExperiments() {
    SyntheticMetrics s = new SyntheticMetrics();
    for (String e : List.of("a", "b")) {
      for (int seed = 1; seed <= 2; seed++) {
        Run r = new Run(e, 0.1, 0, 0, 100, 1, 4, 40, seed);
        for (int epoch = 1; epoch <= 3; epoch++) {
          s.epoch(r, epoch, 3, 1.0 / epoch, 0.5 / epoch, 1.2 / epoch, 0.6 / epoch, "completed");
        }
        s.run(r, "completed", "", "text:kjv");
      }
    }
    return s;
  }

  @Test
  void aBareTableRootReadsEveryRowAsOneConfiguration() {
    SparkSession spark = TestSpark.get();
    Path root = tmp.resolve("bare");
    twoExperiments().write(spark, root);

    Inputs all = Inputs.check(root.toString(), null, null);
    assertThat(all.recorded()).isNull();
    assertThat(all.metricsPath()).isEqualTo(root.resolve("metrics").toString());
    assertThat(all.experiments(spark)).containsExactlyInAnyOrder("a", "b");
    List<Row> rows = all.metrics(spark).select("experiment", "config", "status").collectAsList();
    assertThat(rows).hasSize(2 * 2 * 3).allSatisfy(r -> {
      assertThat(r.getString(1)).isEmpty();
      assertThat(r.getString(2)).isEqualTo("completed");
    });
    assertThat(all.runs(spark).select("experiment", "data").distinct().collectAsList())
        .extracting(r -> r.getString(0) + ":" + r.getString(1))
        .containsExactlyInAnyOrder("a:text:kjv", "b:text:kjv");
    assertThat(all.compression(spark)).isNull();

    Inputs b = Inputs.check(root.toString(), "b", null);
    assertThat(b.experiments(spark)).containsExactly("b");
    assertThat(b.metrics(spark).select("experiment").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("b");
    assertThat(b.runs(spark).count()).isEqualTo(2);
  }

  @Test
  void aBareTableWithoutStatusOrRunsReadsEveryRowAsCompleted() {
    SparkSession spark = TestSpark.get();
    Path root = tmp.resolve("nostatus");
    Dataset<Row> noStatus = twoExperiments().metrics(spark).drop("status");
    noStatus.coalesce(1).write().mode(SaveMode.Overwrite).partitionBy("experiment")
        .parquet(root.resolve("metrics").toString());

    Inputs in = Inputs.check(root.toString(), null, null);
    assertThat(in.runs(spark)).isNull();
    assertThat(in.metrics(spark).filter(col("status").equalTo("completed")).count())
        .isEqualTo(12);
  }

  @Test
  void aBareTableFileWithoutANeededColumnIsNamed() {
    SparkSession spark = TestSpark.get();
    Path root = tmp.resolve("nocolumn");
    twoExperiments().metrics(spark).drop("test_error").coalesce(1).write()
        .partitionBy("experiment").parquet(root.resolve("metrics").toString());

    assertThatThrownBy(() -> Inputs.check(root.toString(), "a", null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("metrics file ")
        .hasMessageContaining(root.resolve("metrics/experiment=a") + "/part-")
        .hasMessageEndingWith(": missing column test_error");
    assertThatThrownBy(() -> Inputs.check(tmp.resolve("empty").toString(), null, null))
        .isInstanceOf(ConfigException.class).hasMessage("metrics table "
            + tmp.resolve("empty/metrics") + ": not found (run overparam train first, or give "
            + "--metrics-csv)");
  }

  // ---- CSV

  static final String HEADER = "experiment,run_id,depth,width,params,train_size,label_noise,"
      + "weight_decay,dropout,seed,epoch,train_loss,train_error,test_loss,test_error,status";

  static String csvRow(String experiment, String width, int seed, int epoch) {
    return String.join(",", experiment, "r" + experiment + width + seed, "1", width, "400",
        "100", "0.1", "0", "0", String.valueOf(seed), String.valueOf(epoch), "0.5", "0.25",
        "0.7", "0.3", "completed");
  }

  @Test
  void aCsvTableIsCheckedByHeaderThenByValue() throws IOException {
    SparkSession spark = TestSpark.get();
    Path csv = tmp.resolve("metrics.csv");
    Files.writeString(csv, String.join("\n", HEADER, csvRow("x", "4", 1, 1),
        csvRow("x", "4", 1, 2), csvRow("y", "8", 1, 1)) + "\n");

    Inputs in = Inputs.check(tmp.toString(), null, csv.toString());
    assertThat(in.recorded()).isNull();
    assertThat(in.runs(spark)).isNull();
    assertThat(in.compression(spark)).isNull();
    assertThat(in.experiments(spark)).containsExactlyInAnyOrder("x", "y");
    Dataset<Row> m = in.metrics(spark);
    assertThat(m.schema().apply("width").dataType().typeName()).isEqualTo("integer");
    assertThat(m.select("width").collectAsList()).extracting(r -> r.getInt(0))
        .containsExactlyInAnyOrder(4, 4, 8);
    Inputs y = Inputs.check(tmp.toString(), "y", csv.toString());
    assertThat(y.metrics(spark).count()).isEqualTo(1);
    assertThat(y.experiments(spark)).containsExactly("y");

    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, String.join("\n", HEADER, csvRow("x", "4", 1, 1),
        csvRow("x", "wide", 1, 2)) + "\n");
    Inputs badIn = Inputs.check(tmp.toString(), null, bad.toString());
    assertThatThrownBy(() -> badIn.metrics(spark)).isInstanceOf(ConfigException.class)
        .hasMessage("metrics file " + bad + ": column width: 'wide' is not an integer");

    Path lacking = tmp.resolve("lacking.csv");
    Files.writeString(lacking, HEADER.replace(",seed", "") + "\n");
    assertThatThrownBy(() -> Inputs.check(tmp.toString(), null, lacking.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("lacking.csv: missing column seed");
  }

  @Test
  void aCsvTableWithoutExperimentsNeedsTheExperimentNamed() throws IOException {
    SparkSession spark = TestSpark.get();
    Path csv = tmp.resolve("anon.csv");
    Files.writeString(csv, String.join("\n", HEADER.replace("experiment,", ""),
        csvRow("z", "4", 1, 1).substring(2), csvRow("z", "4", 2, 1).substring(2)) + "\n");

    assertThatThrownBy(() -> Inputs.check(tmp.toString(), null, csv.toString()))
        .isInstanceOf(ConfigException.class).hasMessageEndingWith(": missing column experiment "
            + "(or give --experiment to name the experiment of every row)");
    Inputs in = Inputs.check(tmp.toString(), "solo", csv.toString());
    assertThat(in.experiments(spark)).containsExactly("solo");
    assertThat(in.metrics(spark).select("experiment", "config").distinct().collectAsList())
        .extracting(r -> r.getString(0) + "|" + r.getString(1)).containsExactly("solo|");
  }

  // ---- the experiment listing

  @Test
  void anExperimentNameThatCannotNameAFolderIsRefusedFirst() {
    for (String name : List.of("../x", "a b", "-flag", "")) {
      assertThatThrownBy(() -> Inputs.check(tmp.resolve("none").toString(), name, null))
          .isInstanceOf(ConfigException.class)
          .hasMessage("--experiment '" + name + "': not an experiment name");
    }
  }
}
