package org.overparam.train;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.overparam.config.RunSpec;

/**
 * Where a long run saves its state every {@code checkpoint_every} epochs and finds it again after
 * a crash, and where the final network of a run that teaches others (a distillation teacher) is
 * kept once it is trained, for its students to read where they train. Implemented by the
 * results store; small and serializable, so the per-task strategy ships it to the executor that
 * trains the run, and the parameter-averaging strategy to the executors that build its
 * minibatches.
 */
public interface Checkpoints extends Serializable {

  /**
   * A run's state after {@code epoch}: everything needed to continue as if never stopped. The
   * training order is not stored: it is re-derived by replaying the run seed's "order" stream for
   * {@code epoch} epochs.
   *
   * @param epoch last epoch trained
   * @param net the network with its optimiser (updater) state
   * @param epochs metrics of the evaluated epochs up to {@code epoch}
   */
  record Checkpoint(int epoch, MultiLayerNetwork net, List<EpochMetrics> epochs) {
    public Checkpoint {
      epochs = List.copyOf(epochs);
    }
  }

  /** The latest usable checkpoint of {@code spec}'s run, if any. */
  Optional<Checkpoint> latest(RunSpec spec);

  /** Saves {@code c} atomically; a failure to save is reported, never thrown into training. */
  void save(RunSpec spec, Checkpoint c);

  /** Whether the run saves a checkpoint after {@code epoch} (never after its last). */
  static boolean due(RunSpec spec, int epoch) {
    return spec.checkpointEvery() > 0 && epoch % spec.checkpointEvery() == 0
        && epoch < spec.epochs();
  }

  /** Keeps nothing: runs start from scratch. */
  static Checkpoints none() {
    return None.INSTANCE;
  }

  /** The {@link #none()} implementation. */
  enum None implements Checkpoints {
    INSTANCE;

    @Override
    public Optional<Checkpoint> latest(RunSpec spec) {
      return Optional.empty();
    }

    @Override
    public void save(RunSpec spec, Checkpoint c) {}
  }

  /**
   * The same store, keeping the final network of the runs {@code runIds} (distillation
   * teachers) after they complete ({@link #saveFinal}); other runs keep none, as before.
   */
  default Checkpoints keepingFinal(Set<String> runIds) {
    return this;
  }

  /**
   * Called once a run has completed, with its trained network: kept atomically, if this store
   * keeps {@code spec}'s run ({@link #keepingFinal}); a failure is reported, never thrown.
   */
  default void saveFinal(RunSpec spec, MultiLayerNetwork net) {}

  /** Whether the final network of run {@code runId} of {@code experiment} is kept. */
  default boolean hasFinal(String experiment, String runId) {
    return false;
  }

  /** The kept final network of run {@code runId} of {@code experiment}, if there is one. */
  default Optional<MultiLayerNetwork> finalModel(String experiment, String runId) {
    return Optional.empty();
  }
}
