package org.overparam.train.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.RunSpec;
import org.overparam.config.StrategyConfig;
import org.overparam.model.Mlp;
import org.overparam.model.Models;
import org.overparam.train.Threads;

/**
 * Splits a sweep's runs between the two strategies. Explicit kinds are obeyed; {@code auto}
 * weighs each large model with a cost model built from one measured figure, the seconds one core
 * takes to fit one example of that model ({@link #secondsPerSample}, timed on the driver):
 *
 * <pre>
 *   per task:   T  = s * n * epochs                  (one core, runs packed onto the task slots)
 *   averaging:  Tp = epochs * (s * n / W + rounds * (SYNC_FIXED + SYNC_PER_PARAM * (1 + W) * P))
 *               rounds = ceil(n / (W * batch * frequency)) averagings per epoch
 * </pre>
 *
 * Runs below {@code auto_threshold_params} are not timed: their T is scaled by parameters from the
 * smallest timed run. The per-task runs finish in about max(sum T / slots, largest T), started
 * longest first by parameters x examples x epochs; averaged runs follow one after
 * another. Largest first, a run moves to averaging while that shortens the estimated sweep: the
 * models that would finish last get all the cores, and everything else packs onto the slots.
 * SYNC_FIXED (a Spark job and DL4J's worker set-up) and SYNC_PER_PARAM (parameters and Adam state
 * broadcast and returned, 12 bytes a parameter each way at about 200 MB/s) were measured with
 * bench/ (the averaging section); they only need to be right within a factor of two or so.
 */
final class Planner {
  static final double SYNC_FIXED = 0.3;
  static final double SYNC_PER_PARAM = 12.0 / 200e6;

  /** The runs of each strategy, per-task ones in the order to start them (longest first). */
  record Plan(List<RunSpec> perTask, List<RunSpec> averaged) {}

  private Planner() {}

  static Plan plan(List<RunSpec> runs, int slots, ToDoubleFunction<RunSpec> secondsPerSample) {
    List<RunSpec> perTask = new ArrayList<>();
    List<RunSpec> averaged = new ArrayList<>();
    List<RunSpec> weigh = new ArrayList<>();
    for (RunSpec r : runs) {
      if (r.optimizer().cosine()) {
        perTask.add(r); // a schedule spans the run's steps in one JVM (OptimizerConfig)
        continue;
      }
      switch (r.strategy().resolve(Models.params(r))) {
        case "per-task" -> perTask.add(r);
        case "parameter-averaging" -> averaged.add(r);
        default -> weigh.add(r);
      }
    }
    // Per-task seconds of each run: measured for the runs to weigh; for the others (small ones),
    // scaled by parameters from the smallest measured one, which is what one-core time follows.
    // Start order is by parameters x examples x epochs, which no timing noise can shuffle.
    Comparator<RunSpec> longestFirst = Comparator.comparingDouble(
        (RunSpec r) -> (double) Models.params(r) * r.trainSize() * r.epochs()).reversed();
    weigh.sort(longestFirst);
    Map<RunSpec, Double> t = new HashMap<>();
    for (RunSpec r : weigh) {
      t.put(r, secondsPerSample.applyAsDouble(r) * r.trainSize() * r.epochs());
    }
    double perParam = weigh.isEmpty() ? 0 : t.get(weigh.get(weigh.size() - 1))
        / ((double) Models.params(weigh.get(weigh.size() - 1)) * weigh.get(weigh.size() - 1)
            .trainSize() * weigh.get(weigh.size() - 1).epochs());
    for (RunSpec r : perTask) {
      t.put(r, perParam * Models.params(r) * r.trainSize() * r.epochs());
    }

    // Largest first: average a run's parameters while that shortens the sweep.
    double fixedWork = perTask.stream().mapToDouble(t::get).sum();
    double pending = weigh.stream().mapToDouble(t::get).sum();
    double averagedTime = 0;
    int i = 0;
    for (; i < weigh.size(); i++) {
      RunSpec r = weigh.get(i);
      double next = i + 1 < weigh.size() ? t.get(weigh.get(i + 1)) : 0; // weigh is longest first
      double keep = Math.max((fixedWork + pending) / slots, t.get(r)) + averagedTime;
      double tp = averagedSeconds(r, slots, secondsPerSample.applyAsDouble(r));
      double move = Math.max((fixedWork + pending - t.get(r)) / slots, next) + averagedTime + tp;
      if (move >= keep) {
        break;
      }
      averaged.add(r);
      averagedTime += tp;
      pending -= t.get(r);
    }
    perTask.addAll(weigh.subList(i, weigh.size()));
    perTask.sort(longestFirst);
    return new Plan(perTask, averaged);
  }

  /** Estimated seconds to train {@code r} by parameter averaging on {@code slots} workers. */
  static double averagedSeconds(RunSpec r, int slots, double secondsPerSample) {
    StrategyConfig s = r.strategy();
    int w = s.workers() > 0 ? s.workers() : slots;
    long perRound = (long) w * s.batchPerWorker() * s.frequency(r.trainSize(), w);
    long rounds = (r.trainSize() + perRound - 1) / perRound;
    double sync = SYNC_FIXED + SYNC_PER_PARAM * (1 + w) * Models.params(r);
    return r.epochs() * (secondsPerSample * r.trainSize() / w + rounds * sync);
  }

  /** Measures models on this JVM's driver: one core, random inputs, a few minibatches. */
  static final class Measured implements ToDoubleFunction<RunSpec> {
    private final Map<String, Double> byShape = new HashMap<>();

    @Override
    public double applyAsDouble(RunSpec r) {
      int batch = r.optimizer().batchSize();
      String shape = r.family() + r.depth() + "x" + r.width() + "/" + batch + "/"
          + r.optimizer().kind() + "/" + r.dataset().featureDim();
      return byShape.computeIfAbsent(shape, k -> secondsPerSample(r, batch));
    }
  }

  /** Seconds one core takes to fit one example of {@code r}'s model in minibatches of batch. */
  static double secondsPerSample(RunSpec r, int batch) {
    Threads.limit(1);
    try {
      int in = r.dataset().featureDim();
      int classes = r.dataset().numClasses();
      MultiLayerNetwork net = Mlp.build(r, in, classes, Models.steps(r, r.trainSize()));
      DataSet ds = new DataSet(Nd4j.rand(DataType.FLOAT, batch, in),
          Nd4j.zeros(DataType.FLOAT, batch, classes).putScalar(0, 0, 1f));
      int warm = 2;
      int timed = 4;
      long t0 = 0;
      for (int i = 0; i < warm + timed; i++) {
        if (i == warm) {
          t0 = System.nanoTime();
        }
        net.fit(ds);
      }
      return (System.nanoTime() - t0) / 1e9 / (timed * (double) batch);
    } finally {
      Threads.limit(ParameterAveraging.taskCores());
    }
  }
}
