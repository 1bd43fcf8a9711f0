package org.overparam.analysis;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.stddev_samp;
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
 * Learning curves over seeds. One Spark pass over the metrics rows aggregates each cell (a grid
 * point without its seed) at each evaluated epoch: the {@code epoch_curves} table. The
 * {@code curves} table (one row per cell) is then read off those per-epoch means and standard
 * deviations: the final epoch, and the best epoch, the one of least mean test loss (the early
 * stopping point of the seeds' average curve). Confidence intervals are computed on the driver.
 * Runs that diverged are counted and left out of every mean.
 */
public final class Curves {
  /** Columns that name a cell (a grid point without its seed). */
  public static final List<String> CELL = List.of("experiment", Inputs.CONFIG, "label_noise", "weight_decay",
      "dropout", "train_size", "depth", "width", "params");
  static final List<String> LOSSES = List.of("train_loss", "train_error", "test_loss",
      "test_error");
  /** The estimated columns of the curves table, in order. */
  private static final List<String> ESTIMATES = List.of("final_train_loss", "final_train_error",
      "final_test_loss", "final_test_error", "best_train_loss", "best_train_error",
      "best_test_loss", "best_test_error");

  private Curves() {}

  static Column[] cellColumns() {
    return CELL.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /**
   * Schema of {@code <results>/analysis/epoch_curves/experiment=<name>/}: one row per cell and
   * evaluated epoch; means and sample standard deviations over the cell's completed runs.
   *
   * <pre>
   * column          type    meaning
   * experiment      string  partition column
   * config, label_noise, weight_decay, dropout, train_size, depth, width, params: the cell, as
   *                 in curves
   * epoch           int     evaluated epoch, 1-based
   * seeds           long    completed runs evaluated at this epoch (0: only diverged ones)
   * diverged        long    diverged runs evaluated at this epoch
   * train_loss      double  mean train loss; train_loss_sd its standard deviation (null if
   *                         seeds &lt; 2)
   * train_error     double  mean train error; train_error_sd
   * test_loss       double  mean test loss; test_loss_sd
   * test_error      double  mean test error; test_error_sd
   * </pre>
   */
  public static Dataset<Row> epochCurves(Dataset<Row> metrics) {
    Column ok = col("status").notEqual("diverged");
    List<Column> keys = new ArrayList<>(List.of(cellColumns()));
    keys.add(col("epoch"));
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(when(not(ok), 1)).as("diverged"));
    for (String l : LOSSES) {
      aggs.add(avg(when(ok, col(l))).as(l));
      aggs.add(stddev_samp(when(ok, col(l))).as(l + "_sd"));
    }
    return metrics.groupBy(keys.toArray(Column[]::new))
        .agg(count(when(ok, 1)).as("seeds"), aggs.toArray(Column[]::new));
  }

  /**
   * The cells' final and best epochs with their estimates over seeds, sorted by cell; one small
   * Spark job over {@code epochCurves}. Every aggregate has a fixed-width buffer, so Spark
   * hashes the cells instead of sorting the rows.
   */
  public static List<Curve> curves(Dataset<Row> epochCurves) {
    Column alive = when(col("seeds").gt(0), col("epoch"));
    List<Column> aggs = new ArrayList<>();
    aggs.add(max("diverged").as("diverged"));
    aggs.add(max(alive).as("final_epoch"));
    aggs.add(max_by(col("seeds"), alive).as("final_seeds"));
    for (String l : LOSSES) {
      aggs.add(max_by(col(l), alive));
      aggs.add(max_by(col(l + "_sd"), alive));
    }
    aggs.add(min_by(col("epoch"), col("test_loss")).as("best_epoch"));
    aggs.add(min_by(col("seeds"), col("test_loss")).as("best_seeds"));
    for (String l : LOSSES) {
      aggs.add(min_by(col(l), col("test_loss")));
      aggs.add(min_by(col(l + "_sd"), col("test_loss")));
    }
    List<Row> rows = epochCurves.groupBy(cellColumns())
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .collectAsList();
    List<Curve> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(curve(r));
    }
    out.sort(Comparator.comparing(Curve::cell, ORDER));
    return out;
  }

  /** Cells in table order: experiment, noise, weight decay, dropout, train size, depth, size. */
  static final Comparator<Cell> ORDER = Comparator.comparing(Cell::experiment)
      .thenComparing(Cell::config).thenComparingDouble(Cell::labelNoise).thenComparingDouble(Cell::weightDecay)
      .thenComparingDouble(Cell::dropout).thenComparingInt(Cell::trainSize)
      .thenComparingInt(Cell::depth).thenComparingLong(Cell::params);

  /** The cell named by a row's first columns (in {@link #CELL} order). */
  static Cell cell(Row r) {
    return new Cell(r.getString(0), r.getString(1), r.getDouble(2), r.getDouble(3),
        r.getDouble(4), r.getInt(5), r.getInt(6), r.getInt(7), r.getLong(8));
  }

  /**
   * A curves row from the aggregate: the cell's columns, then diverged, final epoch and seeds,
   * the final estimates (mean, sd of each loss), best epoch and seeds, the best estimates.
   */
  private static Curve curve(Row r) {
    Cell cell = cell(r);
    int k = CELL.size();
    long diverged = r.isNullAt(k) ? 0 : r.getLong(k);
    boolean measured = !r.isNullAt(k + 1);
    int finalEpoch = measured ? r.getInt(k + 1) : 0;
    long finalSeeds = measured ? r.getLong(k + 2) : 0;
    int best = k + 3 + 2 * LOSSES.size();
    int bestEpoch = r.isNullAt(best) ? 0 : r.getInt(best);
    long bestSeeds = r.isNullAt(best + 1) ? 0 : r.getLong(best + 1);
    SeedMean[] f = estimates(r, k + 3, finalSeeds);
    SeedMean[] b = estimates(r, best + 2, bestSeeds);
    return new Curve(cell, finalSeeds, diverged, finalEpoch, f[0], f[1], f[2], f[3], bestEpoch,
        b[0], b[1], b[2], b[3]);
  }

  private static SeedMean[] estimates(Row r, int from, long n) {
    SeedMean[] e = new SeedMean[LOSSES.size()];
    for (int i = 0; i < e.length; i++) {
      int at = from + 2 * i;
      double mean = r.isNullAt(at) ? Double.NaN : r.getDouble(at);
      double sd = r.isNullAt(at + 1) ? Double.NaN : r.getDouble(at + 1);
      e[i] = SeedMean.of(mean, sd, n);
    }
    return e;
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
   * config                 string  configuration id of the cell's runs: everything but grid
   *                                position and seed (runs of two configurations never share a
   *                                cell); see the configurations table
   * label_noise            double  fraction of training labels flipped
   * weight_decay           double  weight-decay coefficient
   * dropout                double  dropout probability
   * train_size             int     training examples
   * depth                  int     hidden layers
   * width                  int     units per hidden layer
   * params                 long    parameters of the network
   * params_per_sample      double  params / train_size
   * seeds                  long    completed runs evaluated at the final epoch (n of the means)
   * diverged               long    runs whose loss became non-finite (left out of the means)
   * final_epoch            int     last epoch of the completed runs
   * final_train_loss       double  mean train loss at the final epoch; final_train_loss_ci95
   * final_train_error      double  mean train error at the final epoch; final_train_error_ci95
   * final_test_loss        double  mean test loss at the final epoch; final_test_loss_ci95
   * final_test_error       double  mean test error at the final epoch; final_test_error_ci95
   * best_epoch             int     epoch of least mean test loss (any one of exact ties)
   * best_train_loss        double  mean train loss at that epoch; best_train_loss_ci95
   * best_train_error       double  mean train error at that epoch; best_train_error_ci95
   * best_test_loss         double  least mean test loss; best_test_loss_ci95
   * best_test_error        double  mean test error at that epoch; best_test_error_ci95
   * </pre>
   */
  static final StructType SCHEMA = curvesSchema();

  private static StructType curvesSchema() {
    List<Object> s = new ArrayList<>(List.of("experiment", Tables.STRING,
        Inputs.CONFIG, Tables.STRING, "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE, "dropout", Tables.DOUBLE,
        "train_size", Tables.INT, "depth", Tables.INT, "width", Tables.INT,
        "params", Tables.LONG, "params_per_sample", Tables.DOUBLE, "seeds", Tables.LONG,
        "diverged", Tables.LONG, "final_epoch", Tables.INT));
    for (String v : ESTIMATES) {
      if (v.equals("best_train_loss")) {
        s.add("best_epoch");
        s.add(Tables.INT);
      }
      s.add(v);
      s.add(Tables.DOUBLE);
      s.add(v + "_ci95");
      s.add(Tables.DOUBLE);
    }
    return Tables.schema(s.toArray());
  }

  static Row row(Curve c) {
    Cell k = c.cell();
    List<Object> v = new ArrayList<>(List.of(k.experiment(), k.config(), k.labelNoise(), k.weightDecay(),
        k.dropout(), k.trainSize(), k.depth(), k.width(), k.params(),
        (double) k.params() / k.trainSize(), c.seeds(), c.diverged(), c.finalEpoch()));
    for (SeedMean e : List.of(c.finalTrainLoss(), c.finalTrainError(), c.finalTestLoss(),
        c.finalTestError())) {
      v.add(e.meanOrNull());
      v.add(e.ci95OrNull());
    }
    v.add(c.measured() ? c.bestEpoch() : null);
    for (SeedMean e : List.of(c.bestTrainLoss(), c.bestTrainError(), c.bestTestLoss(),
        c.bestTestError())) {
      v.add(e.meanOrNull());
      v.add(e.ci95OrNull());
    }
    return RowFactory.create(v.toArray());
  }
}
