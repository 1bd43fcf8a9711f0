package org.overparam.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.RunSpec;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.train.Checkpoints.Checkpoint;

/**
 * The one epoch loop of every strategy: fit an epoch, evaluate at the run's cadence (and after
 * its last epoch), end a run whose loss is no longer finite as diverged, checkpoint when due,
 * report each evaluated epoch, and hand a completed run's network to the store that keeps
 * distillation teachers ({@link Checkpoints#saveFinal}). A strategy supplies only how one epoch is fitted ({@link Step}):
 * in this JVM ({@code per-task}) or data-parallel across executors ({@code parameter-averaging}).
 */
public final class EpochLoop {
  private EpochLoop() {}

  /** How a strategy fits one epoch. */
  public interface Step {
    /** One pass over the training set; returns the network to go on with. */
    MultiLayerNetwork fit(MultiLayerNetwork net, int epoch);

    /** The training loss the last {@link #fit} ended with (checked between evaluations). */
    double score(MultiLayerNetwork net);

    /** Called before each evaluation, in the JVM that evaluates. */
    default void beforeEvaluation() {}
  }

  /**
   * The run's inputs that do not change from epoch to epoch.
   *
   * @param spec the run
   * @param data its training set (labels as trained) and clean test set
   * @param x the training features, copied into ND4J once
   * @param xTest the test features
   * @param resumed the checkpoint the run continues from, or null to start afresh
   * @param listener hears about each evaluated epoch
   * @param checkpoints where the run saves its state
   */
  public record Run(RunSpec spec, TrainTest data, INDArray x, INDArray xTest,
      Checkpoint resumed, EpochListener listener, Checkpoints checkpoints) {}

  /**
   * How the loop ended.
   *
   * @param net the trained network
   * @param epochs the evaluated epochs, finite ones only (those of the checkpoint included)
   * @param status completed or diverged
   * @param message why it diverged, else empty
   */
  public record Outcome(MultiLayerNetwork net, List<EpochMetrics> epochs, RunStatus status,
      String message) {

    /**
     * The run's result, named field by field.
     *
     * @param spec the run
     * @param strategy the strategy that trained it
     * @param params parameters of the built network
     * @param flopsPerExample training FLOPs per example
     * @param started wall-clock start, epoch milliseconds
     * @param device where it trained
     * @param host the host that trained it
     */
    public RunResult result(RunSpec spec, String strategy, long params, long flopsPerExample,
        long started, String device, String host) {
      return new RunResult(spec, strategy, params, Models.nonEmbeddingParams(net),
          flopsPerExample, status, message, started,
          System.currentTimeMillis(), epochs, Nd4j.getBackend().getClass().getSimpleName(),
          device, host, List.of());
    }
  }

  /**
   * Trains {@code net} from the epoch after {@code run.resumed()} (or the first) to the last;
   * never throws for a diverging model.
   */
  public static Outcome run(Run run, MultiLayerNetwork net, Step step) {
    RunSpec spec = run.spec();
    int n = run.data().train().predictions(); // examples, or predicted tokens of windows
    List<EpochMetrics> epochs = new ArrayList<>(run.resumed() != null ? run.resumed().epochs()
        : List.of());
    int first = run.resumed() != null ? run.resumed().epoch() + 1 : 1;
    for (int epoch = first; epoch <= spec.epochs(); epoch++) {
      // --- one epoch, fitted the strategy's way
      long t0 = System.nanoTime();
      net = step.fit(net, epoch);
      double fitSeconds = (System.nanoTime() - t0) / 1e9;

      // --- between evaluations only the training loss is watched
      if (epoch % spec.evalEvery() != 0 && epoch != spec.epochs()) {
        double score = step.score(net);
        if (!Double.isFinite(score)) {
          return new Outcome(net, epochs, RunStatus.DIVERGED, "training loss became " + score
              + " in epoch " + epoch);
        }
        checkpoint(run, epoch, net, epochs);
        continue;
      }

      // --- evaluate on the full train and test sets
      step.beforeEvaluation();
      long t1 = System.nanoTime();
      double[] tr = Evaluator.evaluate(net, run.x(), run.data().train());
      double[] te = Evaluator.evaluate(net, run.xTest(), run.data().test());
      EpochMetrics m = new EpochMetrics(epoch, tr[0], tr[1], te[0], te[1], fitSeconds,
          n / fitSeconds, (System.nanoTime() - t1) / 1e9);

      // --- a non-finite loss ends the run as diverged; the sweep goes on
      if (!m.finite()) {
        return new Outcome(net, epochs, RunStatus.DIVERGED, "loss became non-finite in epoch "
            + epoch);
      }
      epochs.add(m);
      run.listener().onEpoch(spec, m);
      checkpoint(run, epoch, net, epochs);
    }
    // A distillation teacher's network stays for its students (other runs keep nothing).
    run.checkpoints().saveFinal(spec, net);
    return new Outcome(net, epochs, RunStatus.COMPLETED, "");
  }

  /** Every {@code checkpoint_every} epochs: network, optimiser state and the metrics so far. */
  private static void checkpoint(Run run, int epoch, MultiLayerNetwork net,
      List<EpochMetrics> epochs) {
    if (Checkpoints.due(run.spec(), epoch)) {
      run.checkpoints().save(run.spec(), new Checkpoint(epoch, net, epochs));
    }
  }
}
