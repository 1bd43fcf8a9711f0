package org.overparam.data;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.overparam.config.DatasetConfig;
import org.overparam.config.RunSpec;

/**
 * Data augmentation of a run's training examples ({@code augmentation: k}), the one owner of it
 * for both strategies: the per-task trainer and every parameter-averaging worker build the
 * features they fit through {@link #features}, and nothing else is ever augmented (the train
 * and test sets are evaluated as they are).
 *
 * <p>In epoch {@code e} training example {@code i} (its index in the run's training set) is
 * moved by an offset drawn for it alone: the run seed's {@code "augment-e"} stream ({@link
 * Seeds}) draws the offsets of examples {@code 0 .. n-1} in index order, so an example gets
 * the same offset in an epoch however the strategy orders, batches or splits the set, a resumed
 * run repeats the offsets of an uninterrupted one, and the other streams (subset, noise, order,
 * init) are untouched. How an example moves is its dataset's ({@link DatasetConfig.Shifts}): an
 * image translated by {@code (dx, dy)} in {@code [-k, k]^2} with zero fill (and mirrored
 * left-right with probability 1/2 where the dataset allows it), a sequence rotated by
 * {@code s} in {@code [-k, k]}.
 *
 * @param k the largest shift; 0 leaves every example as it is
 * @param shifts how the dataset's examples move
 * @param seed the run seed
 */
public record Augmentation(int k, DatasetConfig.Shifts shifts, long seed)
    implements Serializable {

  public Augmentation {
    if (k < 0) {
      throw new IllegalArgumentException("augmentation: must be >= 0, got " + k);
    }
    if (k > 0 && shifts == null) {
      throw new IllegalArgumentException("augmentation: the dataset's examples cannot be "
          + "shifted");
    }
  }

  /** The augmentation of run {@code spec}. */
  public static Augmentation of(RunSpec spec) {
    return new Augmentation(spec.augmentation(), spec.dataset().shifts(), spec.seed());
  }

  /** Whether examples are left as they are. */
  public boolean none() {
    return k == 0;
  }

  /**
   * The features of {@code train}'s rows {@code rows}, in that order, as epoch {@code epoch}
   * fits them: row-major {@code rows.length x dim}, each row moved by its example's offset of
   * that epoch (a plain copy when {@link #none}).
   */
  public float[] features(Examples train, int[] rows, int epoch) {
    int dim = train.dim();
    float[] out = new float[rows.length * dim];
    if (none()) {
      for (int j = 0; j < rows.length; j++) {
        System.arraycopy(train.features(), rows[j] * dim, out, j * dim, dim);
      }
      return out;
    }
    if ((long) shifts.height() * shifts.width() != dim) {
      throw new IllegalStateException("augmentation: examples of " + dim + " features are not "
          + shifts.height() + "x" + shifts.width());
    }
    Offset[] offsets = offsets(train.count(), epoch);
    for (int j = 0; j < rows.length; j++) {
      move(train.features(), rows[j] * dim, out, j * dim, shifts, offsets[rows[j]]);
    }
    return out;
  }

  /**
   * One example's move: {@code dx} columns right, {@code dy} rows down (a sequence: {@code dx}
   * positions on), mirrored left-right first if {@code flip}.
   */
  public record Offset(int dx, int dy, boolean flip) {}

  /** The offsets of examples {@code 0 .. n-1} in epoch {@code epoch}. */
  public Offset[] offsets(int n, int epoch) {
    SplittableRandom rng = Seeds.rng(seed, "augment-" + epoch);
    Offset[] out = new Offset[n];
    for (int i = 0; i < n; i++) {
      int dx = rng.nextInt(2 * k + 1) - k;
      int dy = shifts.circular() ? 0 : rng.nextInt(2 * k + 1) - k;
      boolean flip = shifts.flips() && rng.nextBoolean();
      out[i] = new Offset(dx, dy, flip);
    }
    return out;
  }

  /**
   * Writes example {@code src[from ..]} moved by {@code o} to {@code dst[to ..]}: an image
   * translated with zero fill (the pixel at row y, column x comes from row {@code y - dy},
   * column {@code x - dx} of the example, mirrored first if {@code flip}); a sequence rotated
   * (position i comes from position {@code i - dx} modulo its length).
   */
  public static void move(float[] src, int from, float[] dst, int to, DatasetConfig.Shifts s,
      Offset o) {
    int h = s.height();
    int w = s.width();
    if (s.circular()) {
      int shift = Math.floorMod(o.dx(), w);
      // positions 0..shift-1 come from the end, the rest from the start
      System.arraycopy(src, from + w - shift, dst, to, shift);
      System.arraycopy(src, from, dst, to + shift, w - shift);
      return;
    }
    for (int y = 0; y < h; y++) {
      int sy = y - o.dy();
      for (int x = 0; x < w; x++) {
        int sx = x - o.dx();
        if (o.flip()) {
          sx = w - 1 - sx;
        }
        dst[to + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f
            : src[from + sy * w + sx];
      }
    }
  }
}
