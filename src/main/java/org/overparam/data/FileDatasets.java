package org.overparam.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.overparam.config.DatasetConfig;

/**
 * Data sources from files the user brings ({@link DatasetConfig.FileDataset}): reads the
 * training file and the test file, or splits one file by its seeded permutation, and keeps the
 * first {@code test_size} test examples.
 */
final class FileDatasets {
  private FileDatasets() {}

  static DataSource load(DatasetConfig.FileDataset cfg) {
    Examples all = read(cfg, cfg.path(), "path");
    Examples pool;
    Examples test;
    if (cfg.testPath() != null) {
      pool = all;
      test = read(cfg, cfg.testPath(), "test_path");
    } else {
      Examples[] parts = split(all, cfg.testFraction(), cfg.splitSeed(), cfg.path());
      pool = parts[0];
      test = parts[1];
    }
    if (cfg.testSize() != null) {
      if (cfg.testSize() > test.count()) {
        throw new DataException("dataset.test_size: " + cfg.testSize() + " exceeds the "
            + test.count() + " test examples of " + cfg.describe());
      }
      test = test.head(cfg.testSize());
    }
    return new DataSource(pool, test, cfg.describe());
  }

  /** The examples of one file; {@code field} names the config key that gave it in errors. */
  private static Examples read(DatasetConfig.FileDataset cfg, String file, String field) {
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      throw new DataException("dataset." + field + " " + file + ": no such file"
          + (p.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")"));
    }
    if (cfg instanceof DatasetConfig.Npz) {
      return NpzReader.read(p, cfg.features(), cfg.labels(), cfg.inputDim(), cfg.classes());
    }
    return ParquetExamplesReader.read(p, cfg.features(), cfg.labels(), cfg.inputDim(),
        cfg.classes());
  }

  /**
   * {@code {train, test}}: the rows of {@code all} in the order of a permutation drawn from
   * {@code seed}'s "split" stream, the first {@code round(fraction x rows)} for testing. The same
   * file, fraction and seed always give the same two sets, whatever the runs' seeds.
   */
  static Examples[] split(Examples all, double fraction, long seed, String source) {
    int n = all.count();
    int t = (int) Math.round(fraction * n);
    if (t < 1 || t > n - 1) {
      throw new DataException("dataset.test_fraction: " + fraction + " of the " + n
          + " examples of " + source + " leaves " + (t < 1 ? "no test" : "no training")
          + " example");
    }
    int[] perm = Seeds.permutation(n, Seeds.rng(seed, "split"));
    return new Examples[] {all.rows(Arrays.copyOfRange(perm, t, n), null),
        all.rows(Arrays.copyOf(perm, t), null)};
  }
}
