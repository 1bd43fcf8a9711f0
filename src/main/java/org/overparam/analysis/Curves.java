package org.overparam.analysis;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Learning curves over seeds: the {@code curves} table (one row per grid cell, final and best
 * epoch) and the {@code epoch_curves} table (one row per cell and evaluated epoch). The heavy
 * part, one pass over the metrics rows per table, runs in Spark; the confidence intervals are
 * computed on the driver from Spark's count, mean and standard deviation.
 */
public final class Curves {
  /** Columns that name a cell (a grid point without its seed). */
  public static final List<String> CELL = List.of("experiment", "label_noise", "weight_decay",
      "dropout", "train_size", "depth", "width", "params");
  static final List<String> LOSSES = List.of("train_loss", "train_error", "test_loss",
      "test_error");
  /** The estimated columns of the curves table, in order. */
  private static final List<String> ESTIMATES = List.of("final_train_loss", "final_train_error",
      "final_test_loss", "final_test_error", "best_epoch", "best_train_loss", "best_train_error",
      "best_test_loss", "best_test_error");

  private Curves() {}

  static Column[] cellColumns() {
    return CELL.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** Metrics rows of runs that did not diverge. */
  static Dataset<Row> completed(Dataset<Row> metrics) {
    return metrics.filter(col("status").notEqual("diverged"));
  }

  /**
   * Per run: its cell, whether it diverged, its final epoch, its losses at the final epoch
   * ({@code final_*}) and at its least-test-loss epoch ({@code best_*}; on exact ties any one of
   * the tied epochs). One aggregate per column keeps every aggregation buffer fixed-width, so
   * Spark hashes the runs instead of sorting the rows.
   */
  static Dataset<Row> perRun(Dataset<Row> metrics) {
    List<Column> aggs = new ArrayList<>();
    for (String c : CELL.subList(1, CELL.size())) {
      aggs.add(first(c).as(c));
    }
    aggs.add(max(when(col("status").equalTo("diverged"), 1).otherwise(0)).as("diverged"));
    aggs.add(max("epoch").as("final_epoch"));
    LOSSES.forEach(l -> aggs.add(max_by(col(l), col("epoch")).as("final_" + l)));
    aggs.add(min_by(col("epoch"), col("test_loss")).as("best_epoch"));
    LOSSES.forEach(l -> aggs.add(min_by(col(l), col("test_loss")).as("best_" + l)));
    return metrics.filter(col("test_loss").isNotNull().and(not(isnan(col("test_loss")))))
        .groupBy(col("experiment"), col("run_id"))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }

  /** The cells' estimates over seeds, sorted by cell. One Spark job; small result. */
  public static List<Curve> curves(Dataset<Row> metrics) {
    Dataset<Row> runs = perRun(metrics);
    Column ok = col("diverged").equalTo(0);
    List<String> values = new ArrayList<>();
    values.add("final_epoch");
    LOSSES.forEach(l -> values.add("final_" + l));
    values.add("best_epoch");
    LOSSES.forEach(l -> values.add("best_" + l));
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(when(ok, 1)).as("seeds"));
    aggs.add(sum("diverged").as("diverged"));
    for (int i = 0; i < values.size(); i++) {
      Column v = when(ok, col(values.get(i)));
      aggs.add(avg(v).as("m" + i));
      aggs.add(stddev_samp(v).as("s" + i));
    }
    List<Row> rows = runs.groupBy(cellColumns())
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .collectAsList();
    List<Curve> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(curve(r));
    }
    out.sort(Comparator.comparing((Curve c) -> c.cell().experiment())
        .thenComparingDouble(c -> c.cell().labelNoise())
        .thenComparingDouble(c -> c.cell().weightDecay())
        .thenComparingDouble(c -> c.cell().dropout())
        .thenComparingInt(c -> c.cell().trainSize())
        .thenComparingInt(c -> c.cell().depth())
        .thenComparingLong(c -> c.cell().params()));
    return out;
  }

  private static Curve curve(Row r) {
    Cell cell = new Cell(r.getString(0), r.getDouble(1), r.getDouble(2), r.getDouble(3),
        r.getInt(4), r.getInt(5), r.getInt(6), r.getLong(7));
    long n = r.getLong(8);
    long diverged = r.getLong(9);
    SeedMean[] e = new SeedMean[10];
    for (int i = 0; i < e.length; i++) {
      int at = 10 + 2 * i;
      double mean = r.isNullAt(at) ? Double.NaN : r.getDouble(at);
      double sd = r.isNullAt(at + 1) ? Double.NaN : r.getDouble(at + 1);
      e[i] = SeedMean.of(mean, sd, n);
    }
    int finalEpoch = Double.isNaN(e[0].mean()) ? 0 : (int) Math.round(e[0].mean());
    return new Curve(cell, n, diverged, finalEpoch, e[1], e[2], e[3], e[4], e[5], e[6], e[7],
        e[8], e[9]);
  }

  // ---- the curves table

  /**
   * Schema of {@code <results>/analysis/curves/experiment=<name>/}: one row per cell; every
   * {@code *_ci95} is the half-width of a 95% Student-t interval over seeds (null if seeds &lt; 2);
   * means are over completed runs (null if none completed).
   *
   * <pre>
   * column                 type    meaning
   * experiment             string  partition column
   * label_noise            double  fraction of training labels flipped
   * weight_decay           double  weight-decay coefficient
   * dropout                double  dropout probability
   * train_size             int     training examples
   * depth                  int     hidden layers
   * width                  int     units per hidden layer
   * params                 long    parameters of the network
   * params_per_sample      double  params / train_size
   * seeds                  long    completed runs (n of every mean)
   * diverged               long    runs whose loss became non-finite (left out of the means)
   * final_epoch            int     last epoch of the completed runs
   * final_train_loss       double  mean train loss at the final epoch; final_train_loss_ci95
   * final_train_error      double  mean train error at the final epoch; final_train_error_ci95
   * final_test_loss        double  mean test loss at the final epoch; final_test_loss_ci95
   * final_test_error       double  mean test error at the final epoch; final_test_error_ci95
   * best_epoch             double  mean epoch of least test loss (any one of exact ties); best_epoch_ci95
   * best_train_loss        double  mean train loss at that epoch; best_train_loss_ci95
   * best_train_error       double  mean train error at that epoch; best_train_error_ci95
   * best_test_loss         double  mean least test loss; best_test_loss_ci95
   * best_test_error        double  mean test error at that epoch; best_test_error_ci95
   * </pre>
   */
  static final StructType SCHEMA = curvesSchema();

  private static StructType curvesSchema() {
    List<Object> s = new ArrayList<>(List.of("experiment", Tables.STRING,
        "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE, "dropout", Tables.DOUBLE,
        "train_size", Tables.INT, "depth", Tables.INT, "width", Tables.INT,
        "params", Tables.LONG, "params_per_sample", Tables.DOUBLE, "seeds", Tables.LONG,
        "diverged", Tables.LONG, "final_epoch", Tables.INT));
    for (String v : ESTIMATES) {
      s.add(v);
      s.add(Tables.DOUBLE);
      s.add(v + "_ci95");
      s.add(Tables.DOUBLE);
    }
    return Tables.schema(s.toArray());
  }

  static Row row(Curve c) {
    Cell k = c.cell();
    List<Object> v = new ArrayList<>(List.of(k.experiment(), k.labelNoise(), k.weightDecay(),
        k.dropout(), k.trainSize(), k.depth(), k.width(), k.params(),
        (double) k.params() / k.trainSize(), c.seeds(), c.diverged(), c.finalEpoch()));
    for (SeedMean e : List.of(c.finalTrainLoss(), c.finalTrainError(), c.finalTestLoss(),
        c.finalTestError(), c.bestEpoch(), c.bestTrainLoss(), c.bestTrainError(),
        c.bestTestLoss(), c.bestTestError())) {
      v.add(e.meanOrNull());
      v.add(e.ci95OrNull());
    }
    return RowFactory.create(v.toArray());
  }

  // ---- the epoch_curves table

  /**
   * Schema of {@code <results>/analysis/epoch_curves/experiment=<name>/}: one row per cell and
   * evaluated epoch, means over the completed runs of the cell.
   *
   * <pre>
   * column          type    meaning
   * experiment      string  partition column
   * label_noise, weight_decay, dropout, train_size, depth, width, params: the cell, as in curves
   * epoch           int     evaluated epoch, 1-based
   * seeds           long    completed runs evaluated at this epoch
   * train_loss      double  mean train loss
   * train_error     double  mean train error
   * test_loss       double  mean test loss
   * test_error      double  mean test error
   * test_error_sd   double  sample standard deviation of test error over seeds (null if seeds &lt; 2)
   * </pre>
   */
  public static Dataset<Row> epochCurves(Dataset<Row> metrics) {
    List<Column> keys = new ArrayList<>(List.of(cellColumns()));
    keys.add(col("epoch"));
    return completed(metrics).groupBy(keys.toArray(Column[]::new)).agg(
        count("*").as("seeds"), avg("train_loss").as("train_loss"),
        avg("train_error").as("train_error"), avg("test_loss").as("test_loss"),
        avg("test_error").as("test_error"), stddev_samp("test_error").as("test_error_sd"));
  }
}
