package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each seed's own final-epoch values, the numbers that the {@code curves} table averages: the
 * input of the paired comparisons of {@link PairedRise}. One Spark job over the metrics rows
 * keeps the completed runs' rows at the cells' final epochs (a filter first, so only about one
 * row per run is grouped), groups them by run and keeps each run's last; on the driver, a run
 * is kept only where that epoch is its own cell's final epoch (as in {@link Curves#curves}),
 * and runs of one cell and seed (a table other tools wrote may hold several) are averaged.
 */
public final class SeedFinals {
  private SeedFinals() {}

  /**
   * One seed of one cell at the cell's final epoch.
   *
   * @param cell the grid point
   * @param seed the run seed
   * @param trainError final train error
   * @param testError final test error
   * @param testLoss final test loss
   */
  public record Final(Cell cell, long seed, double trainError, double testError,
      double testLoss) {}

  /** The final values of every completed run of {@code metrics}, by cell and seed. */
  public static List<Final> of(Dataset<Row> metrics, List<Curve> curves) {
    List<Column> keys = new ArrayList<>(List.of(Curves.cellColumns()));
    keys.add(col("seed"));
    keys.add(col("run_id"));
    Object[] finalEpochs = curves.stream().map(Curve::finalEpoch).distinct().toArray();
    List<Row> rows = metrics.filter(col("status").notEqual("diverged")
            .and(col("epoch").isin(finalEpochs)))
        .groupBy(keys.toArray(Column[]::new))
        .agg(max("epoch").as("last_epoch"), max_by(col("train_error"), col("epoch")),
            max_by(col("test_error"), col("epoch")), max_by(col("test_loss"), col("epoch")))
        .collectAsList();
    Map<Cell, Integer> finalEpoch = new java.util.HashMap<>();
    curves.forEach(c -> finalEpoch.put(c.cell(), c.finalEpoch()));
    int k = Curves.CELL.size();
    Map<List<Object>, double[]> sums = new LinkedHashMap<>();
    Map<List<Object>, Cell> cells = new java.util.HashMap<>();
    for (Row r : rows) {
      Cell cell = Curves.cell(r);
      Integer last = finalEpoch.get(cell);
      if (last == null || r.isNullAt(k + 2) || r.getInt(k + 2) != last) {
        continue;
      }
      List<Object> key = List.of(cell, r.getLong(k));
      cells.put(key, cell);
      double[] s = sums.computeIfAbsent(key, x -> new double[4]);
      for (int i = 0; i < 3; i++) {
        s[i] += r.isNullAt(k + 3 + i) ? Double.NaN : r.getDouble(k + 3 + i);
      }
      s[3]++;
    }
    List<Final> out = new ArrayList<>();
    sums.forEach((key, s) -> out.add(new Final(cells.get(key), (Long) key.get(1), s[0] / s[3],
        s[1] / s[3], s[2] / s[3])));
    out.sort(java.util.Comparator.comparing(Final::cell, Curves.ORDER)
        .thenComparingLong(Final::seed));
    return out;
  }
}
