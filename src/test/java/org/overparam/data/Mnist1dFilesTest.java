package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.overparam.config.ExperimentFile;

/**
 * The MNIST-1D files submit/setup generates, read as conf/experiments/mnist1d-double-descent.yaml
 * reads them: the paper's default split of 4,000 training and 1,000 test sequences of 40
 * points, ten balanced classes, features centred and scaled by the generator.
 */
class Mnist1dFilesTest {
  @Test
  void theGeneratedFilesHoldThePapersDefaultDataset() {
    assertThat(Path.of("data/mnist1d/train.npz")).as("written by submit/setup").isRegularFile();
    assertThat(Path.of("data/mnist1d/test.npz")).as("written by submit/setup").isRegularFile();
    DataSource src = Datasets.load(ExperimentFile.read(Path.of(
        "conf/experiments/mnist1d-double-descent.yaml")).dataset());
    assertThat(src.poolSize()).isEqualTo(4000);
    assertThat(src.test().count()).isEqualTo(1000);
    assertThat(src.pool().dim()).isEqualTo(40);
    assertThat(src.classes()).isEqualTo(10);
    for (Examples ex : new Examples[] {src.pool(), src.test()}) {
      int[] counts = new int[10];
      for (int l : ex.labels()) {
        counts[l]++;
      }
      // 500 sequences per digit, shuffled before the split.
      assertThat(Arrays.stream(counts).boxed().toList())
          .allMatch(c -> c > ex.count() / 10 * 0.8 && c < ex.count() / 10 * 1.2);
    }
    double sum = 0;
    double sq = 0;
    int n = 0;
    for (Examples ex : new Examples[] {src.pool(), src.test()}) {
      for (float v : ex.features()) {
        sum += v;
        sq += (double) v * v;
        n++;
      }
    }
    double mean = sum / n;
    assertThat(mean).isBetween(-1e-3, 1e-3);
    assertThat(Math.sqrt(sq / n - mean * mean)).isBetween(0.999, 1.001);
  }
}
