package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The synthetic task: Gaussian inputs labelled by a fixed random ReLU network. */
class TeacherStudentTest {
  @Test
  void oneTeacherAndOneStreamGiveTheSameExamples() {
    Examples a = new TeacherStudent(10, 16, 4, 1L).sample(500, new SplittableRandom(2));
    Examples b = new TeacherStudent(10, 16, 4, 1L).sample(500, new SplittableRandom(2));
    assertThat(b.features()).isEqualTo(a.features());
    assertThat(b.labels()).isEqualTo(a.labels());
    assertThat(a.count()).isEqualTo(500);
    assertThat(a.dim()).isEqualTo(10);
    assertThat(a.classes()).isEqualTo(4);
  }

  @Test
  void anotherTeacherLabelsTheSameInputsDifferently() {
    Examples a = new TeacherStudent(10, 16, 4, 1L).sample(500, new SplittableRandom(2));
    Examples b = new TeacherStudent(10, 16, 4, 99L).sample(500, new SplittableRandom(2));
    assertThat(b.features()).isEqualTo(a.features()); // the inputs come from the stream alone
    int same = 0;
    for (int i = 0; i < 500; i++) {
      same += a.labels()[i] == b.labels()[i] ? 1 : 0;
    }
    assertThat(same).isLessThan(250); // two random teachers agree about as often as chance (1/4)
  }

  @Test
  void inputsAreStandardNormalAndEveryClassOccurs() {
    Examples ex = new TeacherStudent(8, 16, 3, 5L).sample(20_000, new SplittableRandom(6));
    double sum = 0;
    double sq = 0;
    for (float v : ex.features()) {
      sum += v;
      sq += v * v;
    }
    int n = ex.features().length;
    assertThat(sum / n).isBetween(-0.02, 0.02);
    assertThat(sq / n).isBetween(0.97, 1.03);
    int[] counts = new int[3];
    for (int l : ex.labels()) {
      counts[l]++;
    }
    assertThat(Arrays.stream(counts).boxed().toList()).allMatch(c -> c > 20_000 / 3 / 5);
  }

  @Test
  void theLabelIsAFunctionOfTheInput() {
    // The teacher has no biases, so it is positively homogeneous: scaling an input by c > 0
    // scales every logit by c and keeps the argmax. A 1-nearest-neighbour rule on the
    // directions of 4,000 examples therefore predicts far better than chance.
    TeacherStudent t = new TeacherStudent(4, 16, 3, 11L);
    Examples train = t.sample(4000, new SplittableRandom(1));
    Examples test = t.sample(500, new SplittableRandom(2));
    int right = 0;
    for (int i = 0; i < test.count(); i++) {
      int best = -1;
      double bestCos = -2;
      for (int j = 0; j < train.count(); j++) {
        double dot = 0;
        double nj = 0;
        double ni = 0;
        for (int k = 0; k < 4; k++) {
          float a = test.features()[i * 4 + k];
          float b = train.features()[j * 4 + k];
          dot += a * b;
          ni += a * a;
          nj += b * b;
        }
        double cos = dot / Math.sqrt(ni * nj);
        if (cos > bestCos) {
          bestCos = cos;
          best = j;
        }
      }
      right += train.labels()[best] == test.labels()[i] ? 1 : 0;
    }
    assertThat(right / 500.0).isGreaterThan(0.7);
  }
}
