package org.overparam.results;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
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
 * depth                 int     as in metrics
 * width                 int     as in metrics
 * embedding             int     as in metrics
 * params                long    as in metrics
 * non_embedding_params  long    as in metrics
 * train_size            int     as in metrics
 * label_noise           double  as in metrics
 * weight_decay          double  as in metrics
 * dropout               double  as in metrics
 * seed                  long    as in metrics
 * epoch                 int     the trained epoch that was compressed (the run's last)
 * variant               string  dense | prune-S | int8 | prune-S+int8 (S the target sparsity)
 * sparsity              double  fraction of weights pruning aimed to zero (0: none)
 * achieved_sparsity     double  fraction of weight entries that are zero in the variant
 * quantization          string  none | int8 (symmetric, one scale per weight matrix)
 * weights               long    weight entries compressed (every parameter but biases)
 * nonzero_weights       long    weight entries left non-zero
 * test_loss             double  mean cross-entropy (nats) on the test set
 * test_error            double  error rate on the test set
 * test_bpc              double  test_loss / ln 2
 * eval_seconds          double  wall seconds to compress and evaluate the variant
 * </pre>
 */
public final class CompressionTable {
  public static final MessageType SCHEMA = Catalog.COMPRESSION.parquetSchema();

  private static final double LN2 = Math.log(2);

  private CompressionTable() {}

  static List<Group> rows(RunResult r) {
    SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
    RunSpec s = r.spec();
    int epoch = r.last() == null ? 0 : r.last().epoch();
    List<Group> out = new ArrayList<>();
    for (CompressionResult c : r.compression()) {
      out.add(f.newGroup()
          .append(RUN_ID.name(), r.runId())
          .append(DATASET.name(), s.dataset().describe())
          .append(FAMILY.name(), s.family())
          .append(DEPTH.name(), s.depth())
          .append(WIDTH.name(), s.width())
          .append(EMBEDDING.name(), s.embedding())
          .append(PARAMS.name(), r.params())
          .append(NON_EMBEDDING_PARAMS.name(), r.nonEmbeddingParams())
          .append(TRAIN_SIZE.name(), s.trainSize())
          .append(LABEL_NOISE.name(), s.labelNoise())
          .append(WEIGHT_DECAY.name(), s.weightDecay())
          .append(DROPOUT.name(), s.dropout())
          .append(SEED.name(), s.seed())
          .append(EPOCH.name(), epoch)
          .append(VARIANT.name(), c.variant())
          .append(SPARSITY.name(), c.sparsity())
          .append(ACHIEVED_SPARSITY.name(), c.achievedSparsity())
          .append(QUANTIZATION.name(), c.quantization())
          .append(WEIGHTS.name(), c.weights())
          .append(NONZERO_WEIGHTS.name(), c.nonzeroWeights())
          .append(TEST_LOSS.name(), c.testLoss())
          .append(TEST_ERROR.name(), c.testError())
          .append(TEST_BPC.name(), c.testLoss() / LN2)
          .append(EVAL_SECONDS.name(), c.evalSeconds()));
    }
    return out;
  }
}
