package org.overparam.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;
import org.overparam.train.RunStatus;

/** Several writers on one results root: whole files only, one row per (run, epoch), no clobbering. */
class ResultsStoreTest {
  @TempDir
  Path tmp;

  static List<RunSpec> runs(String experiment) {
    return Grid.runs(ExperimentFile.parse("""
        name: %s
        dataset: {kind: teacher-student, input_dim: 4, classes: 2, test_size: 10}
        train_sizes: [64]
        model: {family: mlp, depths: [1], widths: [2, 4, 8]}
        optimizer: {kind: sgd, learning_rate: 0.1, batch_size: 16}
        epochs: 40
        """.formatted(experiment), experiment + ".yaml"));
  }

  /** A result with {@code epochs} epochs whose timings depend on {@code writer}. */
  static RunResult result(RunSpec spec, RunStatus status, int epochs, int writer) {
    List<EpochMetrics> m = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      m.add(new EpochMetrics(e, 1.0 / e, 0.5 / e, 1.1 / e, 0.6 / e, 0.01 * writer, 100, 0.001));
    }
    return new RunResult(spec, "per-task", 100, 100, 600, status, "", 0, 1000 + writer, m, "cpu",
        "cpu", "writer-" + writer, List.of(), 0);
  }

  @Test
  void readersOfAFileReplacedOverAndOverOnlyEverSeeWholeVersions() throws Exception {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(
        tmp.resolve("table/part=x/r.parquet").toUri());
    RunSpec spec = runs("same").get(0);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 1; w <= 3; w++) {
      // Writer w's versions hold 10 x w rows.
      List<Group> rows = MetricsTable.rows(result(spec, RunStatus.COMPLETED, 10 * w, w));
      writers.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 40; i++) {
          ParquetFiles.writeAtomically(target, MetricsTable.SCHEMA, rows, new Configuration());
        }
        return null;
      }));
    }
    // A reader takes what one open() of the path gives and parses it: always a whole version.
    Path copy = tmp.resolve("copy.parquet");
    Future<?> reader = pool.submit(() -> {
      go.await();
      while (writing.get()) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(Path.of(target.toUri()));
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // not written yet
        }
        Files.write(copy, bytes);
        List<Group> rows = ParquetFiles.read(new org.apache.hadoop.fs.Path(copy.toUri()),
            new Configuration());
        assertThat(rows.size()).isIn(10, 20, 30);
        reads.incrementAndGet();
      }
      return null;
    });
    go.countDown();
    for (Future<?> f : writers) {
      f.get();
    }
    writing.set(false);
    reader.get();
    pool.shutdown();

    assertThat(reads.get()).isPositive();
    try (Stream<Path> all = Files.walk(tmp.resolve("table"))) {
      assertThat(all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .as("files left: the target only, no temporary ones").containsExactly("r.parquet");
    }
  }

  @Test
  void concurrentWritersOfOneRunLeaveOneRecordAndNoTemporaryFiles() throws Exception {
    ResultsStore store = ResultsStore.open(tmp.toString());
    RunSpec spec = runs("same").get(0);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 1; w <= 3; w++) {
      int writer = w;
      writers.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 10; i++) {
          store.write(result(spec, RunStatus.COMPLETED, 40, writer));
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : writers) {
      f.get();
    }
    pool.shutdown();

    assertThat(visibleParquet(tmp)).hasSize(2); // one metrics file, one runs file
    List<Group> rows = ParquetFiles.read(new org.apache.hadoop.fs.Path(tmp.resolve(
        "metrics/experiment=same/" + spec.runId() + ".parquet").toUri()), new Configuration());
    assertThat(rows).hasSize(40);
    assertThat(rows.stream().map(g -> g.getInteger("epoch", 0)).distinct()).hasSize(40);
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")))
          .as("temporary files left behind").isEmpty();
    }
  }

  @Test
  void theFirstFinishedRecordStandsAndAFailureNeverReplacesIt() {
    ResultsStore store = ResultsStore.open(tmp.toString());
    RunSpec spec = runs("exp").get(1);
    store.write(result(spec, RunStatus.COMPLETED, 40, 1));
    store.write(result(spec, RunStatus.FAILED, 0, 2));
    assertThat(store.finishedRunIds("exp")).containsExactly(spec.runId());
    assertThat(store.isFinished("exp", spec.runId())).isTrue();
    assertThat(tmp.resolve("metrics/experiment=exp/" + spec.runId() + ".parquet")).exists();

    // A later finished record of the run is dropped: the first one stands.
    store.write(result(spec, RunStatus.DIVERGED, 3, 3));
    assertThat(ParquetFiles.read(new org.apache.hadoop.fs.Path(tmp.resolve(
        "metrics/experiment=exp/" + spec.runId() + ".parquet").toUri()), new Configuration()))
        .hasSize(40);

    // A failed run is not finished; its later success replaces the failure.
    RunSpec other = runs("exp").get(2);
    store.write(result(other, RunStatus.FAILED, 0, 1));
    assertThat(store.isFinished("exp", other.runId())).isFalse();
    store.write(result(other, RunStatus.DIVERGED, 7, 1));
    assertThat(store.isFinished("exp", other.runId())).isTrue();
  }

  @Test
  void checkpointsThatACrashLeftBesideAFinishedRunAreTidiedAway() {
    ResultsStore store = ResultsStore.open(tmp.toString());
    List<RunSpec> specs = runs("tidy");
    // Run 0 finished but the process died before its checkpoints went; run 1 is unfinished.
    store.write(result(specs.get(0), RunStatus.COMPLETED, 40, 1));
    for (RunSpec s : specs.subList(0, 2)) {
      store.checkpoints().save(s, new org.overparam.train.Checkpoints.Checkpoint(2,
          org.overparam.model.Models.build(s, 4, 2), List.of()));
    }
    Path dir = tmp.resolve("_checkpoints/experiment=tidy");
    assertThat(dir.resolve(specs.get(0).runId())).isDirectory();

    store.tidy("tidy", store.finishedRunIds("tidy"));
    assertThat(dir.resolve(specs.get(0).runId())).doesNotExist();
    assertThat(dir.resolve(specs.get(1).runId()).resolve("epoch-000002.json")).exists();
  }

  @Test
  void experimentsWriteToDisjointFoldersOfOneRoot() throws Exception {
    ResultsStore store = ResultsStore.open(tmp.toString());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> done = new ArrayList<>();
    for (String exp : List.of("a", "b")) {
      done.add(pool.submit(() -> runs(exp).forEach(r -> store.write(result(r, RunStatus.COMPLETED,
          40, 1)))));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    // Run ids ignore the experiment's name: the same ids, once in each partition.
    assertThat(store.finishedRunIds("a")).hasSize(3).isEqualTo(store.finishedRunIds("b"));
    assertThat(visibleParquet(tmp.resolve("metrics/experiment=a"))).hasSize(3);
    assertThat(visibleParquet(tmp.resolve("metrics/experiment=b"))).hasSize(3);
  }

  @Test
  void sweepsOpeningOneNewRootAtOnceBothSucceed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int round = 0; round < 25; round++) {
      String root = tmp.resolve("root-" + round).toString();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ResultsStore>> opened = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        opened.add(pool.submit(() -> {
          go.await();
          return ResultsStore.open(root);
        }));
      }
      go.countDown();
      for (Future<ResultsStore> f : opened) {
        assertThat(f.get().root().toString()).endsWith("root-" + round);
      }
      try (Stream<Path> s = Files.list(Path.of(root))) {
        assertThat(s.map(p -> p.getFileName().toString())).containsExactly(ResultsStore.MARKER);
      }
    }
    pool.shutdown();
  }

  /** Files a reader of the tables sees: *.parquet, not hidden, outside underscore folders. */
  static List<Path> visibleParquet(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(p -> Stream.of(root.relativize(p).toString().split("/"))
              .noneMatch(part -> part.startsWith(".") || part.startsWith("_")))
          .toList();
    }
  }
}
