package org.overparam.train.spark;

import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.config.RunSpec;
import org.overparam.data.DataSource;
import org.overparam.data.Datasets;
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
 * epoch. The task saves the run's checkpoints itself and resumes from them, so a retried task
 * (lost executor) or a rerun sweep (lost driver) continues where the run stopped.
 */
final class PerTask {
  private PerTask() {}

  static RunResult train(JavaSparkContext sc, RunSpec spec, Checkpoints checkpoints) {
    return sc.parallelize(List.of(spec), 1).map(s -> trainHere(s, checkpoints)).collect().get(0);
  }

  /** Runs inside the task. */
  static RunResult trainHere(RunSpec spec, Checkpoints checkpoints) {
    Blas.checkCoreType();
    TaskContext ctx = TaskContext.get();
    String device = Devices.bind(ctx);
    Threads.limit(ctx == null ? Runtime.getRuntime().availableProcessors() : ctx.cpus());
    DataSource src = Datasets.load(spec.dataset());
    return new LocalTrainer(EpochListener.log(), checkpoints)
        .train(spec, Datasets.prepare(src, spec), device);
  }
}
