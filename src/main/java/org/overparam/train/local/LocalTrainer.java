package org.overparam.train.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.overparam.config.RunSpec;
import org.overparam.data.Augmentation;
import org.overparam.data.Seeds;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.model.StackedMlp;
import org.overparam.train.Checkpoints;
import org.overparam.train.Checkpoints.Checkpoint;
import org.overparam.train.Compression;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochLoop;
import org.overparam.train.Evaluator;
import org.overparam.train.RunResult;
import org.overparam.train.Teacher;
import org.overparam.train.Threads;

/**
 * Trains one model in this JVM, the {@code per-task} strategy: the shared {@link EpochLoop} with
 * an epoch that is one pass over a fresh permutation of the training set, its examples moved by
 * the run's {@link Augmentation} of that epoch if it has one. Runs of one MLP shape may instead be
 * trained together, as one {@link StackedMlp} ({@link #trainStack}).
 */
public final class LocalTrainer {
  private final EpochListener listener;
  private final Checkpoints checkpoints;

  public LocalTrainer(EpochListener listener) {
    this(listener, Checkpoints.none());
  }

  /** A trainer that resumes runs from, and saves them to, {@code checkpoints}. */
  public LocalTrainer(EpochListener listener, Checkpoints checkpoints) {
    this.listener = listener;
    this.checkpoints = checkpoints;
  }

  /** Trains {@code spec} on {@code data}; never throws for a diverging model. */
  public RunResult train(RunSpec spec, TrainTest data, String device) {
    long started = System.currentTimeMillis();
    // --- model, data and order stream, afresh or as last checkpointed (member)
    Member m = member(spec, data);
    int n = m.n();
    int batch = spec.optimizer().batchSize();
    Augmentation augmentation = Augmentation.of(spec);

    // --- the shared loop; an epoch here is one pass over a fresh permutation, minibatch by
    // minibatch, in this JVM
    EpochLoop.Outcome out = EpochLoop.run(m.run(), m.net(), new EpochLoop.Step() {
          @Override
          public MultiLayerNetwork fit(MultiLayerNetwork model, int epoch) {
            int[] perm = Seeds.permutation(n, m.order());
            // Augmented features are built for this epoch alone; x, which is evaluated, never is.
            INDArray xs = augmentation.none() ? Nd4j.pullRows(m.run().x(), 1, perm)
                : Nd4j.create(augmentation.features(data.train(), perm, epoch),
                    new long[] {n, data.train().dim()}, 'c');
            INDArray ys = Nd4j.pullRows(m.y(), 1, perm);
            for (int start = 0; start < n; start += batch) {
              int end = Math.min(n, start + batch);
              model.fit(new DataSet(xs.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
                  Evaluator.minibatchLabels(ys.get(NDArrayIndex.interval(start, end),
                      NDArrayIndex.all()), data.train().steps())));
            }
            return model;
          }

          @Override
          public double score(MultiLayerNetwork model) {
            return model.score();
          }
        });
    return finish(m, out, started, device, 0);
  }

  /**
   * Trains runs of one MLP shape together as one {@link StackedMlp}, each on its own data
   * ({@code data.get(k)} for {@code specs.get(k)}); never throws for a diverging model. Runs
   * resumed from checkpoints of different epochs are trained as one stack per epoch.
   *
   * @throws IllegalArgumentException if the runs' networks cannot be stacked
   */
  public List<RunResult> trainStack(List<RunSpec> specs, List<TrainTest> data, String device) {
    long started = System.currentTimeMillis();
    List<Member> members = new ArrayList<>();
    for (int k = 0; k < specs.size(); k++) {
      members.add(member(specs.get(k), data.get(k)));
    }
    // --- one stack per checkpointed epoch (all of them, normally)
    Map<Integer, List<Integer>> byEpoch = new TreeMap<>();
    for (int k = 0; k < members.size(); k++) {
      Checkpoint c = members.get(k).run().resumed();
      byEpoch.computeIfAbsent(c == null ? 0 : c.epoch(), e -> new ArrayList<>()).add(k);
    }
    RunResult[] results = new RunResult[members.size()];
    for (List<Integer> group : byEpoch.values()) {
      List<Member> stack = group.stream().map(members::get).toList();
      List<EpochLoop.Outcome> outs = trainTogether(stack);
      for (int i = 0; i < group.size(); i++) {
        results[group.get(i)] = finish(stack.get(i), outs.get(i), started, device, stack.size());
      }
    }
    return List.of(results);
  }

  /**
   * The shared loop over a stack; an epoch is, for every member, one pass over its own fresh
   * permutation, all members stepping through their minibatches together.
   */
  private static List<EpochLoop.Outcome> trainTogether(List<Member> stack) {
    int size = stack.size();
    Member lead = stack.get(0);
    int batch = lead.run().spec().optimizer().batchSize();
    StackedMlp model = StackedMlp.of(stack.stream().map(Member::net).toList());
    DataType type = lead.net().params().dataType();
    double[][] y = new double[size][];
    INDArray[] x = new INDArray[size];
    for (int k = 0; k < size; k++) {
      y[k] = stack.get(k).y().dup('c').data().asDouble();
      INDArray xk = stack.get(k).run().x();
      x[k] = xk.dataType() == type ? xk : xk.castTo(type);
    }
    // --- small products on one BLAS thread for the whole run (StackedMlp.SPLIT_PRODUCT)
    int cores = Nd4j.factory().blas().getMaxThreads();
    boolean one = cores > 1 && model.smallAt(batch);
    if (one) {
      Threads.limit(1);
    }
    try {
      return trainTogether(stack, model, type, x, y);
    } finally {
      if (one) {
        Threads.limit(cores);
      }
    }
  }

  /** The loop itself: each step gathers every member's minibatch rows, then steps the stack. */
  private static List<EpochLoop.Outcome> trainTogether(List<Member> stack, StackedMlp model,
      DataType type, INDArray[] x, double[][] y) {
    int size = stack.size();
    int n = stack.get(0).n();
    int batch = stack.get(0).run().spec().optimizer().batchSize();
    return EpochLoop.runAll(stack.stream().map(Member::run).toList(), new EpochLoop.StackStep() {
      private final int[][] order = new int[size][];
      // each member's minibatch rows, gathered step by step into buffers that stay in cache
      private final Map<Integer, INDArray[]> buffers = new HashMap<>();
      private final boolean[] copied = new boolean[size];

      @Override
      public void fit(int epoch, BitSet live) {
        for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
          order[k] = Seeds.permutation(n, stack.get(k).order());
          copied[k] = false;
        }
        for (int start = 0; start < n; start += batch) {
          int end = Math.min(n, start + batch);
          INDArray[] rows = buffers.computeIfAbsent(end - start, r -> new INDArray[size]);
          for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
            if (rows[k] == null) {
              rows[k] = Nd4j.create(type, end - start, x[k].size(1));
            }
            Nd4j.pullRows(x[k], rows[k], 1, Arrays.copyOfRange(order[k], start, end));
          }
          model.step(rows, y, order, start, end - start, live);
        }
      }

      @Override
      public double score(int member) {
        return model.score(member);
      }

      @Override
      public MultiLayerNetwork net(int member) {
        if (!copied[member]) {
          model.copyInto(member, stack.get(member).net());
          copied[member] = true;
        }
        return stack.get(member).net();
      }
    });
  }

  /**
   * One run's inputs: its network (built from the run seed's "init" stream, or as last
   * checkpointed), its data copied into ND4J once, and its order stream, replayed up to the
   * checkpoint. A distillation student fits its teacher's softened outputs mixed with the
   * labels (Teacher).
   */
  private record Member(EpochLoop.Run run, MultiLayerNetwork net, INDArray y,
      SplittableRandom order, int n) {}

  private Member member(RunSpec spec, TrainTest data) {
    int n = data.train().count();
    Checkpoint resumed = checkpoints.latest(spec).orElse(null);
    MultiLayerNetwork net = resumed != null ? resumed.net()
        : Models.build(spec, data.train().dim(), data.train().classes(), n);
    INDArray x = Evaluator.features(data.train());
    INDArray y = Teacher.targets(spec, data.train(), checkpoints);
    INDArray xTest = Evaluator.features(data.test());
    SplittableRandom order = Seeds.rng(spec.seed(), "order");
    int first = resumed != null ? resumed.epoch() + 1 : 1;
    for (int epoch = 1; epoch < first; epoch++) {
      Seeds.permutation(n, order);
    }
    return new Member(new EpochLoop.Run(spec, data, x, xTest, resumed, listener, checkpoints),
        net, y, order, n);
  }

  /** The run's result, its compressed variants evaluated. */
  private static RunResult finish(Member m, EpochLoop.Outcome out, long started, String device,
      int stackSize) {
    RunSpec spec = m.run().spec();
    TrainTest data = m.run().data();
    int in = data.train().dim();
    int classes = data.train().classes();
    RunResult result = out.result(spec, "per-task", m.net().numParams(),
        Models.trainingFlopsPerExample(spec, in, classes), started, device, Hosts.name())
        .withStackSize(stackSize);
    return Compression.appendTo(result, out.net(), m.run().xTest(), data.test());
  }
}
