package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link ReluDense} trains exactly as DL4J's dense ReLU layer does: same initial parameters,
 * same parameters after every Adam step, same configuration JSON but for the class name.
 */
class ReluDenseTest {
  static MultiLayerNetwork net(boolean fast, DataType type, int depth) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(42)
        .dataType(type).updater(new Adam(0.01)).weightDecay(1e-3).list();
    long prev = 20;
    for (int i = 0; i < depth; i++) {
      long width = 16 - 4L * i;
      b.layer(fast ? ReluDense.of(prev, width) : new DenseLayer.Builder().nIn(prev).nOut(width)
          .activation(Activation.RELU).weightInit(WeightInit.RELU).build());
      prev = width;
    }
    b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(prev).nOut(3)
        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
    MultiLayerNetwork n = new MultiLayerNetwork(b.build());
    n.init();
    return n;
  }

  static DataSet batch(int i, DataType type) {
    Nd4j.getRandom().setSeed(1000 + i);
    INDArray x = Nd4j.randn(type, 32, 20);
    INDArray y = Nd4j.zeros(type, 32, 3);
    for (int r = 0; r < 32; r++) {
      y.putScalar(r, (r * 7 + i) % 3, 1.0);
    }
    return new DataSet(x, y);
  }

  @ParameterizedTest(name = "{0}, depth {1}")
  @CsvSource({"DOUBLE, 1, 1e-12", "DOUBLE, 3, 1e-12", "FLOAT, 2, 1e-5"})
  void sameParametersAsDl4jsLayerAfterEveryStep(DataType type, int depth, double tol) {
    MultiLayerNetwork stock = net(false, type, depth);
    MultiLayerNetwork fast = net(true, type, depth);
    assertThat(fast.getLayer(0)).isInstanceOf(ReluDenseLayer.class);
    assertThat(fast.params().equalsWithEps(stock.params(), 0)).isTrue();
    for (int step = 0; step < 8; step++) {
      DataSet d = batch(step, type);
      stock.fit(d);
      fast.fit(d);
      double diff = fast.params().sub(stock.params()).amaxNumber().doubleValue();
      assertThat(diff).as("step %d", step).isLessThanOrEqualTo(tol);
      assertThat(fast.score()).isCloseTo(stock.score(),
          org.assertj.core.api.Assertions.within(tol * 10));
    }
    for (int l = 0; l < depth; l++) {
      assertThat(((ReluDenseLayer) fast.getLayer(l)).shortBackwards()).as("layer %d", l)
          .isEqualTo(8);
    }
    // Evaluation passes in between do not disturb the next step.
    DataSet d = batch(99, type);
    assertThat(fast.output(d.getFeatures()).sub(stock.output(d.getFeatures())).amaxNumber()
        .doubleValue()).isLessThanOrEqualTo(tol);
    stock.fit(d);
    fast.fit(d);
    assertThat(fast.params().sub(stock.params()).amaxNumber().doubleValue())
        .isLessThanOrEqualTo(tol);
  }

  @Test
  void configurationJsonIsDl4jsButForTheClassAndRoundTrips() throws Exception {
    MultiLayerNetwork stock = net(false, DataType.FLOAT, 2);
    MultiLayerNetwork fast = net(true, DataType.FLOAT, 2);
    String json = fast.getLayerWiseConfigurations().toJson();
    assertThat(json.replace(ReluDense.class.getName(),
        DenseLayer.class.getName())).isEqualTo(stock.getLayerWiseConfigurations().toJson());

    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
    MultiLayerNetwork rebuilt = new MultiLayerNetwork(back);
    rebuilt.init(fast.params().dup(), false);
    assertThat(rebuilt.getLayer(1)).isInstanceOf(ReluDenseLayer.class);

    // As checkpoints save and restore it: parameters and Adam state, then the same next step.
    fast.fit(batch(0, DataType.FLOAT));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(fast, bytes, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(bytes.toByteArray()), true);
    assertThat(restored.getLayer(0)).isInstanceOf(ReluDenseLayer.class);
    fast.fit(batch(1, DataType.FLOAT));
    restored.fit(batch(1, DataType.FLOAT));
    assertThat(restored.params().equalsWithEps(fast.params(), 1e-6)).isTrue();
  }

  @Test
  void javaDerivativeIsLibnd4jsThresholdedReluBpBitForBit() {
    // more than one chunk, and every kind of float a ReLU output or a gradient can hold
    int n = 5000;
    float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-38f, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -1f, 1f};
    INDArray a = Nd4j.rand(DataType.FLOAT, 50, 100).subi(0.5);
    INDArray e = Nd4j.rand(DataType.FLOAT, 50, 100).subi(0.5);
    for (int i = 0; i < special.length; i++) {
      for (int j = 0; j < special.length; j++) {
        a.putScalar(i * special.length + j, special[i]);
        e.putScalar(i * special.length + j, special[j]);
      }
    }
    INDArray expected = Nd4j.create(DataType.FLOAT, 50, 100);
    Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp(a, e,
        expected, 0.0));
    INDArray got = Nd4j.create(DataType.FLOAT, 50, 100);
    ReluDenseLayer.derivative(a, e, got);
    for (int i = 0; i < n; i++) {
      assertThat(Float.floatToRawIntBits(got.getFloat(i))).as("element %d: a %s, e %s", i,
          a.getFloat(i), e.getFloat(i)).isEqualTo(Float.floatToRawIntBits(expected.getFloat(i)));
    }
    ReluDenseLayer.derivative(a, e, e); // in place, as a caller may
    for (int i = 0; i < n; i++) {
      assertThat(Float.floatToRawIntBits(e.getFloat(i))).as("in place, element %d", i)
          .isEqualTo(Float.floatToRawIntBits(got.getFloat(i)));
    }
  }
}
