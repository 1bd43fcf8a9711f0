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
import org.overparam.train.CompressionResult;
import org.overparam.train.RunResult;

/**
 * The {@code compression} table: one row per (run, compressed variant) of every completed run
 * whose experiment has a {@code compression} section, one file per run at
 * {@code <results>/compression/experiment=<name>/<run_id>.parquet}, written with the run (before
 * its runs row) and atomically, like metrics. Variants are the trained model at its last epoch
 * pruned and/or quantised without retraining (see org.overparam.train.Compression); the
 * {@code dense} row is the model as trained, re-evaluated, for reference.
 * {@code experiment} is the Hive partition column and is not stored in the files.
 *
 * <pre>
 * column                type    meaning
 * run_id                string  as in metrics
 * dataset               string  as in metrics
 * family                string  as in metrics
 * depth                 int32   as in metrics
 * width                 int32   as in metrics
 * embedding             int32   as in metrics
 * params                int64   as in metrics
 * non_embedding_params  int64   as in metrics
 * train_size            int32   as in metrics
 * label_noise           double  as in metrics
 * weight_decay          double  as in metrics
 * dropout               double  as in metrics
 * seed                  int64   as in metrics
 * epoch                 int32   the trained epoch that was compressed (the run's last)
 * variant               string  dense | prune-S | int8 | prune-S+int8 (S the target sparsity)
 * sparsity              double  fraction of weights pruning aimed to zero (0: none)
 * achieved_sparsity     double  fraction of weight entries that are zero in the variant
 * quantization          string  none | int8 (symmetric, one scale per weight matrix)
 * weights               int64   weight entries compressed (every parameter but biases)
 * nonzero_weights       int64   weight entries left non-zero
 * test_loss             double  mean cross-entropy (nats) on the test set
 * test_error            double  error rate on the test set
 * test_bpc              double  test_loss / ln 2
 * eval_seconds          double  wall seconds to compress and evaluate the variant
 * </pre>
 */
public final class CompressionTable {
  public static final MessageType SCHEMA = Types.buildMessage()
      .required(BINARY).as(stringType()).named("run_id")
      .required(BINARY).as(stringType()).named("dataset")
      .required(BINARY).as(stringType()).named("family")
      .required(INT32).named("depth")
      .required(INT32).named("width")
      .required(INT32).named("embedding")
      .required(INT64).named("params")
      .required(INT64).named("non_embedding_params")
      .required(INT32).named("train_size")
      .required(DOUBLE).named("label_noise")
      .required(DOUBLE).named("weight_decay")
      .required(DOUBLE).named("dropout")
      .required(INT64).named("seed")
      .required(INT32).named("epoch")
      .required(BINARY).as(stringType()).named("variant")
      .required(DOUBLE).named("sparsity")
      .required(DOUBLE).named("achieved_sparsity")
      .required(BINARY).as(stringType()).named("quantization")
      .required(INT64).named("weights")
      .required(INT64).named("nonzero_weights")
      .required(DOUBLE).named("test_loss")
      .required(DOUBLE).named("test_error")
      .required(DOUBLE).named("test_bpc")
      .required(DOUBLE).named("eval_seconds")
      .named("compression");

  private static final double LN2 = Math.log(2);

  private CompressionTable() {}

  static List<Group> rows(RunResult r) {
    SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
    RunSpec s = r.spec();
    int epoch = r.last() == null ? 0 : r.last().epoch();
    List<Group> out = new ArrayList<>();
    for (CompressionResult c : r.compression()) {
      out.add(f.newGroup()
          .append("run_id", r.runId())
          .append("dataset", s.dataset().describe())
          .append("family", s.family())
          .append("depth", s.depth())
          .append("width", s.width())
          .append("embedding", s.embedding())
          .append("params", r.params())
          .append("non_embedding_params", r.nonEmbeddingParams())
          .append("train_size", s.trainSize())
          .append("label_noise", s.labelNoise())
          .append("weight_decay", s.weightDecay())
          .append("dropout", s.dropout())
          .append("seed", s.seed())
          .append("epoch", epoch)
          .append("variant", c.variant())
          .append("sparsity", c.sparsity())
          .append("achieved_sparsity", c.achievedSparsity())
          .append("quantization", c.quantization())
          .append("weights", c.weights())
          .append("nonzero_weights", c.nonzeroWeights())
          .append("test_loss", c.testLoss())
          .append("test_error", c.testError())
          .append("test_bpc", c.testLoss() / LN2)
          .append("eval_seconds", c.evalSeconds()));
    }
    return out;
  }
}
