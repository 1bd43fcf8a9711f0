package org.overparam.results;

import static org.overparam.results.ColumnType.BOOLEAN;
import static org.overparam.results.ColumnType.DOUBLE;
import static org.overparam.results.ColumnType.INT;
import static org.overparam.results.ColumnType.LONG;
import static org.overparam.results.ColumnType.STRING;
import static org.overparam.results.ColumnType.TIMESTAMP;

import java.util.List;
import java.util.Map;

/**
 * Every column of every table overparam writes, each declared once: the one place that spells a
 * column's name. Tables ({@link Catalog}) list these; writers, readers, the analysis and the
 * report name columns through them. What a column means in one table is documented beside the
 * code that writes that table.
 *
 * <p>Five names are each held by two different columns: {@code status} (how a run ended; whether
 * a scaling law was fitted), {@code seed} (a run's; a bootstrap's), {@code epochs} (planned; an
 * evaluated-epoch count), {@code sizes} (widths of a series; distinct sizes of a fit) and
 * {@code seeds} (completed runs averaged in a cell; seeds paired in a double-descent finding).
 */
public final class Columns {
  private Columns() {}

  // ---- every table

  /** The Hive partition column of every table; stored in the analysis tables' schemas. */
  public static final Column EXPERIMENT = new Column(ResultsLayout.PARTITION, STRING,
      "experiment name");
  public static final Column CONFIG = new Column("config", STRING,
      "configuration id: everything of a run but grid position and seed (RunSpec.configId)");

  // ---- a run: its configuration and model (metrics, compression, runs)

  public static final Column RUN_ID = new Column("run_id", STRING,
      "16 hex digits, stable hash of the run's configuration");
  public static final Column TEACHER_RUN_ID = Column.optional("teacher_run_id", STRING,
      "run id of a distillation student's teacher; null for a run trained on labels alone");
  public static final Column DATASET = new Column("dataset", STRING, "data source description");
  public static final Column FAMILY = new Column("family", STRING,
      "model family: mlp | charlm | charlstm | gpt");
  public static final Column DEPTH = new Column("depth", INT, "hidden layers");
  public static final Column WIDTH = new Column("width", INT, "units per hidden layer");
  public static final Column EMBEDDING = new Column("embedding", INT,
      "character embedding size (0 for mlp)");
  public static final Column PARAMS = new Column("params", LONG,
      "parameters of the built network");
  public static final Column NON_EMBEDDING_PARAMS = new Column("non_embedding_params", LONG,
      "params minus the embedding tables");
  public static final Column FLOPS_PER_EXAMPLE = new Column("flops_per_example", LONG,
      "training FLOPs per example");
  public static final Column TRAIN_SIZE = new Column("train_size", INT,
      "training examples; for a text, predicted characters (tokens)");
  public static final Column LABEL_NOISE = new Column("label_noise", DOUBLE,
      "fraction of training labels flipped to a wrong class");
  public static final Column WEIGHT_DECAY = new Column("weight_decay", DOUBLE,
      "decoupled weight-decay coefficient");
  public static final Column DROPOUT = new Column("dropout", DOUBLE, "dropout probability");
  public static final Column SEED = new Column("seed", LONG, "run seed");
  public static final Column OPTIMIZER = new Column("optimizer", STRING, "sgd | adam");
  public static final Column LEARNING_RATE = new Column("learning_rate", DOUBLE,
      "optimizer learning rate");
  public static final Column BATCH_SIZE = new Column("batch_size", INT, "examples per batch");
  public static final Column AUGMENTATION = new Column("augmentation", INT,
      "largest random shift of each training example per epoch (0 = none)");
  public static final Column STRATEGY = new Column("strategy", STRING,
      "per-task | parameter-averaging");
  public static final Column EPOCHS = new Column("epochs", INT, "epochs planned");

  // ---- an evaluated epoch (metrics; means over seeds in the analysis tables)

  public static final Column EPOCH = new Column("epoch", INT, "evaluated epoch, 1-based");
  public static final Column TRAIN_LOSS = new Column("train_loss", DOUBLE,
      "mean cross-entropy (nats) on the training set as trained");
  public static final Column TRAIN_ERROR = new Column("train_error", DOUBLE,
      "error rate on the training set as trained");
  public static final Column TEST_LOSS = new Column("test_loss", DOUBLE,
      "mean cross-entropy (nats) on the test set");
  public static final Column TEST_ERROR = new Column("test_error", DOUBLE,
      "error rate on the test set");
  public static final Column TRAIN_BPC = new Column("train_bpc", DOUBLE, "train_loss / ln 2");
  public static final Column TEST_BPC = new Column("test_bpc", DOUBLE, "test_loss / ln 2");
  public static final Column EPOCH_SECONDS = new Column("epoch_seconds", DOUBLE,
      "wall seconds fitting the epoch (a stacked run's share of its stack's)");
  public static final Column SAMPLES_PER_SECOND = new Column("samples_per_second", DOUBLE,
      "train_size / epoch_seconds");
  public static final Column EVAL_SECONDS = new Column("eval_seconds", DOUBLE,
      "wall seconds evaluating");
  public static final Column COMPUTE_FLOPS = new Column("compute_flops", DOUBLE,
      "training FLOPs spent up to the epoch");
  /** How a run ended; also a value of the run_status table. */
  public static final Column STATUS = new Column("status", STRING,
      "how the run ended: completed | diverged | failed");

  // ---- a run's record (runs)

  public static final Column MESSAGE = new Column("message", STRING,
      "why a run failed or diverged, else empty");
  public static final Column EPOCHS_PLANNED = new Column("epochs_planned", INT,
      "epochs in the configuration");
  public static final Column EPOCHS_RECORDED = new Column("epochs_recorded", INT,
      "evaluated epochs written to metrics");
  public static final Column LAST_EPOCH = new Column("last_epoch", INT,
      "last epoch with finite losses (0 if none)");
  public static final Column FINAL_TEST_ERROR = new Column("final_test_error", DOUBLE,
      "test error at the last epoch");
  public static final Column STARTED_AT = new Column("started_at", TIMESTAMP,
      "wall-clock start (UTC)");
  public static final Column ENDED_AT = new Column("ended_at", TIMESTAMP,
      "wall-clock end (UTC)");
  public static final Column SECONDS = new Column("seconds", DOUBLE, "ended_at - started_at");
  public static final Column CONFIG_JSON = new Column("config_json", STRING,
      "the run's full configuration, canonical JSON");
  public static final Column CONFIG_HASH = new Column("config_hash", STRING,
      "SHA-256 of config_json");
  public static final Column DATA = new Column("data", STRING, "data source description");
  public static final Column GIT_COMMIT = new Column("git_commit", STRING,
      "commit the jar was built from (-dirty: uncommitted changes)");
  public static final Column VERSION = new Column("version", STRING, "application version");
  public static final Column BACKEND = new Column("backend", STRING,
      "ND4J backend that trained the run");
  public static final Column DEVICE = new Column("device", STRING,
      "cpu, or the GPU address Spark assigned");
  public static final Column HOST = new Column("host", STRING, "host that trained the run");
  public static final Column STACK_SIZE = new Column("stack_size", INT,
      "runs trained together with this one as one stacked model, itself included (1: alone on "
          + "the stacked step); 0: DL4J's own training loop");
  public static final Column SPARK_MASTER = new Column("spark_master", STRING,
      "Spark master URL");
  public static final Column SPARK_APP_ID = new Column("spark_app_id", STRING,
      "Spark application id");

  // ---- a compressed variant (compression; means over seeds in compression_curves)

  public static final Column VARIANT = new Column("variant", STRING,
      "dense | prune-S | int8 | prune-S+int8");
  public static final Column SPARSITY = new Column("sparsity", DOUBLE,
      "fraction of weights pruning aimed to zero (0: none)");
  public static final Column ACHIEVED_SPARSITY = new Column("achieved_sparsity", DOUBLE,
      "fraction of weight entries that are zero in the variant");
  public static final Column QUANTIZATION = new Column("quantization", STRING, "none | int8");
  public static final Column WEIGHTS = new Column("weights", LONG,
      "weight entries compressed (every parameter but biases)");
  public static final Column NONZERO_WEIGHTS = new Column("nonzero_weights", LONG,
      "weight entries left non-zero");

  // ---- runs over seeds (configurations, run_status, curves, epoch_curves)

  public static final Column RUNS = new Column("runs", LONG, "runs counted");
  public static final Column DIFFERS = new Column("differs", STRING,
      "fields that differ from the experiment's main configuration");
  public static final Column EXAMPLE_MESSAGE = new Column("example_message", STRING,
      "one run's message, else empty");
  public static final Column SOURCE = new Column("source", STRING,
      "runs (the runs table) | metrics (no runs table)");
  public static final Column SEEDS = new Column("seeds", LONG, "completed runs averaged");
  public static final Column DIVERGED = new Column("diverged", LONG,
      "runs whose loss became non-finite");
  public static final Column TRAIN_LOSS_SD = sd(TRAIN_LOSS, "train_loss_sd");
  public static final Column TRAIN_ERROR_SD = sd(TRAIN_ERROR, "train_error_sd");
  public static final Column TEST_LOSS_SD = sd(TEST_LOSS, "test_loss_sd");
  public static final Column TEST_ERROR_SD = sd(TEST_ERROR, "test_error_sd");
  public static final Column PARAMS_PER_SAMPLE = new Column("params_per_sample", DOUBLE,
      "params / train_size");
  public static final Column FINAL_EPOCH = new Column("final_epoch", INT,
      "last evaluated epoch of the completed runs");
  public static final Column FINAL_TRAIN_LOSS = new Column("final_train_loss", DOUBLE,
      "mean train loss at the final epoch");
  public static final Column FINAL_TRAIN_LOSS_CI95 = ci95(FINAL_TRAIN_LOSS,
      "final_train_loss_ci95");
  public static final Column FINAL_TRAIN_ERROR = new Column("final_train_error", DOUBLE,
      "mean train error at the final epoch");
  public static final Column FINAL_TRAIN_ERROR_CI95 = ci95(FINAL_TRAIN_ERROR,
      "final_train_error_ci95");
  public static final Column FINAL_TEST_LOSS = new Column("final_test_loss", DOUBLE,
      "mean test loss at the final epoch");
  public static final Column FINAL_TEST_LOSS_CI95 = ci95(FINAL_TEST_LOSS,
      "final_test_loss_ci95");
  public static final Column FINAL_TEST_ERROR_CI95 = ci95(FINAL_TEST_ERROR,
      "final_test_error_ci95");
  public static final Column BEST_EPOCH = new Column("best_epoch", INT,
      "epoch of least mean test loss");
  public static final Column BEST_TRAIN_LOSS = new Column("best_train_loss", DOUBLE,
      "mean train loss at the best epoch");
  public static final Column BEST_TRAIN_LOSS_CI95 = ci95(BEST_TRAIN_LOSS,
      "best_train_loss_ci95");
  public static final Column BEST_TRAIN_ERROR = new Column("best_train_error", DOUBLE,
      "mean train error at the best epoch");
  public static final Column BEST_TRAIN_ERROR_CI95 = ci95(BEST_TRAIN_ERROR,
      "best_train_error_ci95");
  public static final Column BEST_TEST_LOSS = new Column("best_test_loss", DOUBLE,
      "least mean test loss over epochs");
  public static final Column BEST_TEST_LOSS_CI95 = ci95(BEST_TEST_LOSS, "best_test_loss_ci95");
  public static final Column BEST_TEST_ERROR = new Column("best_test_error", DOUBLE,
      "mean test error at the best epoch");
  public static final Column BEST_TEST_ERROR_CI95 = ci95(BEST_TEST_ERROR,
      "best_test_error_ci95");

  // ---- epoch-wise double descent (epoch_wise)

  public static final Column EVALUATED_EPOCHS = new Column("epochs", LONG,
      "evaluated epochs with completed runs");
  public static final Column FIRST_MIN_EPOCH = new Column("first_min_epoch", INT,
      "epoch of least test error before the bump");
  public static final Column FIRST_MIN_TEST_ERROR = new Column("first_min_test_error", DOUBLE,
      "mean test error at first_min_epoch");
  public static final Column MAX_EPOCH = new Column("max_epoch", INT,
      "the bump: epoch of largest prominence");
  public static final Column MAX_TEST_ERROR = new Column("max_test_error", DOUBLE,
      "mean test error at max_epoch");
  public static final Column LATER_MIN_EPOCH = new Column("later_min_epoch", INT,
      "epoch of least test error after the bump");
  public static final Column LATER_MIN_TEST_ERROR = new Column("later_min_test_error", DOUBLE,
      "mean test error at later_min_epoch");
  public static final Column RISE = new Column("rise", DOUBLE,
      "max_test_error - first_min_test_error");
  public static final Column FALL = new Column("fall", DOUBLE,
      "max_test_error - later_min_test_error");
  public static final Column MAX_CI95 = new Column("max_ci95", DOUBLE,
      "95% half-width over seeds at the bump");
  public static final Column HAPPENED = new Column("happened", BOOLEAN,
      "whether epoch-wise double descent happened");

  // ---- model-wise and sample-wise double descent (double_descent, peak_by_setting,
  // sample_wise, lever_effects)

  public static final Column EPSILON = new Column("epsilon", DOUBLE,
      "train-error level that counts as interpolating");
  public static final Column SIZES = new Column("sizes", INT, "widths measured in the series");
  public static final Column THRESHOLD_PARAMS = new Column("threshold_params", LONG,
      "interpolation threshold (null: never interpolates)");
  public static final Column THRESHOLD_WIDTH = new Column("threshold_width", INT,
      "width at the threshold");
  public static final Column THRESHOLD_PARAMS_PER_SAMPLE = new Column(
      "threshold_params_per_sample", DOUBLE, "threshold_params / train_size");
  public static final Column THRESHOLD_TRAIN_ERROR = new Column("threshold_train_error", DOUBLE,
      "mean train error at the threshold");
  public static final Column PEAK_PARAMS = new Column("peak_params", LONG,
      "size of largest test error near the threshold");
  public static final Column PEAK_WIDTH = new Column("peak_width", INT, "width at the peak");
  public static final Column PEAK_TEST_ERROR = new Column("peak_test_error", DOUBLE,
      "mean test error at the peak");
  public static final Column PEAK_TEST_ERROR_CI95 = ci95(PEAK_TEST_ERROR,
      "peak_test_error_ci95");
  public static final Column LOSS_PEAK_PARAMS = new Column("loss_peak_params", LONG,
      "size of largest test loss near the threshold");
  public static final Column LOSS_PEAK_TEST_LOSS = new Column("loss_peak_test_loss", DOUBLE,
      "mean test loss at the loss peak");
  public static final Column CLASSICAL_MIN_PARAMS = new Column("classical_min_params", LONG,
      "size of least test error below the peak");
  public static final Column CLASSICAL_MIN_TEST_ERROR = new Column("classical_min_test_error",
      DOUBLE, "mean test error at the classical minimum");
  public static final Column CLASSICAL_MIN_TEST_ERROR_CI95 = ci95(CLASSICAL_MIN_TEST_ERROR,
      "classical_min_test_error_ci95");
  public static final Column BEST_AFTER_PARAMS = new Column("best_after_params", LONG,
      "size of least test error above the peak");
  public static final Column BEST_AFTER_TEST_ERROR = new Column("best_after_test_error", DOUBLE,
      "mean test error at the best size after the peak");
  public static final Column BEST_AFTER_TEST_ERROR_CI95 = ci95(BEST_AFTER_TEST_ERROR,
      "best_after_test_error_ci95");
  public static final Column PEAK_HEIGHT = new Column("peak_height", DOUBLE,
      "peak_test_error - classical_min_test_error");
  public static final Column PEAK_RATIO = new Column("peak_ratio", DOUBLE,
      "peak_test_error / classical_min_test_error");
  public static final Column DOUBLE_DESCENT = new Column("double_descent", BOOLEAN,
      "peak above the classical minimum and the best size after it");
  public static final Column BEYOND_CI = new Column("beyond_ci", BOOLEAN,
      "double descent with the peak's 95% interval above both minima's");
  public static final Column NOTE = new Column("note", STRING,
      "why a field is null or double_descent false, else empty");
  public static final Column LARGEST_PARAMS = new Column("largest_params", LONG,
      "the largest size measured in the series");
  public static final Column LARGEST_WIDTH = new Column("largest_width", INT, "its width");
  public static final Column RISE_OVER_MIN = new Column("rise_over_min", DOUBLE,
      "mean over seeds of each seed's test error at the peak minus at the classical minimum, "
          + "both located on the other seeds' mean curve (see PairedRise)");
  public static final Column RISE_OVER_MIN_LO = new Column("rise_over_min_lo", DOUBLE,
      "2.5% bootstrap percentile over seeds of rise_over_min");
  public static final Column RISE_OVER_MIN_HI = new Column("rise_over_min_hi", DOUBLE,
      "97.5% bootstrap percentile over seeds of rise_over_min");
  public static final Column RISE_OVER_LARGEST = new Column("rise_over_largest", DOUBLE,
      "likewise, the peak minus the largest size");
  public static final Column RISE_OVER_LARGEST_LO = new Column("rise_over_largest_lo", DOUBLE,
      "2.5% bootstrap percentile over seeds of rise_over_largest");
  public static final Column RISE_OVER_LARGEST_HI = new Column("rise_over_largest_hi", DOUBLE,
      "97.5% bootstrap percentile over seeds of rise_over_largest");
  public static final Column PAIRED_SEEDS = new Column("seeds", INT,
      "seeds whose rises were measured (n of the intervals)");
  public static final Column VERDICT = new Column("verdict", STRING,
      "double descent | within noise | too few seeds | one seed | unpaired | no peak");
  public static final Column PEAK_PARAMS_LO = new Column("peak_params_lo", LONG,
      "lower bound of the 95% bootstrap interval over seeds of peak_params (a measured size)");
  public static final Column PEAK_PARAMS_HI = new Column("peak_params_hi", LONG,
      "upper bound of the 95% bootstrap interval over seeds of peak_params (a measured size)");
  public static final Column PAIRED_HEIGHT = new Column("paired_height", DOUBLE,
      "mean over seeds of each seed's test error at the peak minus at the classical minimum, "
          + "both located on the other seeds' mean curve, 0 where that curve has no peak "
          + "(see PairedRise)");
  public static final Column PAIRED_HEIGHT_LO = new Column("paired_height_lo", DOUBLE,
      "lower bound of the 95% bootstrap interval over seeds of paired_height");
  public static final Column PAIRED_HEIGHT_HI = new Column("paired_height_hi", DOUBLE,
      "upper bound of the 95% bootstrap interval over seeds of paired_height");
  public static final Column TEST_ERROR_CI95 = ci95(TEST_ERROR, "test_error_ci95");
  public static final Column INCREASE = new Column("increase", DOUBLE,
      "test_error - test_error at the next smaller train_size");
  public static final Column MORE_DATA_HURTS = new Column("more_data_hurts", BOOLEAN,
      "increase > 0 beyond the 95% intervals");

  // ---- one field varied against the peak (lever_effects)

  public static final Column LEVER = new Column("lever", STRING,
      "the one field that differs from the baseline: label_noise | weight_decay | dropout | "
          + "a configuration field (optimizer.learning_rate, ...)");
  public static final Column VALUE = new Column("value", STRING, "the lever's value here");
  public static final Column BASELINE_VALUE = new Column("baseline_value", STRING,
      "the lever's first value, the baseline compared against");
  public static final Column BASELINE_CONFIG = new Column("baseline_config", STRING,
      "configuration id of the baseline (config itself unless the lever is a configuration "
          + "field)");
  public static final Column PAIRED_BY_SEED = new Column("paired", BOOLEAN,
      "whether the differences pair each seed with itself");
  public static final Column BASELINE_SEEDS = new Column("baseline_seeds", INT,
      "the baseline's seeds in the comparison");
  public static final Column BASELINE_PAIRED_HEIGHT = new Column("baseline_paired_height",
      DOUBLE, "the baseline's paired_height");
  public static final Column HEIGHT_CHANGE = new Column("height_change", DOUBLE,
      "paired_height minus the baseline's, as a mean over seeds");
  public static final Column HEIGHT_CHANGE_LO = new Column("height_change_lo", DOUBLE,
      "lower bound of the 95% bootstrap interval over seeds of height_change");
  public static final Column HEIGHT_CHANGE_HI = new Column("height_change_hi", DOUBLE,
      "upper bound of the 95% bootstrap interval over seeds of height_change");
  public static final Column PEAK_TEST_ERROR_CHANGE = new Column("peak_test_error_change",
      DOUBLE, "each seed's test error at its peak minus the baseline's, as a mean over seeds");
  public static final Column PEAK_TEST_ERROR_CHANGE_LO = new Column(
      "peak_test_error_change_lo", DOUBLE,
      "lower bound of the 95% bootstrap interval over seeds of peak_test_error_change");
  public static final Column PEAK_TEST_ERROR_CHANGE_HI = new Column(
      "peak_test_error_change_hi", DOUBLE,
      "upper bound of the 95% bootstrap interval over seeds of peak_test_error_change");
  public static final Column BASELINE_PEAK_PARAMS = new Column("baseline_peak_params", LONG,
      "the baseline's peak_params");
  public static final Column PEAK_SHIFT = new Column("peak_shift", DOUBLE,
      "peak_params / baseline_peak_params (1: the peak did not move)");
  public static final Column PEAK_SHIFT_LO = new Column("peak_shift_lo", DOUBLE,
      "lower bound of the 95% bootstrap interval over seeds of peak_shift");
  public static final Column PEAK_SHIFT_HI = new Column("peak_shift_hi", DOUBLE,
      "upper bound of the 95% bootstrap interval over seeds of peak_shift");
  public static final Column EFFECT = new Column("effect", STRING,
      "lower | higher | no clear change | too few seeds | one seed | not measured");

  // ---- scaling laws (scaling_fits, scaling_curves, compute_optimal)

  public static final Column LAW = new Column("law", STRING, "L(N) | L(D) | L(N,D)");
  public static final Column POINTS = new Column("points", INT, "cells fitted");
  public static final Column FIT_SIZES = new Column("sizes", LONG,
      "distinct sizes on the law's scale");
  public static final Column FIT_STATUS = new Column("status", STRING, "fitted | skipped");
  public static final Column IDENTIFIED = new Column("identified", BOOLEAN,
      "whether the fit means anything (Identification)");
  public static final Column REASON = new Column("reason", STRING,
      "why skipped or not identified, else empty");
  public static final Column E = new Column("e", DOUBLE, "irreducible loss E");
  public static final Column E_LO = lo(E, "e_lo");
  public static final Column E_HI = hi(E, "e_hi");
  public static final Column A = new Column("a", DOUBLE, "coefficient A of N^-alpha (or D)");
  public static final Column A_LO = lo(A, "a_lo");
  public static final Column A_HI = hi(A, "a_hi");
  public static final Column ALPHA = new Column("alpha", DOUBLE, "exponent alpha");
  public static final Column ALPHA_LO = lo(ALPHA, "alpha_lo");
  public static final Column ALPHA_HI = hi(ALPHA, "alpha_hi");
  public static final Column B = new Column("b", DOUBLE, "coefficient B of D^-beta");
  public static final Column B_LO = lo(B, "b_lo");
  public static final Column B_HI = hi(B, "b_hi");
  public static final Column BETA = new Column("beta", DOUBLE, "exponent beta");
  public static final Column BETA_LO = lo(BETA, "beta_lo");
  public static final Column BETA_HI = hi(BETA, "beta_hi");
  public static final Column R2_LOG_LOSS = new Column("r2_log_loss", DOUBLE,
      "R^2 of the fit on log L");
  public static final Column RMSE_LOG_LOSS = new Column("rmse_log_loss", DOUBLE,
      "root mean square error on log L");
  public static final Column BOOTSTRAP_RESAMPLES = new Column("bootstrap_resamples", INT,
      "bootstrap resamples drawn");
  public static final Column BOOTSTRAP_FAILED = new Column("bootstrap_failed", INT,
      "resamples whose refit failed");
  public static final Column FIT_SEED = new Column("seed", LONG, "bootstrap seed");
  public static final Column HOLDOUT_SCALE = new Column("holdout_scale", DOUBLE,
      "the largest size, held out");
  public static final Column HOLDOUT_LOSS = new Column("holdout_loss", DOUBLE,
      "mean loss of the held-out cells");
  public static final Column HOLDOUT_PREDICTED = new Column("holdout_predicted", DOUBLE,
      "mean prediction there of the fit on the smaller sizes");
  public static final Column HOLDOUT_RELATIVE_ERROR = new Column("holdout_relative_error",
      DOUBLE, "mean |predicted - loss| / loss over the held-out cells");
  public static final Column CURVE_D = new Column("curve_d", INT, "the D of an L(N,D) curve");
  public static final Column X = new Column("x", DOUBLE, "size on the law's scale");
  public static final Column LOSS = new Column("loss", DOUBLE, "predicted loss");
  public static final Column LOSS_LO = lo(LOSS, "loss_lo");
  public static final Column LOSS_HI = hi(LOSS, "loss_hi");
  public static final Column BUDGET_FLOPS = new Column("budget_flops", DOUBLE,
      "training budget C = 6 N D");
  public static final Column PARAMS_OPT = new Column("params_opt", DOUBLE, "N_opt(C)");
  public static final Column PARAMS_OPT_LO = lo(PARAMS_OPT, "params_opt_lo");
  public static final Column PARAMS_OPT_HI = hi(PARAMS_OPT, "params_opt_hi");
  public static final Column DATA_OPT = new Column("data_opt", DOUBLE, "D_opt(C)");
  public static final Column DATA_OPT_LO = lo(DATA_OPT, "data_opt_lo");
  public static final Column DATA_OPT_HI = hi(DATA_OPT, "data_opt_hi");
  public static final Column LOSS_OPT = new Column("loss_opt", DOUBLE, "L(N_opt, D_opt)");
  public static final Column LOSS_OPT_LO = lo(LOSS_OPT, "loss_opt_lo");
  public static final Column LOSS_OPT_HI = hi(LOSS_OPT, "loss_opt_hi");

  // ---- compression over seeds (compression_curves, compression_tolerance)

  public static final Column TEST_ERROR_CHANGE = new Column("test_error_change", DOUBLE,
      "mean over seeds of (variant - dense) test error");
  public static final Column TEST_ERROR_CHANGE_MAX = new Column("test_error_change_max", DOUBLE,
      "worst seed's test error change");
  public static final Column DENSE_TEST_ERROR = new Column("dense_test_error", DOUBLE,
      "mean test error of the dense models");
  public static final Column TOLERANCE = new Column("tolerance", DOUBLE,
      "allowed mean increase of test error");
  public static final Column MAX_SPARSITY = new Column("max_sparsity", DOUBLE,
      "largest pruning sparsity within tolerance");
  public static final Column MAX_SPARSITY_TEST_ERROR = new Column("max_sparsity_test_error",
      DOUBLE, "mean test error at max_sparsity");
  public static final Column MAX_SPARSITY_INT8 = new Column("max_sparsity_int8", DOUBLE,
      "largest sparsity within tolerance with 8-bit weights");
  public static final Column INT8_TEST_ERROR_CHANGE = new Column("int8_test_error_change",
      DOUBLE, "mean change of int8 weights without pruning");

  // ---- distillation students against label-only runs (distillation)

  public static final Column TEACHER_CONFIG = new Column("teacher_config", STRING,
      "configuration id of the teachers, which the runs trained on labels alone share");
  public static final Column TEACHER_WIDTH = new Column("teacher_width", INT,
      "width of the teachers");
  public static final Column TEMPERATURE = new Column("temperature", DOUBLE,
      "temperature T of the teachers' softened outputs");
  public static final Column DISTILLATION_ALPHA = new Column("distillation_alpha", DOUBLE,
      "weight of the soft labels in the students' targets (1 - it on the hard labels)");
  public static final Column STUDENT_TEST_ERROR = new Column("student_test_error", DOUBLE,
      "mean over seeds of the students' final test error");
  public static final Column LABELS_TEST_ERROR = new Column("labels_test_error", DOUBLE,
      "mean over seeds of the final test error of the same width trained on labels alone");
  public static final Column STUDENT_MINUS_LABELS = new Column("student_minus_labels", DOUBLE,
      "mean over paired seeds of a seed's student minus its label-only final test error");
  public static final Column STUDENT_MINUS_LABELS_LO = new Column("student_minus_labels_lo",
      DOUBLE, "2.5% bootstrap percentile over seeds of student_minus_labels");
  public static final Column STUDENT_MINUS_LABELS_HI = new Column("student_minus_labels_hi",
      DOUBLE, "97.5% bootstrap percentile over seeds of student_minus_labels");
  public static final Column PAIRED = new Column("paired_seeds", INT,
      "seeds with both a student and a label-only run (n of the interval)");
  public static final Column TEACHER_TEST_ERROR = new Column("teacher_test_error", DOUBLE,
      "mean over the students' seeds of their teachers' final test error");

  // ---- derived columns

  private static final Map<Column, List<Column>> PERCENTILES = Map.of(
      E, List.of(E_LO, E_HI), A, List.of(A_LO, A_HI), ALPHA, List.of(ALPHA_LO, ALPHA_HI),
      B, List.of(B_LO, B_HI), BETA, List.of(BETA_LO, BETA_HI), LOSS, List.of(LOSS_LO, LOSS_HI),
      PARAMS_OPT, List.of(PARAMS_OPT_LO, PARAMS_OPT_HI),
      DATA_OPT, List.of(DATA_OPT_LO, DATA_OPT_HI), LOSS_OPT, List.of(LOSS_OPT_LO, LOSS_OPT_HI));

  /** The 2.5% bootstrap percentile column of an estimate: e -> e_lo. */
  public static Column lo(Column estimate) {
    return percentiles(estimate).get(0);
  }

  /** The 97.5% bootstrap percentile column of an estimate: e -> e_hi. */
  public static Column hi(Column estimate) {
    return percentiles(estimate).get(1);
  }

  private static List<Column> percentiles(Column estimate) {
    List<Column> p = PERCENTILES.get(estimate);
    if (p == null) {
      throw new IllegalArgumentException("column " + estimate.name() + " has no percentiles");
    }
    return p;
  }

  private static Column sd(Column mean, String name) {
    return new Column(name, DOUBLE, "sample standard deviation over seeds of " + mean.name());
  }

  private static Column ci95(Column mean, String name) {
    return new Column(name, DOUBLE, "half-width of the 95% Student-t interval of "
        + mean.name() + " over seeds");
  }

  private static Column lo(Column estimate, String name) {
    return new Column(name, DOUBLE, "2.5% bootstrap percentile of " + estimate.name());
  }

  private static Column hi(Column estimate, String name) {
    return new Column(name, DOUBLE, "97.5% bootstrap percentile of " + estimate.name());
  }
}
