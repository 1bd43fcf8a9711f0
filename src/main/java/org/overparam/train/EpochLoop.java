package org.overparam.train;

import java.util.ArrayList;
import java.util.BitSet;
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
 * in this JVM ({@code per-task}) or data-parallel across executors ({@code parameter-averaging});
 * runs of one shape trained together as a stack supply it for all of them at once ({@link
 * StackStep}), and each member is evaluated, checkpointed and ended on its own.
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
          device, host, List.of(), 0);
    }
  }

  /**
   * How a strategy fits one epoch of runs trained together, a stack ({@link
   * org.overparam.model.StackedMlp}): member k is {@code runs.get(k)} of {@link #runAll}.
   */
  public interface StackStep {
    /** One pass over the training set of every member in {@code live}. */
    void fit(int epoch, BitSet live);

    /** Member k's training loss at the end of the last {@link #fit}. */
    double score(int member);

    /** Member k's network as trained so far, for evaluation and checkpoints. */
    MultiLayerNetwork net(int member);

    /** Called before each evaluation, in the JVM that evaluates. */
    default void beforeEvaluation() {}
  }

  /**
   * Trains {@code net} from the epoch after {@code run.resumed()} (or the first) to the last;
   * never throws for a diverging model.
   */
  public static Outcome run(Run run, MultiLayerNetwork net, Step step) {
    MultiLayerNetwork[] current = {net};
    return runAll(List.of(run), new StackStep() {
      @Override
      public void fit(int epoch, BitSet live) {
        current[0] = step.fit(current[0], epoch);
      }

      @Override
      public double score(int member) {
        return step.score(current[0]);
      }

      @Override
      public MultiLayerNetwork net(int member) {
        return current[0];
      }

      @Override
      public void beforeEvaluation() {
        step.beforeEvaluation();
      }
    }).get(0);
  }

  /**
   * Trains runs together, epoch by epoch, from the epoch after their checkpoint (the same for
   * all) to the last; a member whose loss stops being finite ends alone as diverged and the
   * others go on. Never throws for a diverging model. An epoch's fitting time is shared: each
   * member's metrics row gets the epoch's wall time divided by the members that trained in it.
   */
  public static List<Outcome> runAll(List<Run> runs, StackStep step) {
    int size = runs.size();
    Run lead = runs.get(0);
    int first = lead.resumed() != null ? lead.resumed().epoch() + 1 : 1;
    List<List<EpochMetrics>> epochs = new ArrayList<>();
    for (Run r : runs) {
      if ((r.resumed() != null ? r.resumed().epoch() + 1 : 1) != first
          || r.spec().epochs() != lead.spec().epochs()
          || r.spec().evalEvery() != lead.spec().evalEvery()) {
        throw new IllegalArgumentException("runs trained together need the same epochs, "
            + "evaluation cadence and checkpointed epoch: " + r.spec().runId() + " differs from "
            + lead.spec().runId());
      }
      epochs.add(new ArrayList<>(r.resumed() != null ? r.resumed().epochs() : List.of()));
    }
    Outcome[] out = new Outcome[size];
    BitSet live = new BitSet(size);
    live.set(0, size);
    int last = lead.spec().epochs();
    for (int epoch = first; epoch <= last && !live.isEmpty(); epoch++) {
      // --- one epoch of every member still training, fitted the strategy's way
      long t0 = System.nanoTime();
      step.fit(epoch, live);
      double fitSeconds = (System.nanoTime() - t0) / 1e9 / live.cardinality();

      // --- between evaluations only the training loss is watched
      if (epoch % lead.spec().evalEvery() != 0 && epoch != last) {
        for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
          double score = step.score(k);
          if (!Double.isFinite(score)) {
            out[k] = new Outcome(step.net(k), epochs.get(k), RunStatus.DIVERGED,
                "training loss became " + score + " in epoch " + epoch);
            live.clear(k);
            continue;
          }
          checkpoint(runs.get(k), epoch, step, k, epochs.get(k));
        }
        continue;
      }

      // --- evaluate on the full train and test sets
      step.beforeEvaluation();
      for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
        Run run = runs.get(k);
        MultiLayerNetwork net = step.net(k);
        int n = run.data().train().predictions(); // examples, or predicted tokens of windows
        long t1 = System.nanoTime();
        double[] tr = Evaluator.evaluate(net, run.x(), run.data().train());
        double[] te = Evaluator.evaluate(net, run.xTest(), run.data().test());
        EpochMetrics m = new EpochMetrics(epoch, tr[0], tr[1], te[0], te[1], fitSeconds,
            n / fitSeconds, (System.nanoTime() - t1) / 1e9);

        // --- a non-finite loss ends the run as diverged; the sweep (and the stack) goes on
        if (!m.finite()) {
          out[k] = new Outcome(net, epochs.get(k), RunStatus.DIVERGED,
              "loss became non-finite in epoch " + epoch);
          live.clear(k);
          continue;
        }
        epochs.get(k).add(m);
        run.listener().onEpoch(run.spec(), m);
        checkpoint(run, epoch, step, k, epochs.get(k));
      }
    }
    for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
      // A distillation teacher's network stays for its students (other runs keep nothing).
      MultiLayerNetwork net = step.net(k);
      runs.get(k).checkpoints().saveFinal(runs.get(k).spec(), net);
      out[k] = new Outcome(net, epochs.get(k), RunStatus.COMPLETED, "");
    }
    return List.of(out);
  }

  /** Every {@code checkpoint_every} epochs: network, optimiser state and the metrics so far. */
  private static void checkpoint(Run run, int epoch, StackStep step, int member,
      List<EpochMetrics> epochs) {
    if (Checkpoints.due(run.spec(), epoch)) {
      run.checkpoints().save(run.spec(), new Checkpoint(epoch, step.net(member), epochs));
    }
  }
}
