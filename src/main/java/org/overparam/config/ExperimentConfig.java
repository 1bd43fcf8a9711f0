package org.overparam.config;

import java.io.Serializable;
import java.util.List;

/**
 * One experiment file. Every list is a grid axis; the runs are their cross product.
 *
 * @param name experiment name, the {@code experiment=} partition of every results table
 * @param description free text kept with the results
 * @param dataset where examples come from
 * @param trainSizes training-set sizes (a deterministic subset per seed; predicted tokens for a
 *     text, in whole windows of {@code context} tokens for the families that predict every
 *     position)
 * @param labelNoise fractions of training labels replaced by a uniformly drawn wrong class
 * @param model family and scale grid
 * @param optimizer optimisers, learning rates, batch sizes: each one value or a grid axis
 *     ({@link OptimizerGrid})
 * @param epochs passes over the training set
 * @param weightDecay decoupled weight-decay coefficients
 * @param dropout probabilities of dropping a hidden unit's input (0 = none)
 * @param augmentation largest shifts of the random translation each training example gets in
 *     every epoch (0 = none; see {@link DatasetConfig.Shifts}); for data with a spatial order
 *     only (images, 1-D sequences), never for a text
 * @param seeds one run per seed; the seed drives subset, noise, initialisation and order
 * @param evalEvery evaluate every this many epochs (the last epoch always)
 * @param checkpointEvery save model and optimiser state every this many epochs (0 = never)
 * @param strategy how runs are spread over Spark
 * @param compression pruning and quantisation evaluated after training; absent: none
 * @param refine widths added after the grid around each series' peak; absent: none
 * @param distillation students trained after the grid on its teachers' softened outputs;
 *     absent: none
 */
public record ExperimentConfig(
    String name,
    String description,
    DatasetConfig dataset,
    List<Integer> trainSizes,
    List<Double> labelNoise,
    ModelConfig model,
    OptimizerGrid optimizer,
    Integer epochs,
    List<Double> weightDecay,
    List<Double> dropout,
    List<Integer> augmentation,
    List<Long> seeds,
    Integer evalEvery,
    Integer checkpointEvery,
    StrategyConfig strategy,
    CompressionConfig compression,
    RefineConfig refine,
    DistillationConfig distillation) implements Serializable {

  public ExperimentConfig {
    Check.name(name, "name");
    description = description == null ? "" : description;
    Check.required(dataset, "dataset");
    trainSizes = Check.grid(Check.required(trainSizes, "train_sizes"), List.of(), "train_sizes",
        n -> n > 0, "must be > 0");
    labelNoise = Check.grid(labelNoise, List.of(0.0), "label_noise",
        p -> p >= 0 && p < 1, "must be in [0, 1)");
    Check.required(model, "model");
    optimizer = optimizer == null ? OptimizerGrid.defaults() : optimizer;
    Check.positive(Check.required(epochs, "epochs"), "epochs");
    weightDecay = Check.grid(weightDecay, List.of(0.0), "weight_decay",
        w -> w >= 0 && Double.isFinite(w), "must be a finite number >= 0");
    dropout = Check.grid(dropout, List.of(0.0), "dropout", p -> p >= 0 && p < 1,
        "must be in [0, 1)");
    augmentation = Check.grid(augmentation, List.of(0), "augmentation", k -> k >= 0,
        "must be >= 0");
    checkAugmentation(augmentation, dataset, model);
    seeds = Check.grid(seeds, List.of(0L), "seeds", s -> true, "");
    evalEvery = evalEvery == null ? 1 : evalEvery;
    Check.positive(evalEvery, "eval_every");
    checkpointEvery = checkpointEvery == null ? 0 : checkpointEvery;
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("checkpoint_every: must be >= 0, got " + checkpointEvery);
    }
    strategy = strategy == null ? StrategyConfig.defaults() : strategy;
    if (optimizer.schedule() != null && !List.of("per-task", "auto").contains(strategy.kind())) {
      // A schedule spans a run's steps in one JVM: scheduled runs train per task (auto keeps
      // them there); parameter averaging does not follow a schedule.
      throw new IllegalArgumentException("optimizer.schedule: " + optimizer.schedule()
          + " needs strategy.kind per-task or auto (scheduled runs train per task), got "
          + strategy.kind());
    }
    if (model.characterLevel() && !(dataset instanceof DatasetConfig.Text)) {
      throw new IllegalArgumentException("model.family: " + model.family()
          + " reads characters and needs dataset kind text");
    }
    if (refine != null && model.widths().size() < 2) {
      throw new IllegalArgumentException("refine: needs at least two model.widths to add "
          + "widths between, got " + model.widths());
    }
    if (distillation != null) {
      checkDistillation(distillation, model);
    }
    int smallest = trainSizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
    if (model.everyPosition() && dataset instanceof DatasetConfig.Text t) {
      // Every position of a window is predicted: sizes count tokens, in whole windows.
      for (int n : trainSizes) {
        if (n % t.context() != 0) {
          throw new IllegalArgumentException("train_sizes: " + n + " is not a multiple of "
              + "dataset.context " + t.context() + "; family " + model.family() + " trains on "
              + "whole windows and predicts every token of each");
        }
      }
      for (int i = 0; i < optimizer.batchSizes().size(); i++) {
        int b = optimizer.batchSizes().get(i);
        if ((long) b * t.context() > smallest) {
          throw new IllegalArgumentException("optimizer." + optimizer.batchSizeField(i) + ": "
              + b + " windows of " + t.context() + " tokens are more than the smallest of "
              + "train_sizes (" + smallest + " tokens)");
        }
      }
    }
    for (int i = 0; i < optimizer.batchSizes().size(); i++) {
      int b = optimizer.batchSizes().get(i);
      if (b > smallest) {
        throw new IllegalArgumentException("optimizer." + optimizer.batchSizeField(i) + ": " + b
            + " is larger than the smallest of train_sizes (" + smallest + ")");
      }
    }
    int largest = trainSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    if (dataset instanceof DatasetConfig.TeacherStudent t
        && (long) largest * t.inputDim() > Check.MAX_ARRAY) {
      throw new IllegalArgumentException("train_sizes: " + largest + " examples of dataset."
          + "input_dim " + t.inputDim() + " features exceed one array (" + Check.MAX_ARRAY
          + " elements)");
    }
  }

  /**
   * Augmentation moves examples along their spatial order, so a dataset without one (a text, a
   * teacher's Gaussian inputs) refuses any shift above 0, and a shift must leave some of the
   * example in place: less than the side of an image or the length of a sequence.
   */
  private static void checkAugmentation(List<Integer> augmentation, DatasetConfig dataset,
      ModelConfig model) {
    int largest = augmentation.stream().mapToInt(Integer::intValue).max().orElse(0);
    if (largest == 0) {
      return;
    }
    String kind = DatasetConfig.kind(dataset);
    if (model.characterLevel() || dataset instanceof DatasetConfig.Text) {
      throw new IllegalArgumentException("augmentation: " + largest + " for dataset kind "
          + kind + ": a text's tokens are not shifted (augmentation applies to images and 1-D "
          + "feature sequences); give [0]");
    }
    DatasetConfig.Shifts s = dataset.shifts();
    if (s == null) {
      throw new IllegalArgumentException("augmentation: " + largest + " for dataset kind "
          + kind + ", whose features have no spatial order to shift along; give [0]");
    }
    if (largest >= s.limit()) {
      throw new IllegalArgumentException("augmentation: value " + largest + " must be less than "
          + s.limit() + ", the " + s.describe() + " of dataset kind " + kind);
    }
  }

  /** A {@code distillation} section fits this file's model family and grid. */
  private static void checkDistillation(DistillationConfig d, ModelConfig model) {
    if (!model.family().equals("mlp")) {
      throw new IllegalArgumentException("distillation: only family mlp is supported (its "
          + "students fit a mixed distribution over the classes of each example); family "
          + model.family() + " predicts tokens of a text");
    }
    if (d.teacherWidth() instanceof Integer w && !model.widths().contains(w)) {
      throw new IllegalArgumentException("distillation.teacher_width: " + w + " is not one of "
          + "model.widths " + model.widths() + " (the teacher is a grid run)");
    }
  }
}
