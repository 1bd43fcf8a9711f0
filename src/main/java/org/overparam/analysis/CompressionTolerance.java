package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.hipparchus.stat.correlation.SpearmansCorrelation;

/**
 * How far each trained model can be compressed: from the {@code compression} table (every run's
 * dense model re-evaluated, pruned at a grid of sparsities and/or rounded to 8-bit weights), the
 * change in test error of each variant against the same run's dense model, averaged over seeds,
 * and per cell the largest sparsity whose mean change stays within {@link #TOLERANCE}.
 * The table has a few rows per run, so this works on the driver.
 */
final class CompressionTolerance {
  /** "Within one point": a variant may add at most this much to the dense model's test error. */
  static final double TOLERANCE = 0.01;

  private CompressionTolerance() {}

  /**
   * Schema of {@code <results>/analysis/compression_curves/experiment=<name>/}: one row per cell
   * (a point of the grid without its seed) and compressed variant.
   *
   * <pre>
   * column               type    meaning
   * experiment           string  partition column
   * config               string  configuration id, as in curves
   * family               string  model family
   * depth, width         int     model shape
   * params               long    parameters of the dense model
   * train_size           int     training examples (tokens for text)
   * label_noise          double  as in metrics
   * weight_decay         double  as in metrics
   * dropout              double  as in metrics
   * variant              string  dense | prune-S | int8 | prune-S+int8
   * sparsity             double  fraction of weights pruning aimed to zero (0: none)
   * quantization         string  none | int8
   * seeds                long    runs (seeds) averaged
   * achieved_sparsity    double  mean fraction of weights that are zero
   * test_error           double  mean test error of the variant
   * test_loss            double  mean test loss (nats)
   * test_error_change    double  mean over seeds of (variant - dense) test error, same run
   * test_error_change_max double worst seed's change
   * </pre>
   */
  static final StructType CURVES_SCHEMA = Tables.schema("experiment", Tables.STRING,
      Inputs.CONFIG, Tables.STRING, "family", Tables.STRING, "depth", Tables.INT, "width", Tables.INT, "params", Tables.LONG,
      "train_size", Tables.INT, "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE,
      "dropout", Tables.DOUBLE, "variant", Tables.STRING, "sparsity", Tables.DOUBLE,
      "quantization", Tables.STRING, "seeds", Tables.LONG, "achieved_sparsity", Tables.DOUBLE,
      "test_error", Tables.DOUBLE, "test_loss", Tables.DOUBLE, "test_error_change", Tables.DOUBLE,
      "test_error_change_max", Tables.DOUBLE);

  /**
   * Schema of {@code <results>/analysis/compression_tolerance/experiment=<name>/}: one row per
   * cell.
   *
   * <pre>
   * column                    type    meaning
   * experiment .. dropout     ...     the cell, as in compression_curves
   * seeds                     long    runs averaged
   * dense_test_error          double  mean test error of the dense models
   * tolerance                 double  allowed mean increase of test error (0.01)
   * max_sparsity              double  largest pruning sparsity (32-bit weights) whose mean test
   *                                   error change is within tolerance; 0 if none is
   * max_sparsity_test_error   double  mean test error at max_sparsity
   * max_sparsity_int8         double  the same for pruned and 8-bit weights (0: int8 alone is
   *                                   within tolerance); null if no int8 variant is, or none ran
   * int8_test_error_change    double  mean change of int8 weights without pruning; null if none
   * </pre>
   */
  static final StructType TOLERANCE_SCHEMA = Tables.schema("experiment", Tables.STRING,
      Inputs.CONFIG, Tables.STRING, "family", Tables.STRING, "depth", Tables.INT, "width", Tables.INT, "params", Tables.LONG,
      "train_size", Tables.INT, "label_noise", Tables.DOUBLE, "weight_decay", Tables.DOUBLE,
      "dropout", Tables.DOUBLE, "seeds", Tables.LONG, "dense_test_error", Tables.DOUBLE,
      "tolerance", Tables.DOUBLE, "max_sparsity", Tables.DOUBLE,
      "max_sparsity_test_error", Tables.DOUBLE, "max_sparsity_int8", Tables.DOUBLE,
      "int8_test_error_change", Tables.DOUBLE);

  /** Compression columns read, in this order. */
  static final List<String> COLUMNS = List.of("experiment", "run_id", "family", "depth", "width",
      "params", "train_size", "label_noise", "weight_decay", "dropout", "variant", "sparsity",
      "quantization", "achieved_sparsity", "test_error", "test_loss");

  /** A cell of the compression table: runs that differ only in seed. */
  record Cell(String experiment, String config, String family, int depth, int width,
      long params, int trainSize, double labelNoise, double weightDecay, double dropout) {
    /** The cells that differ only in model size. */
    Series series() {
      return new Series(experiment, config, family, trainSize, labelNoise, weightDecay,
          dropout);
    }

    Object[] values() {
      return new Object[] {experiment, config, family, depth, width, params, trainSize,
          labelNoise, weightDecay, dropout};
    }
  }

  /** Cells that differ only in model size (width, depth). */
  record Series(String experiment, String config, String family, int trainSize,
      double labelNoise, double weightDecay, double dropout) {}

  /** One variant of one cell, over seeds. */
  record Variant(Cell cell, String variant, double sparsity, String quantization, long seeds,
      double achievedSparsity, double testError, double testLoss, double change,
      double changeMax) {}

  /** One cell's tolerance. */
  record Tolerance(Cell cell, long seeds, double denseTestError, double maxSparsity,
      double maxSparsityTestError, Double maxSparsityInt8, Double int8Change) {}

  /** Both tables' rows and the findings. */
  record Result(List<Row> curves, List<Row> tolerance, List<String> lines) {}

  /** Reads the compression rows (columns of {@link #COLUMNS}) and computes both tables. */
  static Result compute(Dataset<Row> compression) {
    List<org.apache.spark.sql.Column> cols = new ArrayList<>(COLUMNS.stream().map(c -> col(c))
        .toList());
    // The configuration id comes last (tables without one are of one configuration).
    cols.add(java.util.Arrays.asList(compression.columns()).contains(Inputs.CONFIG)
        ? col(Inputs.CONFIG) : org.apache.spark.sql.functions.lit("").as(Inputs.CONFIG));
    List<Row> rows = compression.select(cols.toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
    List<Variant> variants = variants(rows);
    List<Tolerance> tolerance = tolerance(variants);
    List<Row> curveRows = new ArrayList<>();
    for (Variant v : variants) {
      curveRows.add(row(v.cell(), v.variant(), v.sparsity(), v.quantization(), v.seeds(),
          v.achievedSparsity(), v.testError(), v.testLoss(), v.change(), v.changeMax()));
    }
    List<Row> tolRows = new ArrayList<>();
    for (Tolerance t : tolerance) {
      tolRows.add(row(t.cell(), t.seeds(), t.denseTestError(), TOLERANCE, t.maxSparsity(),
          t.maxSparsityTestError(), t.maxSparsityInt8(), t.int8Change()));
    }
    return new Result(curveRows, tolRows, lines(tolerance, variants));
  }

  /** Per cell and variant: means over the cell's runs, changes against each run's dense row. */
  static List<Variant> variants(List<Row> rows) {
    // Dense test error of each run, the reference of its variants.
    Map<String, Double> dense = new HashMap<>();
    for (Row r : rows) {
      if (r.getString(10).equals("dense")) {
        dense.put(r.getString(0) + "/" + r.getString(1), r.getDouble(14));
      }
    }
    record Key(Cell cell, String variant, double sparsity, String quantization) {}
    Map<Key, List<double[]>> groups = new TreeMap<>(Comparator
        .comparing((Key k) -> k.cell().experiment()).thenComparing(k -> k.cell().config())
        .thenComparing(k -> k.cell().family())
        .thenComparingInt(k -> k.cell().trainSize())
        .thenComparingDouble(k -> k.cell().labelNoise())
        .thenComparingDouble(k -> k.cell().weightDecay())
        .thenComparingDouble(k -> k.cell().dropout())
        .thenComparingLong(k -> k.cell().params()).thenComparingInt(k -> k.cell().depth())
        .thenComparingInt(k -> k.cell().width()).thenComparing(Key::quantization)
        .thenComparingDouble(Key::sparsity));
    for (Row r : rows) {
      Double ref = dense.get(r.getString(0) + "/" + r.getString(1));
      if (ref == null) {
        continue; // a run without its dense row cannot be compared
      }
      Cell cell = new Cell(r.getString(0), r.getString(COLUMNS.size()), r.getString(2),
          r.getInt(3), r.getInt(4), r.getLong(5), r.getInt(6), r.getDouble(7), r.getDouble(8),
          r.getDouble(9));
      groups.computeIfAbsent(new Key(cell, r.getString(10), r.getDouble(11), r.getString(12)),
          k -> new ArrayList<>()).add(new double[] {r.getDouble(13), r.getDouble(14),
              r.getDouble(15), r.getDouble(14) - ref});
    }
    List<Variant> out = new ArrayList<>();
    groups.forEach((k, runs) -> {
      double[] mean = new double[4];
      double worst = Double.NEGATIVE_INFINITY;
      for (double[] v : runs) {
        for (int i = 0; i < 4; i++) {
          mean[i] += v[i] / runs.size();
        }
        worst = Math.max(worst, v[3]);
      }
      out.add(new Variant(k.cell(), k.variant(), k.sparsity(), k.quantization(), runs.size(),
          mean[0], mean[1], mean[2], mean[3], worst));
    });
    return out;
  }

  /** Per cell: the largest sparsity within {@link #TOLERANCE}, with and without int8. */
  static List<Tolerance> tolerance(List<Variant> variants) {
    Map<Cell, List<Variant>> byCell = variants.stream().collect(Collectors.groupingBy(
        Variant::cell, java.util.LinkedHashMap::new, Collectors.toList()));
    List<Tolerance> out = new ArrayList<>();
    byCell.forEach((cell, vs) -> {
      Variant dense = vs.stream().filter(v -> v.variant().equals("dense")).findFirst()
          .orElseThrow();
      double max = 0;
      double maxError = dense.testError();
      Double maxInt8 = null;
      Double int8Change = null;
      for (Variant v : vs) {
        boolean within = v.change() <= TOLERANCE + 1e-12;
        if (v.quantization().equals("none") && v.sparsity() > 0 && within
            && v.sparsity() > max) {
          max = v.sparsity();
          maxError = v.testError();
        }
        if (v.quantization().equals("int8")) {
          if (v.sparsity() == 0) {
            int8Change = v.change();
          }
          if (within && (maxInt8 == null || v.sparsity() > maxInt8)) {
            maxInt8 = v.sparsity();
          }
        }
      }
      out.add(new Tolerance(cell, dense.seeds(), dense.testError(), max, maxError, maxInt8,
          int8Change));
    });
    return out;
  }

  /**
   * Findings: per series, the tolerated sparsity at each size and the rank correlation of the
   * two (positive: larger models tolerate more pruning); the largest int8 change.
   */
  static List<String> lines(List<Tolerance> tolerance, List<Variant> variants) {
    List<String> out = new ArrayList<>();
    Map<Series, List<Tolerance>> bySeries = tolerance.stream().collect(Collectors.groupingBy(
        t -> t.cell().series(), java.util.LinkedHashMap::new, Collectors.toList()));
    bySeries.forEach((s, ts) -> {
      List<Tolerance> sorted = ts.stream().sorted(Comparator.comparingLong(
          (Tolerance t) -> t.cell().params())).toList();
      String sizes = sorted.stream().map(t -> String.format(Locale.ROOT, "%d params %s",
          t.cell().params(), Analysis.num(t.maxSparsity()))).collect(Collectors.joining(", "));
      String text = String.format(Locale.ROOT, "%s: compression (%s, n=%d, noise %s, wd %s, "
              + "dropout %s): largest sparsity within %s of dense test error: %s", s.experiment(),
          s.family(), s.trainSize(), Analysis.num(s.labelNoise()),
          Analysis.num(s.weightDecay()), Analysis.num(s.dropout()), Analysis.num(TOLERANCE),
          sizes);
      double rho = sizeCorrelation(sorted);
      if (!Double.isNaN(rho)) {
        text += String.format(Locale.ROOT, "; Spearman rank correlation with size %.2f (%s)", rho,
            rho > 0 ? "larger models tolerated more pruning" : rho < 0
                ? "larger models tolerated less pruning" : "no trend");
      }
      out.add(text);
    });
    Map<String, Double> worstInt8 = new TreeMap<>();
    for (Variant v : variants) {
      if (v.variant().equals("int8")) {
        worstInt8.merge(v.cell().experiment(), Math.abs(v.change()), Math::max);
      }
    }
    worstInt8.forEach((e, w) -> out.add(String.format(Locale.ROOT, "%s: compression: 8-bit "
        + "weights changed mean test error by at most %.4f", e, w)));
    return out;
  }

  /** Spearman's rank correlation of tolerated sparsity with params; NaN if undefined. */
  static double sizeCorrelation(List<Tolerance> series) {
    if (series.size() < 3) {
      return Double.NaN;
    }
    double[] n = series.stream().mapToDouble(t -> t.cell().params()).toArray();
    double[] s = series.stream().mapToDouble(Tolerance::maxSparsity).toArray();
    if (java.util.Arrays.stream(s).distinct().count() < 2) {
      return 0;
    }
    return new SpearmansCorrelation().correlation(n, s);
  }

  private static Row row(Cell cell, Object... rest) {
    Object[] head = cell.values();
    Object[] all = new Object[head.length + rest.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(rest, 0, all, head.length, rest.length);
    for (int i = 0; i < all.length; i++) {
      if (all[i] instanceof Double d) {
        all[i] = Tables.num(d);
      }
    }
    return RowFactory.create(all);
  }
}
