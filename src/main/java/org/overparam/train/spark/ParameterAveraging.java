package org.overparam.train.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.RunSpec;
import org.overparam.config.StrategyConfig;
import org.overparam.data.Augmentation;
import org.overparam.data.Datasets;
import org.overparam.data.Examples;
import org.overparam.data.Seeds;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.train.Checkpoints;
import org.overparam.train.Checkpoints.Checkpoint;
import org.overparam.train.Compression;
import org.overparam.train.Blas;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochLoop;
import org.overparam.train.Evaluator;
import org.overparam.train.RunResult;
import org.overparam.train.Teacher;
import org.overparam.train.Threads;
import org.overparam.train.local.Hosts;

/**
 * The {@code parameter-averaging} strategy: one model trained data-parallel by averaging its
 * workers' parameters and optimiser state ({@link AveragingRound}).
 *
 * <p>Shape of one epoch: W partitions hold the cached minibatches of {@code batch_per_worker}
 * examples, a contiguous share of the run's each, built once per run; each round the driver
 * broadcasts the network's state, every worker fits its next {@code averaging_frequency}
 * minibatches from it and the driver averages what they return; repeat until the shares are
 * consumed. The driver then evaluates the averaged network on the full train and test sets
 * itself. Every epoch fits the minibatches in the same order and the same rounds, so how an
 * epoch is split never depends on the epochs before: a resumed run repeats the rounds an
 * uninterrupted one makes. With one round an epoch (the default frequency) the numbers are
 * those of DL4J's {@code ParameterAveragingTrainingMaster} with its optimiser state averaged,
 * within float rounding on the stacked step ({@code AveragingRoundTest}); that master costs a
 * Spark job of its own (a count) and a network built on each worker every round besides.
 *
 * <p>The epochs go through the shared {@link EpochLoop}. The driver saves checkpoints (network
 * with averaged optimiser state, metrics so far) every {@code checkpoint_every} epochs and
 * resumes from them.
 *
 * <p>The minibatches are built once per run on the executors, from their own copy of the data,
 * and cached there as INDArrays; workers fit with as many native threads as their task has cores.
 * A run with augmentation builds them again every epoch instead, the same examples in the same
 * minibatches, each moved by its {@link Augmentation} offset of that epoch (the ones the
 * per-task strategy would give it), and drops them after the epoch. A distillation student's
 * targets are computed there too, each executor reading the teacher's kept network from the
 * results root ({@link Teacher}).
 */
final class ParameterAveraging {
  private ParameterAveraging() {}

  static RunResult train(JavaSparkContext sc, RunSpec spec, EpochListener listener,
      Checkpoints checkpoints) {
    long started = System.currentTimeMillis();
    StrategyConfig s = spec.strategy();
    TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec);
    int workers = s.workers() > 0 ? s.workers() : sc.defaultParallelism();
    Checkpoint resumed = checkpoints.latest(spec).orElse(null);
    MultiLayerNetwork net = resumed != null ? resumed.net()
        : Models.build(spec, data.train().dim(), data.train().classes());
    long params = net.numParams();

    // Minibatches built once on the executors from their own copy of the data, kept there as
    // INDArrays for every epoch. Tasks carry only a worker index: data parallelized from the
    // driver would ride along with every task of every averaging round. With augmentation each
    // epoch builds its own (epochBatches).
    boolean augmented = spec.augmentation() > 0;
    JavaRDD<DataSet> batches = augmented ? null : epochBatches(sc, spec, workers, 0, checkpoints)
        .persist(StorageLevel.MEMORY_ONLY());
    if (batches != null) {
      batches.count();
    }
    // Rounds of an epoch: each worker's share is a contiguous slice of the minibatches
    int frequency = s.frequency(data.train().count(), workers);
    long minibatches = (data.train().count() + s.batchPerWorker() - 1) / s.batchPerWorker();
    int perWorker = (int) ((minibatches + workers - 1) / workers);
    String conf = net.getLayerWiseConfigurations().toJson();
    String attempt = spec.runId() + "/" + java.util.UUID.randomUUID();
    INDArray x = Evaluator.features(data.train());
    INDArray xTest = Evaluator.features(data.test());

    // The shared loop; an epoch here is one fit of the cached minibatches by parameter averaging,
    // evaluated on the driver.
    EpochLoop.Outcome out;
    try {
      out = EpochLoop.run(new EpochLoop.Run(spec, data, x, xTest, resumed, listener,
          checkpoints), net, new EpochLoop.Step() {
            private double score = Double.NaN;

            @Override
            public MultiLayerNetwork fit(MultiLayerNetwork model, int epoch) {
              sc.setJobDescription("overparam run " + spec.runId() + " [" + spec.label()
                  + "] epoch " + epoch + "/" + spec.epochs() + " (parameter averaging, "
                  + workers + " workers)");
              JavaRDD<DataSet> these = augmented
                  ? epochBatches(sc, spec, workers, epoch, checkpoints)
                      .persist(StorageLevel.MEMORY_ONLY())
                  : batches;
              try {
                // --- rounds: each worker's next `frequency` minibatches, then one average
                for (int from = 0; from < perWorker; from += frequency) {
                  double last = AveragingRound.run(sc, spec, attempt, conf, these, model, from,
                      frequency);
                  score = Double.isNaN(last) ? score : last;
                }
              } finally {
                if (augmented) {
                  these.unpersist(false);
                }
              }
              return model;
            }

            @Override
            public double score(MultiLayerNetwork model) {
              return score;
            }

            @Override
            public void beforeEvaluation() {
              Threads.limit(taskCores()); // in local mode the workers shared this JVM
            }
          });
    } finally {
      if (batches != null) {
        batches.unpersist(false);
      }
    }
    long flops = Models.trainingFlopsPerExample(spec, data.train().dim(), data.train().classes());
    RunResult result = out.result(spec, "parameter-averaging", params, flops, started, "cpu",
        Hosts.name());
    return Compression.appendTo(result, out.net(), xTest, data.test());
  }

  /** The minibatches of epoch {@code epoch}, built on the executors, one partition a worker. */
  static JavaRDD<DataSet> epochBatches(JavaSparkContext sc, RunSpec spec, int workers,
      int epoch, Checkpoints checkpoints) {
    return sc.parallelize(range(workers), workers)
        .mapPartitionsWithIndex((worker, ignored) -> workerBatches(spec, worker, workers, epoch,
            checkpoints).iterator(), true);
  }

  /** Worker {@code worker}'s share of the minibatches of a run without augmentation. */
  static List<DataSet> workerBatches(RunSpec spec, int worker, int workers) {
    return workerBatches(spec, worker, workers, 0, Checkpoints.none());
  }

  /** Worker {@code worker}'s share of the minibatches of epoch {@code epoch}. */
  static List<DataSet> workerBatches(RunSpec spec, int worker, int workers, int epoch) {
    return workerBatches(spec, worker, workers, epoch, Checkpoints.none());
  }

  /**
   * Worker {@code worker}'s share of the minibatches of epoch {@code epoch} (which only
   * augmentation depends on): a contiguous slice, as Spark would have cut the list had it been
   * parallelized from the driver; a distillation student's targets computed here from its
   * teacher's network in {@code store} ({@link Teacher#targets}). Runs on the executor.
   */
  static List<DataSet> workerBatches(RunSpec spec, int worker, int workers, int epoch,
      Checkpoints store) {
    Blas.checkCoreType();
    Threads.limit(taskCores());
    TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec);
    List<DataSet> all = minibatches(data.train(), spec.distillation() == null ? null
        : Teacher.targets(spec, data.train(), store), spec.strategy().batchPerWorker(),
        spec.seed(), Augmentation.of(spec), epoch);
    int from = (int) ((long) worker * all.size() / workers);
    int to = (int) ((long) (worker + 1) * all.size() / workers);
    return new ArrayList<>(all.subList(from, to));
  }

  private static List<Integer> range(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  /** Cores of the running task; all of this JVM's outside a task. */
  static int taskCores() {
    TaskContext ctx = TaskContext.get();
    return ctx == null ? Runtime.getRuntime().availableProcessors() : ctx.cpus();
  }

  /** The training set, shuffled once by the run seed, cut into DataSets of {@code size} rows. */
  static List<DataSet> minibatches(Examples train, int size, long seed) {
    return minibatches(train, null, size, seed, new Augmentation(0, null, seed), 0);
  }

  /**
   * The training set, shuffled once by the run seed, cut into DataSets of {@code size} rows,
   * each example moved by its {@code augmentation} offset of epoch {@code epoch}, fitting
   * {@code targets} (one row per example, in the order of {@code train}) or the labels where
   * null.
   */
  static List<DataSet> minibatches(Examples train, INDArray targets, int size, long seed,
      Augmentation augmentation, int epoch) {
    int[] perm = Seeds.permutation(train.count(), Seeds.rng(seed, "partition"));
    Examples shuffled = train.rows(perm, null);
    INDArray x = augmentation.none() ? Evaluator.features(shuffled)
        : Nd4j.create(augmentation.features(train, perm, epoch),
            new long[] {train.count(), train.dim()}, 'c');
    INDArray y = targets == null ? Evaluator.labels(shuffled) : Nd4j.pullRows(targets, 1, perm);
    List<DataSet> out = new ArrayList<>();
    for (int start = 0; start < train.count(); start += size) {
      int end = Math.min(train.count(), start + size);
      out.add(new DataSet(
          x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
              org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(),
          Evaluator.minibatchLabels(y.get(
              org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
              org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(), train.steps())));
    }
    return out;
  }
}
