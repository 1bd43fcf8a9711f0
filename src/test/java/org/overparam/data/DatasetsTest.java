package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.DatasetConfig;
import org.overparam.testing.NpzFiles;

/** Each run's training set: a deterministic subset of the pool, then seeded label noise. */
class DatasetsTest {
  /** 60,000 teacher-labelled examples of 8 features, 3 classes, and 100 test ones. */
  static final DatasetConfig.TeacherStudent TEACHER =
      new DatasetConfig.TeacherStudent(8, 3, 16, 7L, 100);

  @TempDir
  Path tmp;

  /** The rows of {@code ex} as lists, to compare and count them. */
  static List<List<Float>> rows(Examples ex) {
    List<List<Float>> out = new java.util.ArrayList<>();
    for (int i = 0; i < ex.count(); i++) {
      List<Float> row = new java.util.ArrayList<>();
      for (int j = 0; j < ex.dim(); j++) {
        row.add(ex.features()[i * ex.dim() + j]);
      }
      out.add(row);
    }
    return out;
  }

  @Test
  void aSubsetIsTheSameForOneSeedDistinctRowsOfThePoolAndSmallerOnesArePrefixes() {
    DataSource src = Datasets.load(TEACHER);
    assertThat(src.poolSize()).isEqualTo(60_000);
    TrainTest a = Datasets.prepare(src, 500, 0, 1);
    TrainTest again = Datasets.prepare(src, 500, 0, 1);
    TrainTest other = Datasets.prepare(src, 500, 0, 2);
    TrainTest small = Datasets.prepare(src, 100, 0, 1);

    assertThat(again.train().features()).isEqualTo(a.train().features());
    assertThat(again.train().labels()).isEqualTo(a.train().labels());
    assertThat(other.train().features()).isNotEqualTo(a.train().features());
    assertThat(rows(small.train())).isEqualTo(rows(a.train()).subList(0, 100));
    assertThat(Arrays.copyOf(a.train().labels(), 100)).isEqualTo(small.train().labels());

    Set<List<Float>> pool = new HashSet<>(rows(src.pool()));
    assertThat(rows(a.train())).hasSize(500).doesNotHaveDuplicates().allMatch(pool::contains);
    assertThat(a.test()).isSameAs(src.test());
    assertThat(a.flipped()).isZero();
  }

  @Test
  void labelNoiseFlipsTheRoundedShareToAWrongClassTheSameWayForOneSeed() {
    DataSource src = Datasets.load(TEACHER);
    int n = 1001;
    TrainTest clean = Datasets.prepare(src, n, 0, 5);
    TrainTest noisy = Datasets.prepare(src, n, 0.15, 5);
    // The subset does not depend on the noise: the same rows, some relabelled.
    assertThat(noisy.train().features()).isEqualTo(clean.train().features());
    assertThat(noisy.flipped()).isEqualTo(150); // round(150.15)
    assertThat(changed(clean, noisy)).hasSize(150);
    assertThat(Arrays.stream(noisy.train().labels()).boxed().toList())
        .allMatch(l -> l >= 0 && l < 3);
    assertThat(noisy.test().labels()).isEqualTo(src.test().labels());

    TrainTest same = Datasets.prepare(src, n, 0.15, 5);
    assertThat(same.train().labels()).isEqualTo(noisy.train().labels());
    TrainTest otherSeed = Datasets.prepare(src, n, 0.15, 6);
    TrainTest otherClean = Datasets.prepare(src, n, 0, 6);
    assertThat(changed(otherClean, otherSeed)).hasSize(150)
        .isNotEqualTo(changed(clean, noisy));
  }

  @Test
  void aFlippedLabelIsEachOtherClassAboutEquallyOften() {
    DataSource src = Datasets.load(TEACHER);
    TrainTest clean = Datasets.prepare(src, 30_000, 0, 9);
    TrainTest noisy = Datasets.prepare(src, 30_000, 0.5, 9);
    int[][] to = new int[3][3];
    for (int i : changed(clean, noisy)) {
      to[clean.train().labels()[i]][noisy.train().labels()[i]]++;
    }
    for (int c = 0; c < 3; c++) {
      assertThat(to[c][c]).isZero();
      int a = to[c][(c + 1) % 3];
      int b = to[c][(c + 2) % 3];
      // 15,000 flips: each class's ~5,000 split in two, well within 5% of even.
      assertThat(Math.abs(a - b)).isLessThan((a + b) / 20);
    }
  }

  private static List<Integer> changed(TrainTest clean, TrainTest noisy) {
    List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < clean.train().count(); i++) {
      if (clean.train().labels()[i] != noisy.train().labels()[i]) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void checkRefusesATrainingSetLargerThanThePool() {
    Datasets.check(TEACHER, 60_000);
    assertThatThrownBy(() -> Datasets.check(TEACHER, 60_001)).isInstanceOf(DataException.class)
        .hasMessage("train_sizes: 60001 exceeds the 60000 training examples of "
            + TEACHER.describe());
  }

  @Test
  void loadsASourceOncePerConfiguration() {
    DataSource a = Datasets.load(TEACHER);
    assertThat(Datasets.load(new DatasetConfig.TeacherStudent(8, 3, 16, 7L, 100))).isSameAs(a);
    assertThat(Datasets.load(new DatasetConfig.TeacherStudent(8, 3, 16, 8L, 100)))
        .isNotSameAs(a);
    assertThat(Datasets.classes(TEACHER)).isEqualTo(3);
  }

  @Test
  void drawsSubsetsAndNoiseFromAFileDatasetLikeAnyOther() {
    Path train = NpzFiles.examples(tmp.resolve("train.npz"), 300, 4, 5);
    Path test = NpzFiles.examples(tmp.resolve("test.npz"), 40, 4, 5);
    DatasetConfig.Npz cfg = new DatasetConfig.Npz(train.toString(), test.toString(), null, null,
        null, null, 4, 5, null);
    DataSource src = Datasets.load(cfg);
    assertThat(src.description()).isEqualTo(cfg.describe()).startsWith("npz:" + train);
    assertThat(src.poolSize()).isEqualTo(300);
    assertThat(src.test().count()).isEqualTo(40);
    assertThat(Datasets.classes(cfg)).isEqualTo(5);
    TrainTest run = Datasets.prepare(src, 200, 0.1, 3);
    assertThat(run.flipped()).isEqualTo(20);
    assertThat(run.train().count()).isEqualTo(200);
    assertThat(rows(run.train())).doesNotHaveDuplicates();
    assertThat(Datasets.prepare(src, 200, 0.1, 3).train().labels())
        .isEqualTo(run.train().labels());
    assertThatThrownBy(() -> Datasets.check(cfg, 301)).hasMessage("train_sizes: 301 exceeds "
        + "the 300 training examples of " + cfg.describe());
  }
}
