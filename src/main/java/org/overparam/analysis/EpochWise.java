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
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Epoch-wise double descent: for each cell, whether its mean test error over epochs falls, rises
 * and falls again. Computed in Spark with two running-minimum windows over {@code epoch_curves}.
 *
 * <p>Definition. Let e(t) be the cell's mean test error at evaluated epoch t. For each epoch t
 * with epochs before and after it, rise(t) = e(t) − min over earlier epochs, fall(t) = e(t) − min
 * over later epochs, and its prominence is min(rise, fall). The bump is the epoch with the largest
 * prominence (earliest on ties); its earlier minimum is the "first min", the bump the "later max",
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
   */
  public static Dataset<Row> table(Dataset<Row> epochCurves, long maxSeeds) {
    Column[] cell = Curves.cellColumns();
    WindowSpec up = Window.partitionBy(cell).orderBy(col("epoch"))
        .rowsBetween(Window.unboundedPreceding(), -1);
    WindowSpec down = Window.partitionBy(cell).orderBy(col("epoch").desc())
        .rowsBetween(Window.unboundedPreceding(), -1);
    // Both frames grow one row at a time, so each is one pass over the sorted cell.
    Column point = struct(col("test_error").as("e"), col("epoch").as("t"), col("ci"));
    Dataset<Row> w = epochCurves.withColumn("ci", halfWidth(maxSeeds))
        .withColumn("before", min(point).over(up))
        .withColumn("after", min(point).over(down))
        .withColumn("rise", col("test_error").minus(col("before.e")))
        .withColumn("fall", col("test_error").minus(col("after.e")))
        // least() skips nulls: the first and last epochs have no prominence.
        .withColumn("prominence", when(col("rise").isNotNull().and(col("fall").isNotNull()),
            least(col("rise"), col("fall"))));
    // max of (prominence, -epoch, ...) takes the largest prominence, then the earliest epoch.
    Column bump = when(col("prominence").gt(0), struct(col("prominence"),
        col("epoch").multiply(-1).as("neg"), col("epoch"), col("test_error"), col("before"),
        col("after"), col("rise"), col("fall"), col("ci")));
    List<Column> aggs = new ArrayList<>(List.of(max(bump).as("bump"),
        max(struct(col("epoch"), col("test_error"))).as("last")));
    Dataset<Row> g = w.groupBy(cell).agg(count("*").as("epochs"),
        aggs.toArray(Column[]::new));
    List<Column> out = new ArrayList<>(List.of(cell));
    out.add(col("epochs"));
    out.add(col("bump.before.t").as("first_min_epoch"));
    out.add(col("bump.before.e").as("first_min_test_error"));
    out.add(col("bump.epoch").as("max_epoch"));
    out.add(col("bump.test_error").as("max_test_error"));
    out.add(col("bump.after.t").as("later_min_epoch"));
    out.add(col("bump.after.e").as("later_min_test_error"));
    out.add(col("last.epoch").as("final_epoch"));
    out.add(col("last.test_error").as("final_test_error"));
    out.add(col("bump.rise").as("rise"));
    out.add(col("bump.fall").as("fall"));
    out.add(col("bump.ci").as("max_ci95"));
    Column ci = coalesce(col("bump.ci"), lit(0.0));
    Column separated = col("bump.rise").gt(ci.plus(coalesce(col("bump.before.ci"), lit(0.0))))
        .and(col("bump.fall").gt(ci.plus(coalesce(col("bump.after.ci"), lit(0.0)))));
    out.add(when(col("bump").isNull(), lit(false)).otherwise(col("bump.rise").geq(MIN_CHANGE)
        .and(col("bump.fall").geq(MIN_CHANGE)).and(separated)).as("happened"));
    return g.select(out.toArray(Column[]::new));
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
