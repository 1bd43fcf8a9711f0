package org.overparam.train.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.config.RunSpec;
import org.overparam.data.DataSource;
import org.overparam.data.Datasets;
import org.overparam.data.TrainTest;
import org.overparam.train.Checkpoints;
import org.overparam.train.Blas;
import org.overparam.train.EpochListener;
import org.overparam.train.RunResult;
import org.overparam.train.Threads;
import org.overparam.train.local.LocalTrainer;

/**
 * The {@code per-task} strategy: a one-partition job whose single task loads the data on its
 * executor (once per JVM), trains the whole model in-process and returns every epoch's metrics.
 * Shape: driver --RunSpec, Checkpoints--> 1 task --RunResult--> driver. No Spark work happens per
 * epoch. Runs of one MLP shape may go out together, one task training them as one stacked model
 * ({@link #trainStack}). The task saves the run's checkpoints itself and resumes from them, so a retried task
 * (lost executor) or a rerun sweep (lost driver) continues where the run stopped.
 */
final class PerTask {
  private PerTask() {}

  static RunResult train(JavaSparkContext sc, RunSpec spec, Checkpoints checkpoints) {
    return sc.parallelize(List.of(spec), 1).map(s -> trainHere(s, checkpoints)).collect().get(0);
  }

  /**
   * Runs of one shape trained together in one task as one stacked model; same shape as {@link
   * #train}, with the runs' list going out and their results coming back.
   */
  static List<RunResult> trainStack(JavaSparkContext sc, List<RunSpec> specs,
      Checkpoints checkpoints) {
    return sc.parallelize(List.of(new ArrayList<>(specs)), 1)
        .map(s -> trainStackHere(s, checkpoints)).collect().get(0);
  }

  /** Runs inside the task: each run's data prepared from the executor's one copy. */
  static List<RunResult> trainStackHere(List<RunSpec> specs, Checkpoints checkpoints) {
    String device = bind();
    List<TrainTest> data = new ArrayList<>();
    for (RunSpec spec : specs) {
      data.add(Datasets.prepare(Datasets.load(spec.dataset()), spec));
    }
    // an ArrayList: Kryo, which brings task results back, cannot rebuild List.of's lists
    return new ArrayList<>(new LocalTrainer(EpochListener.log(), checkpoints)
        .trainStack(specs, data, device));
  }

  /** The task's device and threads set, as for every task of this strategy. */
  private static String bind() {
    Blas.checkCoreType();
    TaskContext ctx = TaskContext.get();
    String device = Devices.bind(ctx);
    Threads.limit(ctx == null ? Runtime.getRuntime().availableProcessors() : ctx.cpus());
    return device;
  }

  /** Runs inside the task. */
  static RunResult trainHere(RunSpec spec, Checkpoints checkpoints) {
    String device = bind();
    DataSource src = Datasets.load(spec.dataset());
    return new LocalTrainer(EpochListener.log(), checkpoints)
        .train(spec, Datasets.prepare(src, spec), device);
  }
}
