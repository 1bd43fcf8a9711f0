package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link SoftmaxOutput} trains exactly as DL4J's softmax output layer with the cross-entropy
 * loss does: same initial parameters, same parameters and score after every Adam step, on
 * one-hot and on soft (distillation) targets, same outputs and configuration JSON but for the
 * class name.
 */
class SoftmaxOutputTest {
  static MultiLayerNetwork net(boolean fast, DataType type) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(42)
        .dataType(type).updater(new Adam(0.01)).weightDecay(1e-3).list()
        .layer(ReluDense.of(20, 16)).layer(ReluDense.of(16, 12));
    b.layer(fast ? SoftmaxOutput.of(12, 5) : new OutputLayer.Builder(
        LossFunctions.LossFunction.MCXENT).nIn(12).nOut(5).activation(Activation.SOFTMAX)
        .weightInit(WeightInit.XAVIER).build());
    MultiLayerNetwork n = new MultiLayerNetwork(b.build());
    n.init();
    return n;
  }

  /** 32 random rows; one-hot targets, or soft ones (a softmax of random logits mixed in). */
  static DataSet batch(int i, DataType type, boolean soft) {
    Nd4j.getRandom().setSeed(1000 + i);
    INDArray x = Nd4j.randn(type, 32, 20);
    INDArray y = Nd4j.zeros(type, 32, 5);
    for (int r = 0; r < 32; r++) {
      y.putScalar(r, (r * 7 + i) % 5, 1.0);
    }
    if (soft) {
      INDArray t = Nd4j.nn().softmax(Nd4j.randn(type, 32, 5).muli(3), 1);
      y = y.muli(0.4).addi(t.muli(0.6));
    }
    return new DataSet(x, y);
  }

  @ParameterizedTest(name = "{0}, soft targets {1}")
  @CsvSource({"DOUBLE, false, 1e-12", "DOUBLE, true, 1e-12", "FLOAT, false, 1e-5",
      "FLOAT, true, 1e-5"})
  void sameParametersAndScoreAsDl4jsLayerAfterEveryStep(DataType type, boolean soft,
      double tol) {
    MultiLayerNetwork stock = net(false, type);
    MultiLayerNetwork fast = net(true, type);
    SoftmaxOutputLayer out = (SoftmaxOutputLayer) fast.getLayer(2);
    assertThat(fast.params().equalsWithEps(stock.params(), 0)).isTrue();
    for (int step = 0; step < 8; step++) {
      DataSet d = batch(step, type, soft);
      stock.fit(d);
      fast.fit(d);
      double diff = fast.params().sub(stock.params()).amaxNumber().doubleValue();
      assertThat(diff).as("step %d", step).isLessThanOrEqualTo(tol);
      assertThat(fast.score()).as("step %d", step).isCloseTo(stock.score(), within(tol));
    }
    assertThat(out.shortBackwards()).isEqualTo(8);
    assertThat(out.keptScores()).isEqualTo(8);

    // Outputs and scores of evaluation passes are DL4J's; they do not disturb the next step.
    DataSet d = batch(99, type, soft);
    assertThat(fast.output(d.getFeatures()).sub(stock.output(d.getFeatures())).amaxNumber()
        .doubleValue()).isLessThanOrEqualTo(tol);
    assertThat(fast.score(d)).isCloseTo(stock.score(d), within(tol));
    assertThat(out.keptScores()).isEqualTo(8);
    stock.fit(d);
    fast.fit(d);
    assertThat(fast.params().sub(stock.params()).amaxNumber().doubleValue())
        .isLessThanOrEqualTo(tol);
    assertThat(fast.score()).isCloseTo(stock.score(), within(tol));
  }

  @Test
  void scoreClipsTheSoftmaxAsDl4jDoesWhenAClassIsAllButImpossible() {
    MultiLayerNetwork stock = net(false, DataType.DOUBLE);
    MultiLayerNetwork fast = net(true, DataType.DOUBLE);
    // Logits far apart: the softmax of the labelled class underflows below 1e-10.
    stock.getLayer(2).getParam("W").muli(1e4);
    fast.getLayer(2).getParam("W").muli(1e4);
    DataSet d = batch(3, DataType.DOUBLE, false);
    stock.fit(d);
    fast.fit(d);
    assertThat(stock.score()).isGreaterThan(1.0);
    assertThat(fast.score()).isCloseTo(stock.score(), within(1e-9 * stock.score()));
    assertThat(fast.params().sub(stock.params()).amaxNumber().doubleValue())
        .isLessThanOrEqualTo(1e-12);
  }

  @Test
  void wrongLabelsGetDl4jsError() {
    MultiLayerNetwork fast = net(true, DataType.FLOAT);
    DataSet d = batch(0, DataType.FLOAT, false);
    assertThatThrownBy(() -> fast.fit(new DataSet(d.getFeatures(), Nd4j.zeros(32, 4))))
        .hasMessageContaining("shape");
  }

  @Test
  void dropoutRunsKeepDl4jsLayer() {
    assertThat(SoftmaxOutput.forRun(12, 5, 0.0)).isInstanceOf(SoftmaxOutput.class);
    assertThat(SoftmaxOutput.forRun(12, 5, 0.2)).isNotInstanceOf(SoftmaxOutput.class)
        .satisfies(l -> assertThat(l.getIDropout()).isNotNull());
  }

  @Test
  void configurationJsonIsDl4jsButForTheClassAndRoundTrips() throws Exception {
    MultiLayerNetwork stock = net(false, DataType.FLOAT);
    MultiLayerNetwork fast = net(true, DataType.FLOAT);
    String json = fast.getLayerWiseConfigurations().toJson();
    assertThat(json.replace(SoftmaxOutput.class.getName(), OutputLayer.class.getName()))
        .isEqualTo(stock.getLayerWiseConfigurations().toJson());

    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
    MultiLayerNetwork rebuilt = new MultiLayerNetwork(back);
    rebuilt.init(fast.params().dup(), false);
    assertThat(rebuilt.getLayer(2)).isInstanceOf(SoftmaxOutputLayer.class);

    // As checkpoints save and restore it: parameters and Adam state, then the same next step.
    fast.fit(batch(0, DataType.FLOAT, false));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(fast, bytes, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(bytes.toByteArray()), true);
    assertThat(restored.getLayer(2)).isInstanceOf(SoftmaxOutputLayer.class);
    fast.fit(batch(1, DataType.FLOAT, false));
    restored.fit(batch(1, DataType.FLOAT, false));
    assertThat(restored.params().equalsWithEps(fast.params(), 1e-6)).isTrue();
  }
}
