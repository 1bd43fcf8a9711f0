package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.DatasetConfig;
import org.overparam.testing.NpzFiles;

/** Train and test sets of a user's files: a second file, or a seeded split of one. */
class FileDatasetsTest {
  @TempDir
  Path tmp;

  /** The first feature of each row: {@link NpzFiles#examples} makes it the row's number. */
  static Set<Integer> ids(Examples ex) {
    Set<Integer> out = new HashSet<>();
    for (int i = 0; i < ex.count(); i++) {
      out.add((int) ex.features()[i * ex.dim()]);
    }
    return out;
  }

  static DatasetConfig.Npz split(Path file, double fraction, Long seed, Integer testSize) {
    return new DatasetConfig.Npz(file.toString(), null, fraction, seed, null, null, 3, 4,
        testSize);
  }

  @Test
  void aSeededSplitIsDisjointCoversTheFileAndIsTheSameForOneSeed() {
    Path f = NpzFiles.examples(tmp.resolve("all.npz"), 1000, 3, 4);
    DataSource a = FileDatasets.load(split(f, 0.2, 7L, null));
    assertThat(a.test().count()).isEqualTo(200);
    assertThat(a.poolSize()).isEqualTo(800);
    Set<Integer> test = ids(a.test());
    Set<Integer> train = ids(a.pool());
    assertThat(test).hasSize(200).doesNotContainAnyElementsOf(train);
    Set<Integer> all = new HashSet<>(test);
    all.addAll(train);
    assertThat(all).hasSize(1000);
    // Labels travel with their rows.
    for (Examples ex : List.of(a.pool(), a.test())) {
      for (int i = 0; i < ex.count(); i++) {
        assertThat(ex.labels()[i]).isEqualTo((int) ex.features()[i * 3] % 4);
      }
    }

    DataSource again = FileDatasets.load(split(f, 0.2, 7L, null));
    assertThat(again.test().features()).isEqualTo(a.test().features());
    assertThat(again.pool().features()).isEqualTo(a.pool().features());
    DataSource other = FileDatasets.load(split(f, 0.2, 8L, null));
    assertThat(ids(other.test())).isNotEqualTo(test);
    // No split seed: seed 0.
    assertThat(FileDatasets.load(split(f, 0.2, null, null)).test().features())
        .isEqualTo(FileDatasets.load(split(f, 0.2, 0L, null)).test().features());
  }

  @Test
  void theShareIsRoundedAndMustLeaveBothSetsAnExample() {
    Path f = NpzFiles.examples(tmp.resolve("small.npz"), 10, 3, 4);
    assertThat(FileDatasets.load(split(f, 0.25, 1L, null)).test().count()).isEqualTo(3);
    assertThatThrownBy(() -> FileDatasets.load(split(f, 0.01, 1L, null)))
        .isInstanceOf(DataException.class)
        .hasMessage("dataset.test_fraction: 0.01 of the 10 examples of " + f + " leaves no test "
            + "example");
    assertThatThrownBy(() -> FileDatasets.load(split(f, 0.99, 1L, null)))
        .hasMessageContaining("leaves no training example");
  }

  @Test
  void aTestFileIsReadWholeOrItsFirstTestSizeExamples() {
    Path train = NpzFiles.examples(tmp.resolve("train.npz"), 50, 3, 4);
    Path test = NpzFiles.examples(tmp.resolve("test.npz"), 20, 3, 4);
    DataSource whole = FileDatasets.load(new DatasetConfig.Npz(train.toString(), test.toString(),
        null, null, null, null, 3, 4, null));
    assertThat(whole.poolSize()).isEqualTo(50);
    assertThat(whole.test().count()).isEqualTo(20);
    DataSource head = FileDatasets.load(new DatasetConfig.Npz(train.toString(), test.toString(),
        null, null, null, null, 3, 4, 5));
    assertThat(ids(head.test())).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(FileDatasets.load(split(train, 0.4, 3L, 15)).test().count()).isEqualTo(15);

    assertThatThrownBy(() -> FileDatasets.load(new DatasetConfig.Npz(train.toString(),
        test.toString(), null, null, null, null, 3, 4, 21))).isInstanceOf(DataException.class)
        .hasMessageStartingWith("dataset.test_size: 21 exceeds the 20 test examples of npz:");
  }

  @Test
  void readsParquetFilesTheSameWay() throws Exception {
    Path f = tmp.resolve("all.parquet");
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:")) {
      c.createStatement().execute("copy (select (range % 4)::int as label, range::double as "
          + "f0, 0.5::float as f1, -1::int as f2 from range(100)) to '" + f
          + "' (format parquet)");
    }
    DatasetConfig.Parquet cfg = new DatasetConfig.Parquet(f.toString(), null, 0.3, 2L, "f",
        "label", 3, 4, null);
    DataSource src = FileDatasets.load(cfg);
    assertThat(src.test().count()).isEqualTo(30);
    assertThat(src.poolSize()).isEqualTo(70);
    assertThat(src.description()).isEqualTo("parquet:" + f + ",test_fraction=0.3,split_seed=2,"
        + "features=f,labels=label,d=3,k=4");
    List<Integer> wrong = new ArrayList<>();
    for (int i = 0; i < src.pool().count(); i++) {
      float[] x = src.pool().features();
      if (x[i * 3 + 1] != 0.5f || x[i * 3 + 2] != -1f
          || src.pool().labels()[i] != (int) x[i * 3] % 4) {
        wrong.add(i);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void namesTheFieldOfAMissingFile() {
    Path train = NpzFiles.examples(tmp.resolve("train.npz"), 50, 3, 4);
    Path none = tmp.resolve("none.npz");
    assertThatThrownBy(() -> FileDatasets.load(new DatasetConfig.Npz(none.toString(),
        train.toString(), null, null, null, null, 3, 4, null))).isInstanceOf(DataException.class)
        .hasMessage("dataset.path " + none + ": no such file");
    assertThatThrownBy(() -> FileDatasets.load(new DatasetConfig.Npz(train.toString(),
        none.toString(), null, null, null, null, 3, 4, null)))
        .hasMessage("dataset.test_path " + none + ": no such file");
    assertThatThrownBy(() -> FileDatasets.load(new DatasetConfig.Parquet("no/such.parquet",
        null, 0.5, null, null, null, 3, 4, null)))
        .hasMessage("dataset.path no/such.parquet: no such file (relative to "
            + Path.of("").toAbsolutePath() + ")");
  }
}
