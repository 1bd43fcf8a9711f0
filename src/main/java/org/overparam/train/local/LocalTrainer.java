package org.overparam.train.local;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.overparam.config.RunSpec;
import org.overparam.data.Seeds;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.train.Checkpoints;
import org.overparam.train.Checkpoints.Checkpoint;
import org.overparam.train.Compression;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochMetrics;
import org.overparam.train.Evaluator;
import org.overparam.train.RunResult;
import org.overparam.train.RunStatus;

/** Trains one model in this JVM: the loop behind the {@code per-task} strategy. */
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
    int n = data.train().count();
    int in = data.train().dim();
    int classes = data.train().classes();

    // --- model: built and initialised from the run seed's "init" stream, or as last checkpointed
    Checkpoint resumed = checkpoints.latest(spec).orElse(null);
    MultiLayerNetwork net = resumed != null ? resumed.net() : Models.build(spec, in, classes);
    long params = net.numParams();

    // --- data: copied into ND4J once; each epoch only permutes rows
    INDArray x = Evaluator.features(data.train());
    INDArray y = Evaluator.oneHot(data.train());
    INDArray xTest = Evaluator.features(data.test());
    SplittableRandom order = Seeds.rng(spec.seed(), "order");
    int batch = spec.optimizer().batchSize();

    // --- resuming: the metrics so far, and the order stream replayed up to the checkpoint
    int first = resumed != null ? resumed.epoch() + 1 : 1;
    for (int epoch = 1; epoch < first; epoch++) {
      Seeds.permutation(n, order);
    }
    List<EpochMetrics> epochs = new ArrayList<>(resumed != null ? resumed.epochs() : List.of());
    RunStatus status = RunStatus.COMPLETED;
    String message = "";
    for (int epoch = first; epoch <= spec.epochs(); epoch++) {
      // --- one pass over a fresh permutation, minibatch by minibatch
      long t0 = System.nanoTime();
      int[] perm = Seeds.permutation(n, order);
      INDArray xs = Nd4j.pullRows(x, 1, perm);
      INDArray ys = Nd4j.pullRows(y, 1, perm);
      for (int start = 0; start < n; start += batch) {
        int end = Math.min(n, start + batch);
        net.fit(new DataSet(xs.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
            ys.get(NDArrayIndex.interval(start, end), NDArrayIndex.all())));
      }
      double fitSeconds = (System.nanoTime() - t0) / 1e9;

      // --- evaluate on the full train and test sets at the configured cadence
      if (epoch % spec.evalEvery() != 0 && epoch != spec.epochs()) {
        if (!Double.isFinite(net.score())) {
          status = RunStatus.DIVERGED;
          message = "training loss became " + net.score() + " in epoch " + epoch;
          break;
        }
        checkpoint(spec, epoch, net, epochs);
        continue;
      }
      long t1 = System.nanoTime();
      double[] tr = Evaluator.evaluate(net, x, data.train());
      double[] te = Evaluator.evaluate(net, xTest, data.test());
      EpochMetrics m = new EpochMetrics(epoch, tr[0], tr[1], te[0], te[1], fitSeconds,
          n / fitSeconds, (System.nanoTime() - t1) / 1e9);

      // --- a non-finite loss ends the run as diverged; the sweep goes on
      if (!m.finite()) {
        status = RunStatus.DIVERGED;
        message = "loss became non-finite in epoch " + epoch;
        break;
      }
      epochs.add(m);
      listener.onEpoch(spec, m);
      checkpoint(spec, epoch, net, epochs);
    }
    RunResult result = new RunResult(spec, "per-task", params, Models.nonEmbeddingParams(net),
        Models.trainingFlopsPerExample(spec, in, classes), status, message, started,
        System.currentTimeMillis(), epochs, Nd4j.getBackend().getClass().getSimpleName(), device,
        Hosts.name(), List.of());
    return Compression.appendTo(result, net, xTest, data.test());
  }

  /** Every {@code checkpoint_every} epochs: network, optimiser state and the metrics so far. */
  private void checkpoint(RunSpec spec, int epoch, MultiLayerNetwork net,
      List<EpochMetrics> epochs) {
    if (Checkpoints.due(spec, epoch)) {
      checkpoints.save(spec, new Checkpoint(epoch, net, epochs));
    }
  }
}
