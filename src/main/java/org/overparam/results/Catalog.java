package org.overparam.results;

import static org.overparam.results.Columns.*;

import java.util.List;

/**
 * Every table overparam writes, each declared once with its columns in file order: the results
 * tables under {@code <root>/<table>/} (written by {@link MetricsTable}, {@link RunsTable} and
 * {@link CompressionTable}) and the analysis tables under {@code <root>/analysis/<table>/}
 * (written by {@code org.overparam.analysis}). Each table's columns are documented, with what
 * they mean there, in the doc comment beside the code that writes it; a test holds those
 * comments to these declarations.
 *
 * <p>The results tables leave out {@link Columns#EXPERIMENT}, their Hive partition column; the
 * analysis tables' schemas hold it first. The tables runs and double_descent share their names
 * with columns, which this class therefore writes {@code Columns.RUNS} and
 * {@code Columns.DOUBLE_DESCENT}. {@code tests/python/columns.json} lists these tables for the
 * Python tests of the notebooks.
 */
public final class Catalog {
  private Catalog() {}

  // ---- results tables

  public static final Table METRICS = Table.of(ResultsLayout.METRICS,
      RUN_ID, TEACHER_RUN_ID, DATASET, FAMILY, DEPTH, WIDTH, EMBEDDING, PARAMS,
      NON_EMBEDDING_PARAMS,
      FLOPS_PER_EXAMPLE, TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT, SEED, OPTIMIZER,
      LEARNING_RATE, BATCH_SIZE, AUGMENTATION, STRATEGY, EPOCHS, EPOCH, TRAIN_LOSS, TRAIN_ERROR,
      TEST_LOSS, TEST_ERROR, TRAIN_BPC, TEST_BPC, EPOCH_SECONDS, SAMPLES_PER_SECOND,
      EVAL_SECONDS, COMPUTE_FLOPS, STATUS);

  public static final Table RUNS = Table.of(ResultsLayout.RUNS,
      RUN_ID, TEACHER_RUN_ID, STATUS, MESSAGE, STRATEGY, PARAMS, OPTIMIZER, LEARNING_RATE,
      BATCH_SIZE, AUGMENTATION, EPOCHS_PLANNED, EPOCHS_RECORDED, LAST_EPOCH,
      FINAL_TEST_ERROR, STARTED_AT, ENDED_AT, SECONDS, CONFIG_JSON, CONFIG_HASH, DATA,
      GIT_COMMIT, VERSION, BACKEND, DEVICE, HOST, STACK_SIZE, SPARK_MASTER, SPARK_APP_ID);

  public static final Table COMPRESSION = Table.of(ResultsLayout.COMPRESSION,
      RUN_ID, DATASET, FAMILY, DEPTH, WIDTH, EMBEDDING, PARAMS, NON_EMBEDDING_PARAMS,
      TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT, SEED, EPOCH, VARIANT, SPARSITY,
      ACHIEVED_SPARSITY, QUANTIZATION, WEIGHTS, NONZERO_WEIGHTS, TEST_LOSS, TEST_ERROR,
      TEST_BPC, EVAL_SECONDS);

  // ---- keys of the analysis tables

  /** A setting: what a scaling law is fitted over (model and data size vary). */
  public static final List<Column> SETTING = List.of(EXPERIMENT, CONFIG, LABEL_NOISE,
      WEIGHT_DECAY, DROPOUT);
  /** A cell: a point of the grid without its seed, the runs that differ only in seed. */
  public static final List<Column> CELL = List.of(EXPERIMENT, CONFIG, LABEL_NOISE,
      WEIGHT_DECAY, DROPOUT, TRAIN_SIZE, DEPTH, WIDTH, PARAMS);
  /** A cell of the compression table, which also names the model family. */
  public static final List<Column> COMPRESSION_CELL = List.of(EXPERIMENT, CONFIG, FAMILY, DEPTH,
      WIDTH, PARAMS, TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT);

  // ---- analysis tables

  public static final Table CONFIGURATIONS = Table.of("configurations",
      EXPERIMENT, CONFIG, Columns.RUNS, DIFFERS);

  public static final Table EPOCH_CURVES = Table.of("epoch_curves",
      CELL, FAMILY, NON_EMBEDDING_PARAMS, EPOCH, SEEDS, DIVERGED, TRAIN_LOSS, TRAIN_LOSS_SD, TRAIN_ERROR, TRAIN_ERROR_SD,
      TEST_LOSS, TEST_LOSS_SD, TEST_ERROR, TEST_ERROR_SD);

  public static final Table CURVES = Table.of("curves",
      CELL, FAMILY, NON_EMBEDDING_PARAMS, PARAMS_PER_SAMPLE, SEEDS, DIVERGED, FINAL_EPOCH,
      FINAL_TRAIN_LOSS, FINAL_TRAIN_LOSS_CI95, FINAL_TRAIN_ERROR, FINAL_TRAIN_ERROR_CI95,
      FINAL_TEST_LOSS, FINAL_TEST_LOSS_CI95, FINAL_TEST_ERROR, FINAL_TEST_ERROR_CI95,
      BEST_EPOCH, BEST_TRAIN_LOSS, BEST_TRAIN_LOSS_CI95, BEST_TRAIN_ERROR, BEST_TRAIN_ERROR_CI95,
      BEST_TEST_LOSS, BEST_TEST_LOSS_CI95, BEST_TEST_ERROR, BEST_TEST_ERROR_CI95);

  public static final Table EPOCH_WISE = Table.of("epoch_wise",
      CELL, EVALUATED_EPOCHS, FIRST_MIN_EPOCH, FIRST_MIN_TEST_ERROR, MAX_EPOCH, MAX_TEST_ERROR,
      LATER_MIN_EPOCH, LATER_MIN_TEST_ERROR, FINAL_EPOCH, FINAL_TEST_ERROR, RISE, FALL, MAX_CI95,
      HAPPENED);

  public static final Table DOUBLE_DESCENT = Table.of("double_descent",
      SETTING, TRAIN_SIZE, DEPTH, EPSILON, SIZES, THRESHOLD_PARAMS, THRESHOLD_WIDTH,
      THRESHOLD_PARAMS_PER_SAMPLE, THRESHOLD_TRAIN_ERROR, PEAK_PARAMS, PEAK_WIDTH,
      PEAK_TEST_ERROR, PEAK_TEST_ERROR_CI95, LOSS_PEAK_PARAMS, LOSS_PEAK_TEST_LOSS,
      CLASSICAL_MIN_PARAMS, CLASSICAL_MIN_TEST_ERROR, CLASSICAL_MIN_TEST_ERROR_CI95,
      BEST_AFTER_PARAMS, BEST_AFTER_TEST_ERROR, BEST_AFTER_TEST_ERROR_CI95, PEAK_HEIGHT,
      PEAK_RATIO, Columns.DOUBLE_DESCENT, BEYOND_CI, NOTE, LARGEST_PARAMS, LARGEST_WIDTH,
      RISE_OVER_MIN, RISE_OVER_MIN_LO, RISE_OVER_MIN_HI, RISE_OVER_LARGEST, RISE_OVER_LARGEST_LO,
      RISE_OVER_LARGEST_HI, PAIRED_SEEDS, VERDICT);

  public static final Table PEAK_BY_SETTING = Table.of("peak_by_setting",
      SETTING, TRAIN_SIZE, DEPTH, THRESHOLD_PARAMS, PEAK_PARAMS, PEAK_PARAMS_LO, PEAK_PARAMS_HI,
      PEAK_TEST_ERROR, CLASSICAL_MIN_TEST_ERROR, BEST_AFTER_TEST_ERROR, PEAK_HEIGHT,
      PAIRED_HEIGHT, PAIRED_HEIGHT_LO, PAIRED_HEIGHT_HI, PAIRED_SEEDS, VERDICT);

  public static final Table LEVER_EFFECTS = Table.of("lever_effects",
      EXPERIMENT, LEVER, VALUE, BASELINE_VALUE, CONFIG, BASELINE_CONFIG, LABEL_NOISE,
      WEIGHT_DECAY, DROPOUT, TRAIN_SIZE, DEPTH, PAIRED_BY_SEED, PAIRED_SEEDS, BASELINE_SEEDS,
      PAIRED_HEIGHT, PAIRED_HEIGHT_LO, PAIRED_HEIGHT_HI, BASELINE_PAIRED_HEIGHT, HEIGHT_CHANGE,
      HEIGHT_CHANGE_LO, HEIGHT_CHANGE_HI, PEAK_TEST_ERROR_CHANGE, PEAK_TEST_ERROR_CHANGE_LO,
      PEAK_TEST_ERROR_CHANGE_HI, PEAK_PARAMS, BASELINE_PEAK_PARAMS, PEAK_SHIFT, PEAK_SHIFT_LO,
      PEAK_SHIFT_HI, EFFECT);

  public static final Table SAMPLE_WISE = Table.of("sample_wise",
      SETTING, DEPTH, WIDTH, PARAMS, TRAIN_SIZE, PARAMS_PER_SAMPLE, TEST_ERROR, TEST_ERROR_CI95,
      TEST_LOSS, TRAIN_ERROR, INCREASE, MORE_DATA_HURTS);

  public static final Table SCALING_FITS = Table.of("scaling_fits",
      SETTING, FAMILY, LAW, TRAIN_SIZE, PARAMS, POINTS, FIT_SIZES, FIT_STATUS, IDENTIFIED, REASON,
      E, E_LO, E_HI, A, A_LO, A_HI, ALPHA, ALPHA_LO, ALPHA_HI, B, B_LO, B_HI,
      BETA, BETA_LO, BETA_HI, R2_LOG_LOSS, RMSE_LOG_LOSS, BOOTSTRAP_RESAMPLES, BOOTSTRAP_FAILED,
      FIT_SEED, HOLDOUT_SCALE, HOLDOUT_LOSS, HOLDOUT_PREDICTED, HOLDOUT_RELATIVE_ERROR);

  public static final Table SCALING_CURVES = Table.of("scaling_curves",
      SETTING, LAW, TRAIN_SIZE, PARAMS, CURVE_D, X, LOSS, LOSS_LO, LOSS_HI);

  public static final Table COMPUTE_OPTIMAL = Table.of("compute_optimal",
      SETTING, BUDGET_FLOPS, PARAMS_OPT, PARAMS_OPT_LO, PARAMS_OPT_HI, DATA_OPT, DATA_OPT_LO,
      DATA_OPT_HI, LOSS_OPT, LOSS_OPT_LO, LOSS_OPT_HI);

  public static final Table COMPRESSION_CURVES = Table.of("compression_curves",
      COMPRESSION_CELL, VARIANT, SPARSITY, QUANTIZATION, SEEDS, ACHIEVED_SPARSITY, TEST_ERROR,
      TEST_LOSS, TEST_ERROR_CHANGE, TEST_ERROR_CHANGE_MAX);

  public static final Table COMPRESSION_TOLERANCE = Table.of("compression_tolerance",
      COMPRESSION_CELL, SEEDS, DENSE_TEST_ERROR, TOLERANCE, MAX_SPARSITY,
      MAX_SPARSITY_TEST_ERROR, MAX_SPARSITY_INT8, INT8_TEST_ERROR_CHANGE);

  public static final Table DISTILLATION = Table.of("distillation",
      CELL, TEACHER_CONFIG, TEACHER_WIDTH, TEMPERATURE, DISTILLATION_ALPHA, SEEDS,
      STUDENT_TEST_ERROR, LABELS_TEST_ERROR, STUDENT_MINUS_LABELS, STUDENT_MINUS_LABELS_LO,
      STUDENT_MINUS_LABELS_HI, PAIRED, TEACHER_TEST_ERROR, NOTE);

  public static final Table RUN_STATUS = Table.of("run_status",
      EXPERIMENT, STATUS, Columns.RUNS, EXAMPLE_MESSAGE, SOURCE, DATA);

  /** The results tables, then the analysis tables in the order an analysis writes them. */
  public static final List<Table> ALL = List.of(METRICS, RUNS, COMPRESSION, CONFIGURATIONS,
      EPOCH_CURVES, CURVES, EPOCH_WISE, DOUBLE_DESCENT, PEAK_BY_SETTING, LEVER_EFFECTS,
      SAMPLE_WISE,
      SCALING_FITS, SCALING_CURVES, COMPUTE_OPTIMAL, COMPRESSION_CURVES, COMPRESSION_TOLERANCE,
      DISTILLATION, RUN_STATUS);

  /** The analysis tables. */
  public static final List<Table> ANALYSIS = ALL.subList(3, ALL.size());
}
