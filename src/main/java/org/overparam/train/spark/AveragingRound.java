package org.overparam.train.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.RunSpec;
import org.overparam.model.StackedMlp;
import org.overparam.train.Blas;
import org.overparam.train.Threads;

/**
 * One averaging round of the {@code parameter-averaging} strategy. Its shape, W workers:
 *
 * <pre>
 *   driver    broadcast {@link State}: parameters, optimiser state, step and epoch counts
 *   worker w  its cached minibatches [from, from + steps) (a contiguous share of the epoch's),
 *             fitted from that state on its network, kept in its JVM from round to round
 *   driver    the W {@link Sum}s collected (one Spark job), summed, divided by the workers
 *             that fitted
 * </pre>
 *
 * A worker fits with the stacked step, as a stack of one, where the run is one a stack trains
 * ({@link StackedMlp#trains}), and with {@code MultiLayerNetwork.fit} otherwise; the two agree
 * within float rounding. Averaging the optimiser state with the parameters is what DL4J's
 * {@code ParameterAveragingTrainingMaster} does with {@code saveUpdater}; the step count moves on
 * by the most minibatches a worker fitted, as its does by the averaging frequency.
 */
final class AveragingRound {
  private AveragingRound() {}

  /**
   * What the driver sends each worker at the start of a round. Arrays travel as Java arrays of
   * the network's type, which Java serialization writes in bulk: a worker's 9.8 MB result at
   * width 1024 took 10-48 ms to serialize so, 75-84 ms as INDArrays.
   */
  record State(Values params, Values optimiser, int iteration, int epoch)
      implements Serializable {}

  /** What workers send back, summed element-wise; {@code workers} of them fitted. */
  record Sum(Values params, Values optimiser, double score, int workers, int steps)
      implements Serializable {
    Sum plus(Sum o) {
      return new Sum(params.add(o.params), optimiser.add(o.optimiser), score + o.score,
          workers + o.workers, Math.max(steps, o.steps));
    }
  }

  /** An array's values: float or double, as the network's. */
  record Values(float[] floats, double[] doubles) implements Serializable {
    static Values of(INDArray a) {
      a = a.offset() == 0 && a.length() == a.data().length() ? a : a.dup();
      return a.dataType() == DataType.DOUBLE ? new Values(null, a.data().asDouble())
          : new Values(a.data().asFloat(), null);
    }

    /** Adds {@code o} into these values. */
    Values add(Values o) {
      if (floats != null) {
        for (int i = 0; i < floats.length; i++) {
          floats[i] += o.floats[i];
        }
      } else {
        for (int i = 0; i < doubles.length; i++) {
          doubles[i] += o.doubles[i];
        }
      }
      return this;
    }

    /** Writes these values divided by {@code d} into {@code a}. */
    void divideInto(INDArray a, int d) {
      INDArray v = floats != null ? Nd4j.createFromArray(floats) : Nd4j.createFromArray(doubles);
      a.assign(d == 1 ? v.reshape(a.shape()) : v.reshape(a.shape()).divi(d));
    }

    /** Writes these values into {@code a}. */
    void into(INDArray a) {
      divideInto(a, 1);
    }
  }

  /**
   * Fits minibatches {@code [from, from + steps)} of every worker's share in {@code batches} (one
   * partition a worker) from {@code net}'s state, and leaves the average in {@code net}.
   *
   * @return the mean training loss the workers' last minibatches ended with, NaN if no worker
   *     had a minibatch in the range
   */
  static double run(JavaSparkContext sc, RunSpec spec, String attempt, String conf,
      JavaRDD<DataSet> batches, MultiLayerNetwork net, int from, int steps) {
    Broadcast<State> state = sc.broadcast(new State(Values.of(net.params()),
        Values.of(net.getUpdater().getStateViewArray()), net.getIterationCount(),
        net.getEpochCount()));
    try {
      List<Sum> sums = batches.mapPartitionsWithIndex((worker, mine) -> fit(spec, attempt, conf,
          worker, state.value(), mine, from, steps), true).collect();
      if (sums.isEmpty()) {
        return Double.NaN;
      }
      Sum total = sums.stream().reduce(Sum::plus).orElseThrow();
      total.params().divideInto(net.params(), total.workers());
      total.optimiser().divideInto(net.getUpdater().getStateViewArray(), total.workers());
      net.setIterationCount(net.getIterationCount() + total.steps());
      return total.score() / total.workers();
    } finally {
      state.destroy();
    }
  }

  /** Worker {@code worker}'s part of a round, on its executor: nothing if it has no minibatch. */
  private static Iterator<Sum> fit(RunSpec spec, String attempt, String conf, int worker,
      State state, Iterator<DataSet> mine, int from, int steps) {
    List<DataSet> all = new ArrayList<>();
    mine.forEachRemaining(all::add);
    List<DataSet> these = all.subList(Math.min(from, all.size()),
        Math.min(from + steps, all.size()));
    if (these.isEmpty()) {
      return Collections.emptyIterator();
    }
    Blas.checkCoreType();
    int cores = ParameterAveraging.taskCores();
    Threads.limit(cores);
    MultiLayerNetwork net = Networks.of(attempt + "/" + worker, conf);
    state.params().into(net.params());
    state.optimiser().into(net.getUpdater().getStateViewArray());
    net.setIterationCount(state.iteration());
    net.setEpochCount(state.epoch());
    double score;
    if (StackedMlp.trains(spec)) {
      score = fitStacked(net, these, cores);
    } else {
      for (DataSet b : these) {
        net.fit(b);
      }
      score = net.score();
    }
    return List.of(new Sum(Values.of(net.params()),
        Values.of(net.getUpdater().getStateViewArray()), score, 1, these.size())).iterator();
  }

  /** The minibatches on the stacked step, a stack of one, then its state back into {@code net}. */
  private static double fitStacked(MultiLayerNetwork net, List<DataSet> these, int cores) {
    StackedMlp stack = StackedMlp.of(List.of(net));
    int rows = 0;
    for (DataSet b : these) {
      rows += (int) b.getFeatures().size(0);
    }
    // the round's targets in one row-major array, its examples in order
    int classes = (int) these.get(0).getLabels().size(1);
    double[][] y = new double[1][rows * classes];
    int[][] order = new int[1][rows];
    int at = 0;
    for (DataSet b : these) {
      double[] labels = b.getLabels().dup('c').data().asDouble();
      System.arraycopy(labels, 0, y[0], at * classes, labels.length);
      at += (int) b.getFeatures().size(0);
    }
    for (int i = 0; i < rows; i++) {
      order[0][i] = i;
    }
    // small products on one BLAS thread (StackedMlp.SPLIT_PRODUCT)
    boolean one = cores > 1 && stack.smallAt((int) these.get(0).getFeatures().size(0));
    if (one) {
      Threads.limit(1);
    }
    BitSet live = new BitSet();
    live.set(0);
    try {
      at = 0;
      for (DataSet b : these) {
        INDArray x = b.getFeatures();
        if (x.dataType() != net.params().dataType() || x.ordering() != 'c') {
          x = x.castTo(net.params().dataType()).dup('c');
        }
        int r = (int) x.size(0);
        stack.step(new INDArray[] {x}, y, order, at, r, live);
        at += r;
      }
    } finally {
      if (one) {
        Threads.limit(cores);
      }
    }
    stack.copyInto(0, net);
    return stack.score(0);
  }

  /**
   * The networks workers fit on, one per run and worker, kept in the executor's JVM from round
   * to round (built from the configuration once, then given each round's state). A few are
   * kept, the least recently used dropped: runs follow one another.
   */
  static final class Networks {
    private static final int KEPT = 4;
    private static final Map<String, MultiLayerNetwork> BY_KEY =
        new LinkedHashMap<>(8, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, MultiLayerNetwork> eldest) {
            return size() > KEPT;
          }
        };

    private Networks() {}

    static synchronized MultiLayerNetwork of(String key, String conf) {
      return BY_KEY.computeIfAbsent(key, k -> {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf));
        net.init();
        return net;
      });
    }
  }
}
