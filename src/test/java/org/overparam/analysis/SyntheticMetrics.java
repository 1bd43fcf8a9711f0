package org.overparam.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Metrics and runs tables with chosen values, written as the training store lays them out
 * ({@code <root>/metrics/experiment=<name>/} and {@code <root>/runs/experiment=<name>/}), so
 * the analysis can be checked against answers known in advance.
 */
public final class SyntheticMetrics {
  /** The metrics table's columns (as the training store writes them) plus the partition. */
  public static final StructType SCHEMA = schema("experiment", DataTypes.StringType,
      "run_id", DataTypes.StringType, "dataset", DataTypes.StringType,
      "family", DataTypes.StringType, "depth", DataTypes.IntegerType,
      "width", DataTypes.IntegerType, "params", DataTypes.LongType,
      "flops_per_example", DataTypes.LongType, "train_size", DataTypes.IntegerType,
      "label_noise", DataTypes.DoubleType, "weight_decay", DataTypes.DoubleType,
      "dropout", DataTypes.DoubleType, "seed", DataTypes.LongType,
      "optimizer", DataTypes.StringType, "learning_rate", DataTypes.DoubleType,
      "batch_size", DataTypes.IntegerType, "strategy", DataTypes.StringType,
      "epochs", DataTypes.IntegerType, "epoch", DataTypes.IntegerType,
      "train_loss", DataTypes.DoubleType, "train_error", DataTypes.DoubleType,
      "test_loss", DataTypes.DoubleType, "test_error", DataTypes.DoubleType,
      "epoch_seconds", DataTypes.DoubleType, "samples_per_second", DataTypes.DoubleType,
      "eval_seconds", DataTypes.DoubleType, "compute_flops", DataTypes.DoubleType,
      "status", DataTypes.StringType);
  static final StructType RUNS = schema("experiment", DataTypes.StringType,
      "run_id", DataTypes.StringType, "status", DataTypes.StringType,
      "message", DataTypes.StringType, "params", DataTypes.LongType,
      "data", DataTypes.StringType);

  /** One run's configuration. */
  public record Run(String experiment, double noise, double weightDecay, double dropout,
      int trainSize, int depth, int width, long params, long seed) {
    public String id() {
      return HexFormat.of().toHexDigits((long) Objects.hash(experiment, noise, weightDecay,
          dropout, trainSize, depth, width, params, seed));
    }
  }

  private final List<Row> metrics = new ArrayList<>();
  private final List<Row> runs = new ArrayList<>();

  /** Adds one evaluated epoch of a run. */
  public SyntheticMetrics epoch(Run r, int epoch, int epochs, double trainLoss, double trainError,
      double testLoss, double testError, String status) {
    metrics.add(RowFactory.create(r.experiment(), r.id(), "synthetic", "mlp", r.depth(),
        r.width(), r.params(), 6 * r.params(), r.trainSize(), r.noise(), r.weightDecay(),
        r.dropout(), r.seed(), "sgd", 0.1, 32, "per-task", epochs, epoch, trainLoss, trainError,
        testLoss, testError, 0.01, 1000.0, 0.001, 6.0 * r.params() * r.trainSize() * epoch,
        status));
    return this;
  }

  /** Adds a runs row. */
  public SyntheticMetrics run(Run r, String status, String message) {
    return run(r, status, message, "synthetic");
  }

  /** Adds a runs row whose data source is {@code data} (text:... for a text corpus). */
  public SyntheticMetrics run(Run r, String status, String message, String data) {
    runs.add(RowFactory.create(r.experiment(), r.id(), status, message, r.params(), data));
    return this;
  }

  public Dataset<Row> metrics(SparkSession spark) {
    return spark.createDataFrame(metrics, SCHEMA);
  }

  /** Writes the metrics (and runs, if any) tables under {@code root}. */
  public void write(SparkSession spark, Path root) {
    metrics(spark).coalesce(2).write().mode(SaveMode.Overwrite).partitionBy("experiment")
        .parquet(root.resolve("metrics").toString());
    if (!runs.isEmpty()) {
      spark.createDataFrame(runs, RUNS).coalesce(1).write().mode(SaveMode.Overwrite)
          .partitionBy("experiment").parquet(root.resolve("runs").toString());
    }
  }

  private static StructType schema(Object... nameType) {
    List<org.apache.spark.sql.types.StructField> f = new ArrayList<>();
    for (int i = 0; i < nameType.length; i += 2) {
      f.add(DataTypes.createStructField((String) nameType[i], (DataType) nameType[i + 1],
          false));
    }
    return DataTypes.createStructType(f);
  }
}
