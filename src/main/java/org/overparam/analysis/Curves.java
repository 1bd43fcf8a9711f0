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
import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.overparam.results.Catalog;
import org.overparam.results.Table;

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
  public static final List<org.overparam.results.Column> CELL = Catalog.CELL;

  /** A per-run loss and the column of its standard deviation over seeds in epoch_curves. */
  private record Spread(org.overparam.results.Column mean, org.overparam.results.Column sd) {}

  static final List<Spread> LOSSES = List.of(new Spread(TRAIN_LOSS, TRAIN_LOSS_SD),
      new Spread(TRAIN_ERROR, TRAIN_ERROR_SD), new Spread(TEST_LOSS, TEST_LOSS_SD),
      new Spread(TEST_ERROR, TEST_ERROR_SD));

  private Curves() {}

  static Column[] cellColumns() {
    return CELL.stream().map(c -> col(c.name())).toArray(Column[]::new);
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
   * family, non_embedding_params: as in curves
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
    Column ok = col(STATUS.name()).notEqual("diverged");
    List<Column> keys = new ArrayList<>(List.of(cellColumns()));
    keys.add(col(EPOCH.name()));
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(when(not(ok), 1)).as(DIVERGED.name()));
    for (Spread l : LOSSES) {
      aggs.add(avg(when(ok, col(l.mean().name()))).as(l.mean().name()));
      aggs.add(stddev_samp(when(ok, col(l.mean().name()))).as(l.sd().name()));
    }
    // What the cell's runs share but the cell is not keyed by (its configuration fixes them).
    aggs.add(max(FAMILY.name()).as(FAMILY.name()));
    aggs.add(max(NON_EMBEDDING_PARAMS.name()).as(NON_EMBEDDING_PARAMS.name()));
    return metrics.groupBy(keys.toArray(Column[]::new))
        .agg(count(when(ok, 1)).as(SEEDS.name()), aggs.toArray(Column[]::new))
        .select(Catalog.EPOCH_CURVES.names().stream().map(n -> col(n)).toArray(Column[]::new));
  }

  /**
   * The cells' final and best epochs with their estimates over seeds, sorted by cell; one small
   * Spark job over {@code epochCurves}. Every aggregate has a fixed-width buffer, so Spark
   * hashes the cells instead of sorting the rows.
   */
  public static List<Curve> curves(Dataset<Row> epochCurves) {
    Column alive = when(col(SEEDS.name()).gt(0), col(EPOCH.name()));
    Column testLoss = col(TEST_LOSS.name());
    List<Column> aggs = new ArrayList<>();
    aggs.add(max(DIVERGED.name()).as(DIVERGED.name()));
    aggs.add(max(alive).as(FINAL_EPOCH.name()));
    aggs.add(max_by(col(SEEDS.name()), alive).as("final_seeds"));
    for (Spread l : LOSSES) {
      aggs.add(max_by(col(l.mean().name()), alive));
      aggs.add(max_by(col(l.sd().name()), alive));
    }
    aggs.add(min_by(col(EPOCH.name()), testLoss).as(BEST_EPOCH.name()));
    aggs.add(min_by(col(SEEDS.name()), testLoss).as("best_seeds"));
    for (Spread l : LOSSES) {
      aggs.add(min_by(col(l.mean().name()), testLoss));
      aggs.add(min_by(col(l.sd().name()), testLoss));
    }
    aggs.add(max(FAMILY.name()).as(FAMILY.name()));
    aggs.add(max(NON_EMBEDDING_PARAMS.name()).as(NON_EMBEDDING_PARAMS.name()));
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

  /** The cell named by a row's {@link #CELL} columns (the row has a schema). */
  static Cell cell(Row r) {
    return new Cell(r.getAs(EXPERIMENT.name()), r.getAs(CONFIG.name()),
        r.<Double>getAs(LABEL_NOISE.name()), r.<Double>getAs(WEIGHT_DECAY.name()),
        r.<Double>getAs(DROPOUT.name()), r.<Integer>getAs(TRAIN_SIZE.name()),
        r.<Integer>getAs(DEPTH.name()), r.<Integer>getAs(WIDTH.name()),
        r.<Long>getAs(PARAMS.name()));
  }

  /** Sets the {@link #CELL} columns of a row to {@code k}. */
  static Table.RowBuilder cell(Table.RowBuilder r, Cell k) {
    return r.set(EXPERIMENT, k.experiment()).set(CONFIG, k.config())
        .set(LABEL_NOISE, k.labelNoise()).set(WEIGHT_DECAY, k.weightDecay())
        .set(DROPOUT, k.dropout()).set(TRAIN_SIZE, k.trainSize()).set(DEPTH, k.depth())
        .set(WIDTH, k.width()).set(PARAMS, k.params());
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
    Long nonEmbedding = r.getAs(NON_EMBEDDING_PARAMS.name());
    return new Curve(cell, finalSeeds, diverged, finalEpoch, f[0], f[1], f[2], f[3], bestEpoch,
        b[0], b[1], b[2], b[3], r.getAs(FAMILY.name()),
        nonEmbedding == null ? cell.params() : nonEmbedding);
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
   * family                 string  model family of the cell's runs (null where the metrics
   *                                have no family column)
   * non_embedding_params   long    params outside the embedding tables (N of the scaling laws;
   *                                params where the metrics do not have it)
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
  static Row row(Curve c) {
    Cell k = c.cell();
    Table.RowBuilder r = cell(Catalog.CURVES.row(), k)
        .set(FAMILY, c.family()).set(NON_EMBEDDING_PARAMS, c.nonEmbeddingParams())
        .set(PARAMS_PER_SAMPLE, (double) k.params() / k.trainSize())
        .set(SEEDS, c.seeds()).set(DIVERGED, c.diverged()).set(FINAL_EPOCH, c.finalEpoch());
    estimate(r, FINAL_TRAIN_LOSS, FINAL_TRAIN_LOSS_CI95, c.finalTrainLoss());
    estimate(r, FINAL_TRAIN_ERROR, FINAL_TRAIN_ERROR_CI95, c.finalTrainError());
    estimate(r, FINAL_TEST_LOSS, FINAL_TEST_LOSS_CI95, c.finalTestLoss());
    estimate(r, FINAL_TEST_ERROR, FINAL_TEST_ERROR_CI95, c.finalTestError());
    r.set(BEST_EPOCH, c.measured() ? c.bestEpoch() : null);
    estimate(r, BEST_TRAIN_LOSS, BEST_TRAIN_LOSS_CI95, c.bestTrainLoss());
    estimate(r, BEST_TRAIN_ERROR, BEST_TRAIN_ERROR_CI95, c.bestTrainError());
    estimate(r, BEST_TEST_LOSS, BEST_TEST_LOSS_CI95, c.bestTestLoss());
    estimate(r, BEST_TEST_ERROR, BEST_TEST_ERROR_CI95, c.bestTestError());
    return r.build();
  }

  private static void estimate(Table.RowBuilder r, org.overparam.results.Column mean,
      org.overparam.results.Column ci95, SeedMean e) {
    r.set(mean, e.meanOrNull()).set(ci95, e.ci95OrNull());
  }
}
