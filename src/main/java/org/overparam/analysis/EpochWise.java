package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.overparam.results.Columns.*;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.overparam.results.Catalog;
import org.overparam.results.Table;

/**
 * Epoch-wise double descent: for each cell, whether its mean test error over epochs falls, rises
 * and falls again. Spark sends each cell's {@code epoch_curves} rows to one task (a hash
 * shuffle, no sort), which walks the cell's epochs in order in plain Java.
 *
 * <p>Definition. Let e(t) be the cell's mean test error at evaluated epoch t. For each epoch t
 * with epochs before and after it, rise(t) = e(t) − min over earlier epochs, fall(t) = e(t) − min
 * over later epochs, and its prominence is min(rise, fall). The bump is the epoch of largest
 * positive prominence (the earliest on ties); the earliest epoch of least error before it is the
 * "first min", the bump the "later max", and the earliest epoch of least error after it the
 * "later min". Epoch-wise double descent happened when both rise and fall are at least
 * {@link #MIN_CHANGE} and, where the cell has two or more seeds, the 95% Student-t interval of
 * the bump lies above those of both minima (so that noise between seeds over many epochs does
 * not count as a bump). A cell none of whose epochs lies above both an earlier and a later one
 * has no bump (null columns).
 */
public final class EpochWise {
  /** Least rise and fall of mean test error (absolute, error-rate units) that count. */
  public static final double MIN_CHANGE = 0.01;

  private EpochWise() {}

  /**
   * Schema of {@code <results>/analysis/epoch_wise/experiment=<name>/}: one row per cell.
   *
   * <pre>
   * column                  type     meaning
   * experiment              string   partition column
   * config, label_noise, weight_decay, dropout, train_size, depth, width, params: the cell, as
   *                         in curves
   * epochs                  long     evaluated epochs with completed runs
   * first_min_epoch         int      epoch of least test error before the bump (null: no epoch
   *                                  lies above both an earlier and a later one)
   * first_min_test_error    double   mean test error there
   * max_epoch               int      the bump: epoch of largest prominence
   * max_test_error          double   mean test error there
   * later_min_epoch         int      epoch of least test error after the bump
   * later_min_test_error    double   mean test error there
   * final_epoch             int      last evaluated epoch
   * final_test_error        double   mean test error there
   * rise                    double   max_test_error − first_min_test_error
   * fall                    double   max_test_error − later_min_test_error
   * max_ci95                double   95% half-width over seeds at the bump (null if seeds &lt; 2)
   * happened                boolean  rise ≥ 0.01 and fall ≥ 0.01, and the bump's interval above
   *                                  both minima's
   * </pre>
   */
  static final StructType SCHEMA = Catalog.EPOCH_WISE.sparkSchema();

  /** The rows of the table, one per cell with completed runs, sorted by cell. */
  public static List<Row> table(Dataset<Row> epochCurves) {
    List<Column> cols = new ArrayList<>(List.of(Curves.cellColumns()));
    for (org.overparam.results.Column c : List.of(EPOCH, SEEDS, TEST_ERROR, TEST_ERROR_SD)) {
      cols.add(col(c.name()));
    }
    int cell = Curves.CELL.size();
    List<Row> rows = new ArrayList<>(epochCurves.filter(col(SEEDS.name()).gt(0))
        .select(cols.toArray(Column[]::new))
        .repartition(Curves.cellColumns())
        .mapPartitions(new PerCell(cell), Encoders.row(SCHEMA))
        .collectAsList());
    rows.sort(Comparator.comparing(Curves::cell, Curves.ORDER));
    return rows;
  }

  /** Groups a partition's rows by cell and finds each cell's bump. */
  private record PerCell(int cellColumns) implements MapPartitionsFunction<Row, Row>,
      Serializable {
    @Override
    public Iterator<Row> call(Iterator<Row> in) {
      Map<List<Object>, List<double[]>> cells = new HashMap<>();
      while (in.hasNext()) {
        Row r = in.next();
        Object[] key = new Object[cellColumns];
        for (int i = 0; i < key.length; i++) {
          key[i] = r.get(i);
        }
        long seeds = r.getLong(cellColumns + 1);
        double sd = r.isNullAt(cellColumns + 3) ? Double.NaN : r.getDouble(cellColumns + 3);
        double ci = seeds < 2 ? Double.NaN
            : SeedMean.tQuantile975(seeds - 1) * sd / Math.sqrt(seeds);
        cells.computeIfAbsent(Arrays.asList(key), k -> new ArrayList<>()).add(new double[] {
            r.getInt(cellColumns), r.getDouble(cellColumns + 2), ci});
      }
      List<Row> out = new ArrayList<>();
      cells.forEach((key, epochs) -> out.add(bump(key, epochs)));
      return out.iterator();
    }
  }

  /** One cell's row from its epochs, each {epoch, mean test error, 95% half-width}. */
  static Row bump(List<Object> cell, List<double[]> epochs) {
    epochs.sort(Comparator.comparingDouble(e -> e[0]));
    int n = epochs.size();
    // Index of the least error before each epoch (earliest on ties), and after it.
    int[] before = new int[n];
    int[] after = new int[n];
    for (int t = 1; t < n; t++) {
      int b = before[t - 1];
      before[t] = t == 1 || epochs.get(t - 1)[1] < epochs.get(b)[1] ? t - 1 : b;
    }
    for (int t = n - 2; t >= 0; t--) {
      int a = t == n - 2 ? n - 1 : after[t + 1];
      after[t] = epochs.get(t + 1)[1] <= epochs.get(a)[1] ? t + 1 : a;
    }
    // The epoch of largest positive prominence.
    int bump = -1;
    double best = 0;
    for (int t = 1; t < n - 1; t++) {
      double e = epochs.get(t)[1];
      double prominence = Math.min(e - epochs.get(before[t])[1], e - epochs.get(after[t])[1]);
      if (prominence > best) {
        best = prominence;
        bump = t;
      }
    }
    double[] last = epochs.get(n - 1);
    Table.RowBuilder r = Catalog.EPOCH_WISE.row();
    for (int i = 0; i < cell.size(); i++) {
      r.set(Curves.CELL.get(i), cell.get(i));
    }
    r.set(EVALUATED_EPOCHS, (long) n).set(FINAL_EPOCH, (int) last[0])
        .set(FINAL_TEST_ERROR, last[1]);
    if (bump >= 0) {
      double[] lo = epochs.get(before[bump]);
      double[] hi = epochs.get(bump);
      double[] later = epochs.get(after[bump]);
      double rise = hi[1] - lo[1];
      double fall = hi[1] - later[1];
      double ci = nanToZero(hi[2]);
      boolean separated = rise > ci + nanToZero(lo[2]) && fall > ci + nanToZero(later[2]);
      r.set(FIRST_MIN_EPOCH, (int) lo[0]).set(FIRST_MIN_TEST_ERROR, lo[1])
          .set(MAX_EPOCH, (int) hi[0]).set(MAX_TEST_ERROR, hi[1])
          .set(LATER_MIN_EPOCH, (int) later[0]).set(LATER_MIN_TEST_ERROR, later[1])
          .set(RISE, rise).set(FALL, fall).set(MAX_CI95, Tables.nullIfNaN(hi[2]))
          .set(HAPPENED, rise >= MIN_CHANGE && fall >= MIN_CHANGE && separated);
    } else {
      r.none(FIRST_MIN_EPOCH, FIRST_MIN_TEST_ERROR, MAX_EPOCH, MAX_TEST_ERROR, LATER_MIN_EPOCH,
          LATER_MIN_TEST_ERROR, RISE, FALL, MAX_CI95).set(HAPPENED, false);
    }
    return r.build();
  }

  private static double nanToZero(double x) {
    return Double.isNaN(x) ? 0 : x;
  }
}
