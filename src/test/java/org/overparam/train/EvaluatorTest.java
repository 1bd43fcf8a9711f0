package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.data.Examples;

/** The matrices a run's examples are copied into, against ND4J's own element-wise copy. */
class EvaluatorTest {
  @Test
  void featuresAndLabelsAreTheMatricesNd4jBuildsFromTheSameValues() {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 37;
    int dim = 11;
    float[] x = new float[n * dim];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    x[5] = -0f;
    x[6] = Float.MIN_VALUE;
    int[] labels = rng.ints(n, 0, 4).toArray();
    Examples ex = new Examples(x, labels, dim, 4);

    INDArray features = Evaluator.features(ex);
    assertThat(features.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(features.ordering()).isEqualTo('c');
    assertThat(features.shape()).containsExactly(n, dim);
    assertThat(features.data().asFloat()).containsExactly(x);
    assertThat(features).isEqualTo(Nd4j.create(x, new long[] {n, dim}, 'c'));

    INDArray y = Evaluator.labels(ex);
    assertThat(y.shape()).containsExactly(n, 4);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 4; c++) {
        assertThat(y.getFloat(i, c)).isEqualTo(c == labels[i] ? 1f : 0f);
      }
    }
  }

  @Test
  void emptyAndMisshapenMatrices() {
    assertThat(Evaluator.matrix(new float[0], 0, 784).shape()).containsExactly(0, 784);
    assertThatThrownBy(() -> Evaluator.matrix(new float[6], 4, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 values for a 4 x 2");
  }
}
