package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.overparam.results.Columns.*;

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
import org.overparam.results.Catalog;
import org.overparam.results.Columns;
import org.overparam.results.Table;
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

  /** Compression columns read. */
  static final List<org.overparam.results.Column> COLUMNS = List.of(EXPERIMENT, RUN_ID, FAMILY,
      DEPTH, WIDTH, PARAMS, TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT, VARIANT, SPARSITY,
      QUANTIZATION, ACHIEVED_SPARSITY, TEST_ERROR, TEST_LOSS);

  /** A cell of the compression table: runs that differ only in seed. */
  record Cell(String experiment, String config, String family, int depth, int width,
      long params, int trainSize, double labelNoise, double weightDecay, double dropout) {
    /** The cells that differ only in model size. */
    Series series() {
      return new Series(experiment, config, family, trainSize, labelNoise, weightDecay,
          dropout);
    }

    /** A row of {@code table} with this cell's columns set. */
    Table.RowBuilder row(Table table) {
      return table.row().set(EXPERIMENT, experiment).set(CONFIG, config).set(FAMILY, family)
          .set(DEPTH, depth).set(WIDTH, width).set(PARAMS, params).set(TRAIN_SIZE, trainSize)
          .set(LABEL_NOISE, labelNoise).set(WEIGHT_DECAY, weightDecay).set(DROPOUT, dropout);
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
    List<org.apache.spark.sql.Column> cols = new ArrayList<>(COLUMNS.stream()
        .map(c -> col(c.name())).toList());
    // Tables without a configuration id are of one configuration.
    cols.add(java.util.Arrays.asList(compression.columns()).contains(CONFIG.name())
        ? col(CONFIG.name()) : org.apache.spark.sql.functions.lit("").as(CONFIG.name()));
    List<Row> rows = compression.select(cols.toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
    List<Variant> variants = variants(rows);
    List<Tolerance> tolerance = tolerance(variants);
    return new Result(variants.stream().map(CompressionTolerance::row).toList(),
        tolerance.stream().map(CompressionTolerance::row).toList(), lines(tolerance, variants));
  }

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
  static Row row(Variant v) {
    return v.cell().row(Catalog.COMPRESSION_CURVES).set(VARIANT, v.variant())
        .set(SPARSITY, Tables.nullIfNaN(v.sparsity())).set(QUANTIZATION, v.quantization())
        .set(SEEDS, v.seeds()).set(ACHIEVED_SPARSITY, Tables.nullIfNaN(v.achievedSparsity()))
        .set(TEST_ERROR, Tables.nullIfNaN(v.testError()))
        .set(TEST_LOSS, Tables.nullIfNaN(v.testLoss()))
        .set(TEST_ERROR_CHANGE, Tables.nullIfNaN(v.change()))
        .set(TEST_ERROR_CHANGE_MAX, Tables.nullIfNaN(v.changeMax())).build();
  }

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
  static Row row(Tolerance t) {
    return t.cell().row(Catalog.COMPRESSION_TOLERANCE).set(SEEDS, t.seeds())
        .set(DENSE_TEST_ERROR, Tables.nullIfNaN(t.denseTestError()))
        .set(Columns.TOLERANCE, Tables.nullIfNaN(TOLERANCE))
        .set(MAX_SPARSITY, Tables.nullIfNaN(t.maxSparsity()))
        .set(MAX_SPARSITY_TEST_ERROR, Tables.nullIfNaN(t.maxSparsityTestError()))
        .set(MAX_SPARSITY_INT8, Tables.nullIfNaN(t.maxSparsityInt8()))
        .set(INT8_TEST_ERROR_CHANGE, Tables.nullIfNaN(t.int8Change())).build();
  }


  /** Per cell and variant: means over the cell's runs, changes against each run's dense row. */
  static List<Variant> variants(List<Row> rows) {
    // Dense test error of each run, the reference of its variants.
    Map<String, Double> dense = new HashMap<>();
    for (Row r : rows) {
      if (r.<String>getAs(VARIANT.name()).equals("dense")) {
        dense.put(run(r), r.<Double>getAs(TEST_ERROR.name()));
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
      Double ref = dense.get(run(r));
      if (ref == null) {
        continue; // a run without its dense row cannot be compared
      }
      Cell cell = new Cell(r.getAs(EXPERIMENT.name()), r.getAs(CONFIG.name()),
          r.getAs(FAMILY.name()), r.<Integer>getAs(DEPTH.name()), r.<Integer>getAs(WIDTH.name()),
          r.<Long>getAs(PARAMS.name()), r.<Integer>getAs(TRAIN_SIZE.name()),
          r.<Double>getAs(LABEL_NOISE.name()), r.<Double>getAs(WEIGHT_DECAY.name()),
          r.<Double>getAs(DROPOUT.name()));
      double testError = r.<Double>getAs(TEST_ERROR.name());
      groups.computeIfAbsent(new Key(cell, r.getAs(VARIANT.name()),
          r.<Double>getAs(SPARSITY.name()), r.getAs(QUANTIZATION.name())),
          k -> new ArrayList<>()).add(new double[] {r.<Double>getAs(ACHIEVED_SPARSITY.name()),
              testError, r.<Double>getAs(TEST_LOSS.name()), testError - ref});
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
          t.cell().params(), Analysis.plainNumber(t.maxSparsity())))
          .collect(Collectors.joining(", "));
      String text = String.format(Locale.ROOT, "%s: compression (%s, n=%d, noise %s, wd %s, "
              + "dropout %s): largest sparsity within %s of dense test error: %s", s.experiment(),
          s.family(), s.trainSize(), Analysis.plainNumber(s.labelNoise()),
          Analysis.plainNumber(s.weightDecay()), Analysis.plainNumber(s.dropout()),
          Analysis.plainNumber(TOLERANCE), sizes);
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

  /** The run of a compression row: experiment and run id. */
  private static String run(Row r) {
    return r.getAs(EXPERIMENT.name()) + "/" + r.getAs(RUN_ID.name());
  }
}
