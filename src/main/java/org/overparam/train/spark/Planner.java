package org.overparam.train.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.overparam.model.StackedMlp;
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
 * SYNC_FIXED (a Spark job, its broadcast and the workers' set-up) and SYNC_PER_PARAM
 * (parameters and Adam state broadcast and returned, 12 bytes a parameter each way at about
 * 200 MB/s) were measured with
 * bench/ (the averaging section); they only need to be right within a factor of two or so.
 * Per-task runs of one MLP shape are then grouped into stacks trained together ({@link #units}).
 */
final class Planner {
  static final double SYNC_FIXED = 0.3;
  static final double SYNC_PER_PARAM = 12.0 / 200e6;

  /**
   * Most runs in one stack. Each member keeps its own copy of its training set and activations,
   * and a larger stack gains little: the per-step work it shares is already small beside the
   * members' own products.
   */
  static final int MAX_STACK = 8;

  /**
   * Most bytes the members of one stack may hold together: each has its own training and test
   * features (the examples' floats and ND4J's copy, 8 bytes an input value) and its parameters,
   * gradients and Adam state twice (the stack's and its network's, about 28 bytes a parameter).
   * Runs on a large training set therefore stack little or not at all.
   */
  static final long STACK_BYTES = 512L << 20;

  /**
   * Fewest parameters of a member that trains alone (a stack of one). A member's step is then
   * long beside what a stack saves it (the per-step work shared), and members stepped one after
   * another push each other's parameters, gradients and Adam state out of the caches: measured
   * per member (one thread, 1,000 examples, minibatches of 100), stacks of five ran 0.9-1.1x
   * one alone at width 256 (203,530 parameters), 1.05-1.3x at 512 (407,050) and 1.06-1.2x at
   * 1024; stacks of two at 512, 1.1-1.25x. The same line as {@link StackedMlp#SPLIT_UPDATE}.
   */
  static final long ALONE_PARAMS = 1L << 18;

  /** What one member of a stack holds, as {@link #STACK_BYTES} counts it. */
  static long stackBytes(RunSpec r) {
    long examples = (long) r.trainSize() + Math.max(0, r.dataset().testExamples());
    return 8L * examples * r.dataset().featureDim() + 28L * Models.params(r);
  }

  /**
   * The runs of each strategy, per-task ones in the order to start them (longest first), and
   * the per-task runs as the tasks that train them, longest first.
   */
  record Plan(List<RunSpec> perTask, List<RunSpec> averaged, List<Unit> units) {}

  /**
   * What one task trains: one run in DL4J's own loop ({@code stacked} false), or runs of one
   * shape as one stacked model (one or more).
   */
  record Unit(List<RunSpec> runs, boolean stacked) {
    Unit {
      runs = List.copyOf(runs);
    }
  }

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
    // With nothing timed, per-task times are relative (one unit a parameter x example x
    // epoch): enough to order the runs and size their stacks.
    double perParam = weigh.isEmpty() ? 1 : t.get(weigh.get(weigh.size() - 1))
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
    return new Plan(perTask, averaged, units(perTask, slots, t));
  }

  /**
   * Per-task runs as tasks: runs a stack can train ({@link StackedMlp#trains}) grouped by
   * shape, each group cut into stacks of at most {@code m} runs, where m is how many of its runs
   * fit in half a slot's share of the sweep's estimated per-task time ({@code sum T / slots / 2},
   * T as estimated above), between 1 and {@link #MAX_STACK} and no more than {@link
   * #STACK_BYTES} hold, and 1 for members of {@link #ALONE_PARAMS} or more: stacks of small
   * models are as large as allowed, while the largest models, whose steps a stack does not
   * shorten, go out one to a task. Other runs train alone. Longest tasks first.
   */
  static List<Unit> units(List<RunSpec> perTask, int slots, Map<RunSpec, Double> t) {
    double share = perTask.stream().mapToDouble(t::get).sum() / slots / 2;
    Map<String, List<RunSpec>> groups = new LinkedHashMap<>();
    List<Unit> units = new ArrayList<>();
    for (RunSpec r : perTask) {
      if (StackedMlp.trains(r)) {
        groups.computeIfAbsent(StackedMlp.shapeOf(r), k -> new ArrayList<>()).add(r);
      } else {
        units.add(new Unit(List.of(r), false));
      }
    }
    for (List<RunSpec> g : groups.values()) {
      double each = g.stream().mapToDouble(t::get).max().orElse(0);
      long fit = Models.params(g.get(0)) >= ALONE_PARAMS ? 1
          : STACK_BYTES / Math.max(1, stackBytes(g.get(0)));
      int m = (int) Math.max(1, Math.min(Math.min(MAX_STACK, fit), each > 0
          ? Math.floor(share / each) : MAX_STACK));
      int stacks = (g.size() + m - 1) / m;
      for (int s = 0, from = 0; s < stacks; s++) {
        int to = from + (g.size() - from) / (stacks - s); // near-equal stacks
        units.add(new Unit(g.subList(from, to), true));
        from = to;
      }
    }
    units.sort(Comparator.comparingDouble((Unit u) -> u.runs().stream().mapToDouble(t::get)
        .sum()).reversed());
    return units;
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
