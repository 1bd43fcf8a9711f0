package org.overparam.train.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
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
 * The {@code parameter-averaging} strategy: one model trained data-parallel with DL4J's
 * {@link ParameterAveragingTrainingMaster}.
 *
 * <p>Shape of one epoch: the driver broadcasts the parameters; each of W partitions (cached
 * minibatches of {@code batch_per_worker} examples, built once per run) fits
 * {@code averaging_frequency} minibatches, then the parameters and updater state are summed with a
 * treeAggregate and divided by W; repeat until the partitions are consumed. The driver then
 * evaluates the averaged network on the full train and test sets itself (DL4J's
 * {@code calculateScore} releases the parameter buffer, so it is not used).
 *
 * <p>The epochs go through the shared {@link EpochLoop}. The driver saves checkpoints (network with averaged optimiser state, metrics so far) every
 * {@code checkpoint_every} epochs and resumes from them. Each epoch gets its own training master
 * seeded by (run seed, epoch), so how minibatches are split into averaging rounds never depends on
 * the epochs before: a resumed run repeats the splits an uninterrupted one makes.
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
              SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, model,
                  master(spec, workers, epoch, data.train().count()));
              JavaRDD<DataSet> these = augmented ? epochBatches(sc, spec, workers, epoch, checkpoints)
                  : batches;
              MultiLayerNetwork fitted = sparkNet.fit(these);
              if (augmented) {
                these.unpersist(false); // the training master caches what it fits
              }
              score = sparkNet.getScore();
              return fitted;
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

  /** One epoch's training master; its split of minibatches into rounds is seeded by the epoch. */
  private static ParameterAveragingTrainingMaster master(RunSpec spec, int workers, int epoch,
      int examples) {
    StrategyConfig s = spec.strategy();
    return new ParameterAveragingTrainingMaster.Builder(workers, s.batchPerWorker())
        // DL4J's builder leaves this off although its documentation says on: without it each
        // round's workers restart Adam's moments (or momentum) from the driver's first state
        .saveUpdater(true)
        .batchSizePerWorker(s.batchPerWorker())
        .averagingFrequency(s.frequency(examples, workers))
        .workerPrefetchNumBatches(0)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .repartionData(Repartition.Never)
        .storageLevel(StorageLevel.MEMORY_ONLY())
        .rngSeed(Seeds.derive(spec.seed(), "order-" + epoch))
        .collectTrainingStats(false)
        .trainingHooks(new TaskThreads())
        .build();
  }

  /** The minibatches of epoch {@code epoch}, built on the executors, one partition a worker. */
  private static JavaRDD<DataSet> epochBatches(JavaSparkContext sc, RunSpec spec, int workers,
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

  /**
   * Matches a worker's native threads to its task's cores before each minibatch (a cheap check
   * after the first): DL4J's workers otherwise run as many BLAS threads as the machine has cores
   * in every concurrent task.
   */
  static final class TaskThreads implements TrainingHook {
    @Override
    public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
      Threads.limit(taskCores());
    }

    @Override
    public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {}

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
      Threads.limit(taskCores());
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {}
  }
}
