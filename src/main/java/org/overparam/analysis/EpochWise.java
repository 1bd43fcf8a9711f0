package org.overparam.analysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructType;

/**
 * Epoch-wise double descent: for each cell, whether its mean test error over epochs falls, rises
 * and falls again. Computed in Spark with two running-minimum windows over {@code epoch_curves}.
 *
 * <p>Definition. Let e(t) be the cell's mean test error at evaluated epoch t. For each epoch t
 * with epochs before and after it, rise(t) = e(t) − min over earlier epochs, fall(t) = e(t) − min
 * over later epochs, and its prominence is min(rise, fall). The bump is the epoch with the largest
 * prominence (any one of exact ties); its earlier minimum is the "first min", the bump the "later max",
 * and the least error after it the "later min". Epoch-wise double descent happened when both
 * rise and fall are at least {@link #MIN_CHANGE} and, where the cell has two or more seeds, the
 * 95% Student-t interval of the bump lies above those of both minima (so that noise between
 * seeds over many epochs does not count as a bump). A cell none of whose epochs lies above both
 * an earlier and a later one has no bump (null columns).
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
   * label_noise, weight_decay, dropout, train_size, depth, width, params: the cell, as in curves
   * epochs                  long     evaluated epochs
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
   *
   * @param epochCurves the epoch_curves table
   * @param maxSeeds the most seeds of any cell (sizes the table of t quantiles)
   * @return the rows, sorted, one per cell
   */
  public static List<Row> table(Dataset<Row> epochCurves, long maxSeeds) {
    // Windows keyed by a 64-bit hash of the cell sort on one long instead of eight columns;
    // should two cells share a hash, the rows say so and the exact key is used instead.
    List<Row> fast = bumps(epochCurves, maxSeeds, xxhash64(Curves.cellColumns()));
    long ids = fast.stream().map(r -> r.get(r.size() - 1)).distinct().count();
    List<Row> rows = ids == fast.size() ? fast
        : bumps(epochCurves, maxSeeds, struct(Curves.cellColumns()).cast("string"));
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      Object[] v = new Object[r.size() - 1];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.get(i);
      }
      out.add(RowFactory.create(v));
    }
    return out;
  }

  /**
   * Schema of the rows of {@link #table}: the cell columns, then as documented there.
   */
  static final StructType SCHEMA = Tables.schema("experiment", Tables.STRING,
      "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE, "dropout", Tables.DOUBLE,
      "train_size", Tables.INT, "depth", Tables.INT, "width", Tables.INT, "params", Tables.LONG,
      "epochs", Tables.LONG, "first_min_epoch", Tables.INT,
      "first_min_test_error", Tables.DOUBLE, "max_epoch", Tables.INT,
      "max_test_error", Tables.DOUBLE, "later_min_epoch", Tables.INT,
      "later_min_test_error", Tables.DOUBLE, "final_epoch", Tables.INT,
      "final_test_error", Tables.DOUBLE, "rise", Tables.DOUBLE, "fall", Tables.DOUBLE,
      "max_ci95", Tables.DOUBLE, "happened", Tables.BOOLEAN);

  /** The bump of every cell, windows partitioned by {@code key}; the key comes last. */
  private static List<Row> bumps(Dataset<Row> epochCurves, long maxSeeds, Column key) {
    Column[] cell = Curves.cellColumns();
    WindowSpec up = Window.partitionBy(col("cell_key")).orderBy(col("epoch"))
        .rowsBetween(Window.unboundedPreceding(), -1);
    WindowSpec down = Window.partitionBy(col("cell_key")).orderBy(col("epoch").desc())
        .rowsBetween(Window.unboundedPreceding(), -1);
    // Both frames grow one row at a time, so each is one pass over the sorted cell. Only
    // fixed-width aggregates are used, so the grouping below hashes instead of sorting.
    Dataset<Row> w = epochCurves.filter(col("seeds").gt(0)).withColumn("cell_key", key)
        .withColumn("ci", halfWidth(maxSeeds))
        .withColumn("before_e", min("test_error").over(up))
        .withColumn("before_t", min_by(col("epoch"), col("test_error")).over(up))
        .withColumn("before_ci", min_by(col("ci"), col("test_error")).over(up))
        .withColumn("after_e", min("test_error").over(down))
        .withColumn("after_t", min_by(col("epoch"), col("test_error")).over(down))
        .withColumn("after_ci", min_by(col("ci"), col("test_error")).over(down))
        .withColumn("rise", col("test_error").minus(col("before_e")))
        .withColumn("fall", col("test_error").minus(col("after_e")));
    // least() skips nulls: the first and last epochs have no prominence.
    Column prominence = when(col("rise").gt(0).and(col("fall").gt(0)),
        least(col("rise"), col("fall")));
    w = w.withColumn("prominence", prominence);
    Column p = col("prominence");
    List<Column> keys = new ArrayList<>(List.of(cell));
    keys.add(col("cell_key"));
    Dataset<Row> g = w.groupBy(keys.toArray(Column[]::new)).agg(count("*").as("epochs"),
        max_by(col("before_t"), p).as("first_min_epoch"),
        max_by(col("before_e"), p).as("first_min_test_error"),
        max_by(col("epoch"), p).as("max_epoch"),
        max_by(col("test_error"), p).as("max_test_error"),
        max_by(col("after_t"), p).as("later_min_epoch"),
        max_by(col("after_e"), p).as("later_min_test_error"),
        max("epoch").as("final_epoch"),
        max_by(col("test_error"), col("epoch")).as("final_test_error"),
        max_by(col("rise"), p).as("rise"),
        max_by(col("fall"), p).as("fall"),
        max_by(col("ci"), p).as("max_ci95"),
        max_by(col("before_ci"), p).as("before_ci"),
        max_by(col("after_ci"), p).as("after_ci"));
    Column ci = coalesce(col("max_ci95"), lit(0.0));
    Column separated = col("rise").gt(ci.plus(coalesce(col("before_ci"), lit(0.0))))
        .and(col("fall").gt(ci.plus(coalesce(col("after_ci"), lit(0.0)))));
    Column happened = when(col("max_epoch").isNull(), lit(false)).otherwise(
        col("rise").geq(MIN_CHANGE).and(col("fall").geq(MIN_CHANGE)).and(separated));
    List<Column> out = new ArrayList<>();
    for (String f : SCHEMA.fieldNames()) {
      out.add(f.equals("happened") ? happened.as(f) : col(f));
    }
    out.add(col("cell_key"));
    return g.select(out.toArray(Column[]::new)).orderBy(cell).collectAsList();
  }

  /** t(0.975, seeds − 1) · sd / sqrt(seeds), null below two seeds; t looked up in a map. */
  private static Column halfWidth(long maxSeeds) {
    List<Column> kv = new ArrayList<>();
    for (long n = 2; n <= Math.max(2, maxSeeds); n++) {
      kv.add(lit(n));
      kv.add(lit(SeedMean.tQuantile975(n - 1)));
    }
    Column t = element_at(map(kv.toArray(Column[]::new)), col("seeds"));
    return when(col("seeds").geq(2), t.multiply(col("test_error_sd"))
        .divide(sqrt(col("seeds"))));
  }
}
