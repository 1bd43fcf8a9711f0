package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * {@link JavaAdam} updates as DL4J's {@link Adam} does: the same parameters and moment
 * estimates after every step, to float rounding, with weight decay and a cosine schedule, and
 * the same configuration JSON but for the class name.
 */
class JavaAdamTest {
  static MultiLayerNetwork net(IUpdater updater, DataType type) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(type)
        .updater(updater).weightDecay(1e-3).list()
        .layer(ReluDense.of(20, 16)).layer(ReluDense.of(16, 12)).layer(SoftmaxOutput.of(12, 5))
        .build();
    MultiLayerNetwork n = new MultiLayerNetwork(conf);
    n.init();
    return n;
  }

  static double maxDiff(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue();
  }

  @ParameterizedTest(name = "schedule {0}")
  @ValueSource(booleans = {false, true})
  void sameParametersAndMomentsAsDl4jsAdamAfterEveryStep(boolean schedule) {
    CosineSchedule s = new CosineSchedule(0.01, 12);
    MultiLayerNetwork stock = net(schedule ? new Adam(s) : new Adam(0.01), DataType.FLOAT);
    MultiLayerNetwork java = net(schedule ? new JavaAdam(s) : new JavaAdam(0.01),
        DataType.FLOAT);
    for (int step = 0; step < 12; step++) {
      DataSet d = SoftmaxOutputTest.batch(step, DataType.FLOAT, false);
      stock.fit(d);
      java.fit(d);
      assertThat(maxDiff(java.params(), stock.params())).as("step %d", step)
          .isLessThanOrEqualTo(1e-6);
      // the state array holds m, then v: both halves, at their offsets, as DL4J's op left them
      assertThat(maxDiff(java.getUpdater().getStateViewArray(),
          stock.getUpdater().getStateViewArray())).as("step %d", step).isLessThanOrEqualTo(1e-6);
    }
    assertThat(stock.getUpdater().getStateViewArray().amaxNumber().doubleValue())
        .isGreaterThan(1e-4);
    assertThat(java.getLayer(0).conf().getLayer().getUpdaterByParam("W"))
        .isInstanceOf(JavaAdam.class);
  }

  @Test
  void doubleNetworksKeepDl4jsOp() {
    MultiLayerNetwork stock = net(new Adam(0.01), DataType.DOUBLE);
    MultiLayerNetwork java = net(new JavaAdam(0.01), DataType.DOUBLE);
    for (int step = 0; step < 4; step++) {
      DataSet d = SoftmaxOutputTest.batch(step, DataType.DOUBLE, false);
      stock.fit(d);
      java.fit(d);
    }
    assertThat(java.params().equalsWithEps(stock.params(), 0)).isTrue();
  }

  @Test
  void configurationJsonIsDl4jsButForTheClassAndCheckpointsRoundTrip() throws Exception {
    MultiLayerNetwork stock = net(new Adam(0.01), DataType.FLOAT);
    MultiLayerNetwork java = net(new JavaAdam(0.01), DataType.FLOAT);
    String json = java.getLayerWiseConfigurations().toJson();
    assertThat(json.replace(JavaAdam.class.getName(), Adam.class.getName()))
        .isEqualTo(stock.getLayerWiseConfigurations().toJson());

    java.fit(SoftmaxOutputTest.batch(0, DataType.FLOAT, false));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(java, bytes, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(bytes.toByteArray()), true);
    assertThat(restored.getLayer(1).conf().getLayer().getUpdaterByParam("b"))
        .isInstanceOf(JavaAdam.class);
    java.fit(SoftmaxOutputTest.batch(1, DataType.FLOAT, false));
    restored.fit(SoftmaxOutputTest.batch(1, DataType.FLOAT, false));
    assertThat(restored.params().equalsWithEps(java.params(), 0)).isTrue();
  }

  @Test
  void stepWithoutDecayIsTheSeparatePassesBitForBitAndLeavesTheGradient() {
    // more than one chunk, the last one short; moments warm from earlier steps
    int n = 2 * JavaAdam.CHUNK + 37;
    SplittableRandom rng = new SplittableRandom(7);
    float[] p = new float[n];
    float[] g = new float[n];
    float[] m = new float[n];
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) rng.nextGaussian();
      g[i] = (float) (rng.nextGaussian() * 30);
      m[i] = (float) (rng.nextGaussian() * 1e-2);
      v[i] = (float) (rng.nextDouble() * 1e-3);
    }
    Adam c = new Adam(0.003);
    float divisor = 32f;
    int iteration = 5;
    float step = JavaAdam.stepSize(c, iteration, 0);
    float b1 = (float) c.getBeta1();
    float b2 = (float) c.getBeta2();
    float eps = (float) c.getEpsilon();
    float[] wantP = p.clone();
    float[] wantM = m.clone();
    float[] wantV = v.clone();
    for (int i = 0; i < n; i++) { // the passes as DL4J makes them: mean, Adam, p - update
      float gi = g[i] / divisor;
      wantM[i] = b1 * wantM[i] + gi * (1 - b1);
      wantV[i] = b2 * wantV[i] + gi * gi * (1 - b2);
      float update = wantM[i] * step / ((float) Math.sqrt(wantV[i]) + eps);
      wantP[i] = wantP[i] - update;
    }
    INDArray[] a = new INDArray[4];
    float[][] values = {p, g, m, v};
    for (int j = 0; j < 4; j++) {
      a[j] = Nd4j.create(values[j], new long[] {1, n}, 'c');
    }
    FloatBuffer[] b = new FloatBuffer[4];
    for (int j = 0; j < 4; j++) {
      b[j] = JavaAdam.floats(a[j], n);
    }
    JavaAdam.step(b[0], b[1], b[2], b[3], 0, n, divisor, new float[0], c, iteration, 0,
        new JavaAdam.Chunks());
    assertThat(a[0].data().asFloat()).containsExactly(wantP);
    assertThat(a[2].data().asFloat()).containsExactly(wantM);
    assertThat(a[3].data().asFloat()).containsExactly(wantV);
    assertThat(a[1].data().asFloat()).as("the gradient is only read").containsExactly(g);
  }
}
