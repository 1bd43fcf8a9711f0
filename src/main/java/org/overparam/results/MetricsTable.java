package org.overparam.results;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.overparam.config.RunSpec;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;

/**
 * The {@code metrics} table: one row per (run, evaluated epoch), one file per run at
 * {@code <results>/metrics/experiment=<name>/<run_id>.parquet}. {@code experiment} is the Hive
 * partition column and is not stored in the files.
 *
 * <pre>
 * column              type    meaning
 * run_id              string  16 hex digits, stable hash of the run's configuration
 * teacher_run_id      string  a distillation student's teacher (its run_id); null for a run
 *                             trained on its labels alone
 * dataset             string  data source, e.g. fashion-mnist:/usr/share/datasets/fashion-mnist
 * family              string  model family: mlp | charlm | charlstm | gpt
 * depth               int     hidden layers
 * width               int     units per hidden layer
 * embedding           int     character embedding size (0 for mlp)
 * params              long    parameters of the built network, embedding table included
 * non_embedding_params long   params minus the embedding tables: the character table
 *                             (vocabulary x embedding), a gpt's token and position tables;
 *                             equal to params for mlp, which has none
 * flops_per_example   long    training FLOPs per example: 6 x params for mlp; 6 x
 *                             non_embedding_params for charlm (a lookup multiplies nothing);
 *                             charlstm counts its LSTM weights once per context step
 * train_size          int     training examples; for a text, predicted characters (tokens)
 * label_noise         double  fraction of training labels flipped to a wrong class
 * weight_decay        double  decoupled weight-decay coefficient
 * dropout             double  dropout probability
 * seed                long    run seed
 * optimizer           string  sgd | adam
 * learning_rate       double  optimizer learning rate
 * batch_size          int     examples per step
 * augmentation        int     largest shift of the random translation (pixels; positions of a
 *                             1-D sequence) each training example got per epoch; 0 = none
 *                             (files written before the column existed read it as null: none)
 * strategy            string  per-task | parameter-averaging
 * epochs              int     epochs planned
 * epoch               int     this row's epoch, 1-based
 * train_loss          double  mean cross-entropy (nats) on the training set as trained (noisy
 *                             labels; a student's hard labels, not its mixed targets)
 * train_error         double  error rate on the training set as trained
 * test_loss           double  mean cross-entropy (nats) on the clean test set
 * test_error          double  error rate on the test set
 * train_bpc           double  train_loss / ln 2: bits per predicted token (per character for a
 *                             text, per label otherwise)
 * test_bpc            double  test_loss / ln 2
 * epoch_seconds       double  wall seconds fitting this epoch, evaluation excluded; for a run
 *                             trained in a stack, its share: the stack's epoch divided by
 *                             the members that trained in it
 * samples_per_second  double  train_size / epoch_seconds
 * eval_seconds        double  wall seconds evaluating train and test sets
 * compute_flops       double  training FLOPs spent up to this epoch: flops_per_example x train_size x epoch
 * status              string  how the run ended: completed | diverged
 * </pre>
 */
public final class MetricsTable {
  public static final MessageType SCHEMA = Catalog.METRICS.parquetSchema();

  private static final double LN2 = Math.log(2);

  private MetricsTable() {}

  static List<Group> rows(RunResult r) {
    SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
    RunSpec s = r.spec();
    List<Group> out = new ArrayList<>();
    for (EpochMetrics m : r.epochs()) {
      Group g = f.newGroup();
      if (s.distillation() != null) {
        g.append(TEACHER_RUN_ID.name(), s.distillation().teacherRunId());
      }
      out.add(g
          .append(RUN_ID.name(), r.runId())
          .append(DATASET.name(), s.dataset().describe())
          .append(FAMILY.name(), s.family())
          .append(DEPTH.name(), s.depth())
          .append(WIDTH.name(), s.width())
          .append(EMBEDDING.name(), s.embedding())
          .append(PARAMS.name(), r.params())
          .append(NON_EMBEDDING_PARAMS.name(), r.nonEmbeddingParams())
          .append(FLOPS_PER_EXAMPLE.name(), r.flopsPerExample())
          .append(TRAIN_SIZE.name(), s.trainSize())
          .append(LABEL_NOISE.name(), s.labelNoise())
          .append(WEIGHT_DECAY.name(), s.weightDecay())
          .append(DROPOUT.name(), s.dropout())
          .append(SEED.name(), s.seed())
          .append(OPTIMIZER.name(), s.optimizer().kind())
          .append(LEARNING_RATE.name(), s.optimizer().learningRate())
          .append(BATCH_SIZE.name(), s.optimizer().batchSize())
          .append(AUGMENTATION.name(), s.augmentation())
          .append(STRATEGY.name(), r.strategy())
          .append(EPOCHS.name(), s.epochs())
          .append(EPOCH.name(), m.epoch())
          .append(TRAIN_LOSS.name(), m.trainLoss())
          .append(TRAIN_ERROR.name(), m.trainError())
          .append(TEST_LOSS.name(), m.testLoss())
          .append(TEST_ERROR.name(), m.testError())
          .append(TRAIN_BPC.name(), m.trainLoss() / LN2)
          .append(TEST_BPC.name(), m.testLoss() / LN2)
          .append(EPOCH_SECONDS.name(), m.epochSeconds())
          .append(SAMPLES_PER_SECOND.name(), m.samplesPerSecond())
          .append(EVAL_SECONDS.name(), m.evalSeconds())
          .append(COMPUTE_FLOPS.name(), (double) r.flopsPerExample() * s.trainSize() * m.epoch())
          .append(STATUS.name(), r.status().label()));
    }
    return out;
  }
}
