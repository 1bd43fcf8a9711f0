package org.overparam.results;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
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
 * dataset             string  data source, e.g. fashion-mnist:/usr/share/datasets/fashion-mnist
 * family              string  model family: mlp | charlm | charlstm
 * depth               int32   hidden layers
 * width               int32   units per hidden layer
 * embedding           int32   character embedding size (0 for mlp)
 * params              int64   parameters of the built network, embedding table included
 * non_embedding_params int64  params minus the character embedding table (vocabulary x
 *                             embedding); equal to params for mlp, which has none
 * flops_per_example   int64   training FLOPs per example: 6 x params for mlp; 6 x
 *                             non_embedding_params for charlm (a lookup multiplies nothing);
 *                             charlstm counts its LSTM weights once per context step
 * train_size          int32   training examples; for a text, predicted characters (tokens)
 * label_noise         double  fraction of training labels flipped to a wrong class
 * weight_decay        double  decoupled weight-decay coefficient
 * dropout             double  dropout probability
 * seed                int64   run seed
 * optimizer           string  sgd | adam
 * learning_rate       double
 * batch_size          int32
 * strategy            string  per-task | parameter-averaging
 * epochs              int32   epochs planned
 * epoch               int32   this row's epoch, 1-based
 * train_loss          double  mean cross-entropy (nats) on the training set as trained (noisy labels)
 * train_error         double  error rate on the training set as trained
 * test_loss           double  mean cross-entropy (nats) on the clean test set
 * test_error          double  error rate on the test set
 * train_bpc           double  train_loss / ln 2: bits per predicted token (per character for a
 *                             text, per label otherwise)
 * test_bpc            double  test_loss / ln 2
 * epoch_seconds       double  wall seconds fitting this epoch, evaluation excluded
 * samples_per_second  double  train_size / epoch_seconds
 * eval_seconds        double  wall seconds evaluating train and test sets
 * compute_flops       double  training FLOPs spent up to this epoch: flops_per_example x train_size x epoch
 * status              string  how the run ended: completed | diverged
 * </pre>
 */
public final class MetricsTable {
  public static final MessageType SCHEMA = Types.buildMessage()
      .required(BINARY).as(stringType()).named("run_id")
      .required(BINARY).as(stringType()).named("dataset")
      .required(BINARY).as(stringType()).named("family")
      .required(INT32).named("depth")
      .required(INT32).named("width")
      .required(INT32).named("embedding")
      .required(INT64).named("params")
      .required(INT64).named("non_embedding_params")
      .required(INT64).named("flops_per_example")
      .required(INT32).named("train_size")
      .required(DOUBLE).named("label_noise")
      .required(DOUBLE).named("weight_decay")
      .required(DOUBLE).named("dropout")
      .required(INT64).named("seed")
      .required(BINARY).as(stringType()).named("optimizer")
      .required(DOUBLE).named("learning_rate")
      .required(INT32).named("batch_size")
      .required(BINARY).as(stringType()).named("strategy")
      .required(INT32).named("epochs")
      .required(INT32).named("epoch")
      .required(DOUBLE).named("train_loss")
      .required(DOUBLE).named("train_error")
      .required(DOUBLE).named("test_loss")
      .required(DOUBLE).named("test_error")
      .required(DOUBLE).named("train_bpc")
      .required(DOUBLE).named("test_bpc")
      .required(DOUBLE).named("epoch_seconds")
      .required(DOUBLE).named("samples_per_second")
      .required(DOUBLE).named("eval_seconds")
      .required(DOUBLE).named("compute_flops")
      .required(BINARY).as(stringType()).named("status")
      .named("metrics");

  private static final double LN2 = Math.log(2);

  private MetricsTable() {}

  static List<Group> rows(RunResult r) {
    SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
    RunSpec s = r.spec();
    List<Group> out = new ArrayList<>();
    for (EpochMetrics m : r.epochs()) {
      out.add(f.newGroup()
          .append("run_id", r.runId())
          .append("dataset", s.dataset().describe())
          .append("family", s.family())
          .append("depth", s.depth())
          .append("width", s.width())
          .append("embedding", s.embedding())
          .append("params", r.params())
          .append("non_embedding_params", r.nonEmbeddingParams())
          .append("flops_per_example", r.flopsPerExample())
          .append("train_size", s.trainSize())
          .append("label_noise", s.labelNoise())
          .append("weight_decay", s.weightDecay())
          .append("dropout", s.dropout())
          .append("seed", s.seed())
          .append("optimizer", s.optimizer().kind())
          .append("learning_rate", s.optimizer().learningRate())
          .append("batch_size", s.optimizer().batchSize())
          .append("strategy", r.strategy())
          .append("epochs", s.epochs())
          .append("epoch", m.epoch())
          .append("train_loss", m.trainLoss())
          .append("train_error", m.trainError())
          .append("test_loss", m.testLoss())
          .append("test_error", m.testError())
          .append("train_bpc", m.trainLoss() / LN2)
          .append("test_bpc", m.testLoss() / LN2)
          .append("epoch_seconds", m.epochSeconds())
          .append("samples_per_second", m.samplesPerSecond())
          .append("eval_seconds", m.evalSeconds())
          .append("compute_flops", (double) r.flopsPerExample() * s.trainSize() * m.epoch())
          .append("status", r.status().label()));
    }
    return out;
  }
}
