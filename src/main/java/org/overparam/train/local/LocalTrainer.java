package org.overparam.train.local;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.overparam.config.RunSpec;
import org.overparam.data.Augmentation;
import org.overparam.data.Seeds;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.train.Checkpoints;
import org.overparam.train.Checkpoints.Checkpoint;
import org.overparam.train.Compression;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochLoop;
import org.overparam.train.Evaluator;
import org.overparam.train.RunResult;
import org.overparam.train.Teacher;

/**
 * Trains one model in this JVM, the {@code per-task} strategy: the shared {@link EpochLoop} with
 * an epoch that is one pass over a fresh permutation of the training set, its examples moved by
 * the run's {@link Augmentation} of that epoch if it has one.
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
    int n = data.train().count();
    int in = data.train().dim();
    int classes = data.train().classes();

    // --- model: built and initialised from the run seed's "init" stream, or as last checkpointed
    Checkpoint resumed = checkpoints.latest(spec).orElse(null);
    MultiLayerNetwork net = resumed != null ? resumed.net()
        : Models.build(spec, in, classes, n);
    long params = net.numParams();

    // --- data: copied into ND4J once; each epoch only permutes rows. A distillation student
    // fits its teacher's softened outputs mixed with the labels (Teacher).
    INDArray x = Evaluator.features(data.train());
    INDArray y = Teacher.targets(spec, data.train(), checkpoints);
    int steps = data.train().steps();
    INDArray xTest = Evaluator.features(data.test());
    SplittableRandom order = Seeds.rng(spec.seed(), "order");
    int batch = spec.optimizer().batchSize();
    Augmentation augmentation = Augmentation.of(spec);

    // --- resuming: the order stream replayed up to the checkpoint
    int first = resumed != null ? resumed.epoch() + 1 : 1;
    for (int epoch = 1; epoch < first; epoch++) {
      Seeds.permutation(n, order);
    }

    // --- the shared loop; an epoch here is one pass over a fresh permutation, minibatch by
    // minibatch, in this JVM
    EpochLoop.Outcome out = EpochLoop.run(new EpochLoop.Run(spec, data, x, xTest, resumed,
        listener, checkpoints), net, new EpochLoop.Step() {
          @Override
          public MultiLayerNetwork fit(MultiLayerNetwork model, int epoch) {
            int[] perm = Seeds.permutation(n, order);
            // Augmented features are built for this epoch alone; x, which is evaluated, never is.
            INDArray xs = augmentation.none() ? Nd4j.pullRows(x, 1, perm)
                : Nd4j.create(augmentation.features(data.train(), perm, epoch),
                    new long[] {n, in}, 'c');
            INDArray ys = Nd4j.pullRows(y, 1, perm);
            for (int start = 0; start < n; start += batch) {
              int end = Math.min(n, start + batch);
              model.fit(new DataSet(xs.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
                  Evaluator.minibatchLabels(ys.get(NDArrayIndex.interval(start, end),
                      NDArrayIndex.all()), steps)));
            }
            return model;
          }

          @Override
          public double score(MultiLayerNetwork model) {
            return model.score();
          }
        });
    RunResult result = out.result(spec, "per-task", params,
        Models.trainingFlopsPerExample(spec, in, classes), started, device, Hosts.name());
    return Compression.appendTo(result, out.net(), xTest, data.test());
  }
}
