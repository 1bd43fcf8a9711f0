package org.overparam.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.DatasetConfig;
import org.overparam.config.ExperimentConfig;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.config.StrategyConfig;
import org.overparam.data.Datasets;
import org.overparam.data.TrainTest;
import org.overparam.model.Gpt;
import org.overparam.model.Models;
import org.overparam.model.StackedMlp;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsStore;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;
import org.overparam.train.RunSink;
import org.overparam.train.Threads;
import org.overparam.train.local.LocalTrainer;
import org.overparam.train.spark.SparkSettings;
import org.overparam.train.spark.Sweep;

/**
 * Benchmark probes of the product's own code paths, one per subcommand; each prints its figures
 * as lines {@code BENCH {json}} for bench/run.py to collect. Arguments are {@code --key value}.
 *
 * <pre>
 *   gemm  --threads T --sizes 1024,2048 --reps 5      ND4J float32 GEMM, GFLOP/s per repetition
 *   mlp   --threads T --widths 16,64 --n 8192 --epochs 4
 *                                                     LocalTrainer, fit seconds of every epoch
 *   sweep --yaml F --master local[2] --results DIR    Sweep.run wall seconds (Parquet written)
 *   ideal --yaml F --threads 1                        each run of F alone in this process
 *   pa    --widths 1024 --n 8192 --epochs 3 --master M --workers W [--frequency F]
 *                                                     parameter averaging, fit seconds per epoch
 *   gpt   --threads T --widths 32,64,128 --depth 2 --heads 4 --context 64 --batch 32
 *         --vocabulary 63 --steps 40 --warmup 8       seconds of each training step (fit of one
 *                                                     minibatch of random windows), Adam
 * </pre>
 */
public final class Bench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Bench() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = args(argv);
    switch (argv[0]) {
      case "gemm" -> gemm(a);
      case "mlp" -> mlp(a);
      case "sweep" -> sweep(a);
      case "ideal" -> ideal(a);
      case "pa" -> pa(a);
      case "gpt" -> gpt(a);
      default -> throw new IllegalArgumentException("unknown probe " + argv[0]);
    }
    System.exit(0); // Spark and ND4J leave non-daemon threads behind
  }

  // --- gemm: C = A B on square float32 matrices, the BLAS call dense layers make
  static void gemm(Map<String, String> a) {
    int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
    Threads.limit(threads);
    int reps = Integer.parseInt(a.getOrDefault("reps", "5"));
    for (int size : ints(a.getOrDefault("sizes", "1024,2048"))) {
      INDArray x = Nd4j.rand(DataType.FLOAT, size, size);
      INDArray y = Nd4j.rand(DataType.FLOAT, size, size);
      INDArray z = Nd4j.create(DataType.FLOAT, size, size);
      Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
      List<Double> gflops = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        long t = System.nanoTime();
        Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
        gflops.add(2.0 * size * size * size / ((System.nanoTime() - t) / 1e9) / 1e9);
      }
      emit("gemm", Map.of("lib", "nd4j", "threads", threads, "size", size, "gflops", gflops,
          "coretype", String.valueOf(System.getenv("OPENBLAS_CORETYPE"))));
    }
  }

  // --- mlp: the per-task training loop on Fashion-MNIST, every epoch evaluated and timed
  static void mlp(Map<String, String> a) {
    int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
    Threads.limit(threads);
    int n = Integer.parseInt(a.getOrDefault("n", "8192"));
    int epochs = Integer.parseInt(a.getOrDefault("epochs", "4"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "128"));
    DatasetConfig data = new DatasetConfig.FashionMnist(a.get("data"), 1000);
    Datasets.load(data);
    warmUp(data);
    // stack=0: DL4J's own loop; stack=K >= 1: the stacked step, K runs of seeds 0..K-1 together
    // (each run's epoch_seconds is its share of the stack's epoch)
    int stack = Integer.parseInt(a.getOrDefault("stack", "0"));
    for (int w : ints(a.getOrDefault("widths", "16,64,256,1024,4096"))) {
      RunSpec spec = spec("bench-mlp", data, w, n, epochs, batch, StrategyConfig.defaults());
      RunResult r;
      if (stack == 0) {
        r = new LocalTrainer(quiet()).train(spec,
            Datasets.prepare(Datasets.load(data), n, 0.0, spec.seed()), "cpu");
      } else {
        List<RunSpec> specs = new ArrayList<>();
        List<TrainTest> sets = new ArrayList<>();
        for (int k = 0; k < stack; k++) {
          RunSpec s = spec("bench-mlp", data, w, n, epochs, batch, StrategyConfig.defaults(), k);
          specs.add(s);
          sets.add(Datasets.prepare(Datasets.load(data), n, 0.0, s.seed()));
        }
        r = new LocalTrainer(quiet()).trainStack(specs, sets, "cpu").get(0);
      }
      emit("mlp", Map.of("lib", stack == 0 ? "dl4j" : "stacked", "stack", stack, "threads",
          threads, "width", w, "params", r.params(), "n", n, "batch", batch, "epoch_seconds",
          fitSeconds(r)));
    }
  }

  // --- sweep: the train command's work, minus JVM and Spark start-up (reported apart)
  static void sweep(Map<String, String> a) throws Exception {
    ExperimentConfig cfg = ExperimentFile.read(Path.of(a.get("yaml")));
    List<RunSpec> runs = Grid.runs(cfg);
    long t0 = System.nanoTime();
    Datasets.check(cfg.dataset(), cfg.trainSizes().stream().mapToInt(Integer::intValue).max()
        .orElseThrow());
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    SparkSession spark = session(a.getOrDefault("master", "local[2]"), a);
    double startSeconds = (System.nanoTime() - t1) / 1e9;
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path results = Files.createTempDirectory(Path.of(a.getOrDefault("results", "/tmp")), "bench");
    ResultsStore store = ResultsStore.open(results.toString())
        .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId()));
    Sweep.Summary s = new Sweep(sc, store, System.err).run(runs);
    emit("sweep", Map.of("experiment", cfg.name(), "master", sc.master(), "runs", s.total(),
        "completed", s.completed(), "failed", s.failed(), "seconds", s.seconds(),
        "spark_start_seconds", startSeconds, "data_load_seconds", loadSeconds));
    spark.stop();
  }

  // --- ideal: every run of the sweep alone in this process, data already loaded
  static void ideal(Map<String, String> a) {
    int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
    Threads.limit(threads);
    ExperimentConfig cfg = ExperimentFile.read(Path.of(a.get("yaml")));
    Datasets.load(cfg.dataset());
    warmUp(cfg.dataset());
    List<Map<String, Object>> rows = new ArrayList<>();
    double total = 0;
    for (RunSpec spec : Grid.runs(cfg)) {
      long t = System.nanoTime();
      // each run alone on the step a sweep trains it with: a stack of one where it may be
      TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec.trainSize(),
          spec.labelNoise(), spec.seed());
      if (StackedMlp.trains(spec)) {
        new LocalTrainer(quiet()).trainStack(List.of(spec), List.of(data), "cpu");
      } else {
        new LocalTrainer(quiet()).train(spec, data, "cpu");
      }
      double sec = (System.nanoTime() - t) / 1e9;
      total += sec;
      rows.add(Map.of("width", spec.width(), "seconds", sec));
    }
    emit("ideal", Map.of("experiment", cfg.name(), "threads", threads, "runs", rows.size(),
        "seconds", total, "per_run", rows));
  }

  // --- pa: one model by parameter averaging through the sweep, epochs timed by the trainer
  static void pa(Map<String, String> a) throws Exception {
    int n = Integer.parseInt(a.getOrDefault("n", "8192"));
    int epochs = Integer.parseInt(a.getOrDefault("epochs", "3"));
    int workers = Integer.parseInt(a.getOrDefault("workers", "2"));
    int freq = Integer.parseInt(a.getOrDefault("frequency", "4"));
    DatasetConfig data = new DatasetConfig.FashionMnist(a.get("data"), 1000);
    Datasets.load(data);
    SparkSession spark = session(a.getOrDefault("master", "local[2]"), a);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int w : ints(a.getOrDefault("widths", "1024,2048,4096"))) {
      RunSpec spec = spec("bench-pa", data, w, n, epochs, 128,
          new StrategyConfig("parameter-averaging", null, workers, freq, 128));
      Collect sink = new Collect();
      new Sweep(sc, sink, System.err).run(List.of(spec));
      RunResult r = sink.results.peek();
      emit("pa", Map.of("master", sc.master(), "workers", workers, "frequency", freq,
          "width", w, "params", r == null ? 0 : r.params(), "n", n,
          "status", r == null ? "none" : r.status().label() + " " + r.message(),
          "epoch_seconds", r == null ? List.of() : fitSeconds(r)));
    }
    spark.stop();
  }

  // --- gpt: one training step of the transformer family (MultiLayerNetwork.fit of a minibatch)
  static void gpt(Map<String, String> a) {
    int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
    Threads.limit(threads);
    int depth = Integer.parseInt(a.getOrDefault("depth", "2"));
    int heads = Integer.parseInt(a.getOrDefault("heads", "4"));
    int context = Integer.parseInt(a.getOrDefault("context", "64"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
    int vocabulary = Integer.parseInt(a.getOrDefault("vocabulary", "63"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "40"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "8"));
    java.util.SplittableRandom rng = new java.util.SplittableRandom(0);
    List<DataSet> batches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batches.add(new DataSet(tokens(rng, batch, context, vocabulary),
          tokens(rng, batch, context, vocabulary).reshape('c', batch, context, 1)));
    }
    for (int w : ints(a.getOrDefault("widths", "32,64,128"))) {
      String yaml = """
          name: bench-gpt
          dataset: {kind: text, context: %d}
          train_sizes: [%d]
          model: {family: gpt, depths: [%d], widths: [%d], heads: %d}
          optimizer: {kind: adam, learning_rate: 0.001, batch_size: %d}
          epochs: 1
          seeds: [0]
          """.formatted(context, batch * context, depth, w, heads, batch);
      RunSpec spec = Grid.runs(ExperimentFile.parse(yaml, "bench-gpt.yaml")).get(0);
      MultiLayerNetwork net = Models.build(spec, context, vocabulary);
      List<Double> seconds = new ArrayList<>();
      for (int s = 0; s < warmup + steps; s++) {
        long t = System.nanoTime();
        net.fit(batches.get(s % batches.size()));
        if (s >= warmup) {
          seconds.add((System.nanoTime() - t) / 1e9);
        }
      }
      Map<String, Object> row = new LinkedHashMap<>(Map.of("lib", "dl4j", "threads", threads,
          "width", w, "depth", depth, "heads", heads, "context", context, "batch", batch,
          "vocabulary", vocabulary, "params", net.numParams()));
      row.put("flops_per_token", Gpt.trainingFlopsPerToken(context, vocabulary, depth, w));
      row.put("step_seconds", seconds);
      emit("gpt", row);
    }
  }

  static INDArray tokens(java.util.SplittableRandom rng, int rows, int context, int vocabulary) {
    float[] t = new float[rows * context];
    for (int i = 0; i < t.length; i++) {
      t[i] = rng.nextInt(vocabulary);
    }
    return Nd4j.create(t, new long[] {rows, context}, 'c');
  }

  // --- helpers

  static SparkSession session(String master, Map<String, String> a) {
    SparkSession.Builder b = SparkSettings.apply(SparkSession.builder(), new SparkConf())
        .master(master).appName("overparam-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false");
    for (Map.Entry<String, String> e : a.entrySet()) {
      if (e.getKey().startsWith("spark.")) {
        b.config(e.getKey(), e.getValue());
      }
    }
    return b.getOrCreate();
  }

  /** One run as an experiment file would give it (the file format outlives constructors). */
  static RunSpec spec(String name, DatasetConfig data, int width, int n, int epochs, int batch,
      StrategyConfig s) {
    return spec(name, data, width, n, epochs, batch, s, 0);
  }

  static RunSpec spec(String name, DatasetConfig data, int width, int n, int epochs, int batch,
      StrategyConfig s, int seed) {
    DatasetConfig.FashionMnist f = (DatasetConfig.FashionMnist) data;
    String yaml = """
        name: %s
        dataset: {kind: fashion-mnist, path: '%s', test_size: %d}
        train_sizes: [%d]
        model: {family: mlp, depths: [1], widths: [%d]}
        optimizer: {kind: adam, learning_rate: 0.001, batch_size: %d}
        epochs: %d
        seeds: [%d]
        strategy: {kind: %s, workers: %d, averaging_frequency: %d, batch_per_worker: %d}
        """.formatted(name, f.path(), f.testSize(), n, width, batch, epochs, seed, s.kind(),
        s.workers(), s.averagingFrequency(), s.batchPerWorker());
    return Grid.runs(ExperimentFile.parse(yaml, name + ".yaml")).get(0);
  }

  /** A few seconds of training so that the JIT and ND4J's first calls are not timed. */
  static void warmUp(DatasetConfig data) {
    RunSpec spec = spec("bench-warmup", data, 64, 2048, 2, 128, StrategyConfig.defaults());
    new LocalTrainer(quiet()).train(spec, Datasets.prepare(Datasets.load(data), 2048, 0.0, 0),
        "cpu");
  }

  static List<Double> fitSeconds(RunResult r) {
    return r.epochs().stream().map(EpochMetrics::epochSeconds).toList();
  }

  static EpochListener quiet() {
    return (spec, m) -> { };
  }

  static void emit(String probe, Map<String, Object> fields) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("probe", probe);
    m.putAll(fields);
    try {
      System.out.println("BENCH " + JSON.writeValueAsString(m));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    System.out.flush();
  }

  static int[] ints(String csv) {
    return java.util.Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  static Map<String, String> args(String[] argv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --key value, got " + argv[i]);
      }
      m.put(argv[i].substring(2), argv[i + 1]);
    }
    return m;
  }

  /** Keeps results in memory: the PA probe needs epoch timings, not files. */
  static final class Collect implements RunSink {
    final ConcurrentLinkedQueue<RunResult> results = new ConcurrentLinkedQueue<>();

    @Override
    public Set<String> finishedRunIds(String experiment) {
      return Set.of();
    }

    @Override
    public void write(RunResult result) {
      results.add(result);
    }
  }
}
