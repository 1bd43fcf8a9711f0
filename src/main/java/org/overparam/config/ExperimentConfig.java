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
 * @param optimizer optimiser, learning rate, batch size
 * @param epochs passes over the training set
 * @param weightDecay decoupled weight-decay coefficients
 * @param dropout probabilities of dropping a hidden unit's input (0 = none)
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
    OptimizerConfig optimizer,
    Integer epochs,
    List<Double> weightDecay,
    List<Double> dropout,
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
    optimizer = optimizer == null ? new OptimizerConfig(null, null, null, null) : optimizer;
    Check.positive(Check.required(epochs, "epochs"), "epochs");
    weightDecay = Check.grid(weightDecay, List.of(0.0), "weight_decay",
        w -> w >= 0 && Double.isFinite(w), "must be a finite number >= 0");
    dropout = Check.grid(dropout, List.of(0.0), "dropout", p -> p >= 0 && p < 1,
        "must be in [0, 1)");
    seeds = Check.grid(seeds, List.of(0L), "seeds", s -> true, "");
    evalEvery = evalEvery == null ? 1 : evalEvery;
    Check.positive(evalEvery, "eval_every");
    checkpointEvery = checkpointEvery == null ? 0 : checkpointEvery;
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("checkpoint_every: must be >= 0, got " + checkpointEvery);
    }
    strategy = strategy == null ? StrategyConfig.defaults() : strategy;
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
      if ((long) optimizer.batchSize() * t.context() > smallest) {
        throw new IllegalArgumentException("optimizer.batch_size: " + optimizer.batchSize()
            + " windows of " + t.context() + " tokens are more than the smallest of train_sizes"
            + " (" + smallest + " tokens)");
      }
    }
    if (optimizer.batchSize() > smallest) {
      throw new IllegalArgumentException("optimizer.batch_size: " + optimizer.batchSize()
          + " is larger than the smallest of train_sizes (" + smallest + ")");
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
