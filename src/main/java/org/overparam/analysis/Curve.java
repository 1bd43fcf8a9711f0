package org.overparam.analysis;

/**
 * One row of the {@code curves} table: a cell's losses and errors over its seeds, at the final
 * epoch and at the best epoch (least mean test loss). Diverged runs are counted and left out of
 * every mean.
 *
 * @param cell the grid point
 * @param seeds completed runs evaluated at the final epoch
 * @param diverged runs whose loss became non-finite
 * @param finalEpoch last epoch of the completed runs
 * @param finalTrainLoss train loss at the final epoch
 * @param finalTrainError train error at the final epoch
 * @param finalTestLoss test loss at the final epoch
 * @param finalTestError test error at the final epoch
 * @param bestEpoch epoch of least mean test loss
 * @param bestTrainLoss train loss at the best epoch
 * @param bestTrainError train error at the best epoch
 * @param bestTestLoss test loss at the best epoch (the least test loss)
 * @param bestTestError test error at the best epoch
 * @param family model family of the cell's runs (null: not known)
 * @param nonEmbeddingParams parameters outside the embedding tables, the N of the scaling laws
 */
public record Curve(Cell cell, long seeds, long diverged, int finalEpoch,
    SeedMean finalTrainLoss, SeedMean finalTrainError, SeedMean finalTestLoss,
    SeedMean finalTestError, int bestEpoch, SeedMean bestTrainLoss, SeedMean bestTrainError,
    SeedMean bestTestLoss, SeedMean bestTestError, String family, long nonEmbeddingParams) {

  /** A curve of unknown family whose parameters are all outside embedding tables. */
  public Curve(Cell cell, long seeds, long diverged, int finalEpoch, SeedMean finalTrainLoss,
      SeedMean finalTrainError, SeedMean finalTestLoss, SeedMean finalTestError, int bestEpoch,
      SeedMean bestTrainLoss, SeedMean bestTrainError, SeedMean bestTestLoss,
      SeedMean bestTestError) {
    this(cell, seeds, diverged, finalEpoch, finalTrainLoss, finalTrainError, finalTestLoss,
        finalTestError, bestEpoch, bestTrainLoss, bestTrainError, bestTestLoss, bestTestError,
        null, cell.params());
  }

  /** Whether at least one seed completed, so the means are numbers. */
  public boolean measured() {
    return seeds > 0;
  }
}
