package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;

/** The cosine learning-rate schedule: its values, and a network that follows and keeps it. */
class CosineScheduleTest {
  @Test
  void fallsAlongHalfACosineToATenthAndStaysThere() {
    CosineSchedule s = new CosineSchedule(0.01, 100);
    assertThat(s.valueAt(0, 0)).isEqualTo(0.01);
    assertThat(s.valueAt(50, 0)).isCloseTo(0.01 * 0.55, within(1e-15));
    assertThat(s.valueAt(100, 3)).isCloseTo(0.001, within(1e-15));
    assertThat(s.valueAt(250, 9)).isCloseTo(0.001, within(1e-15));
    for (int i = 1; i <= 100; i++) {
      assertThat(s.valueAt(i, 0)).isLessThan(s.valueAt(i - 1, 0));
    }
    assertThatThrownBy(() -> new CosineSchedule(0.01, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aScheduledRunAnnealsOverAllItsStepsAndACheckpointKeepsWhereItWas() throws Exception {
    RunSpec spec = Grid.runs(ExperimentFile.parse("""
        name: cos
        dataset: {kind: text, context: 8}
        train_sizes: [256]
        model: {family: gpt, depths: [1], widths: [16], heads: 2}
        optimizer: {kind: adam, learning_rate: 0.004, batch_size: 8, schedule: cosine}
        epochs: 3
        """, "cos.yaml")).get(0);
    // 256 tokens = 32 windows of 8; 4 minibatches an epoch, 12 in the run.
    MultiLayerNetwork net = Models.build(spec, 8, 11);
    Adam adam = (Adam) net.getLayer(0).conf().getLayer().getUpdaterByParam("W");
    assertThat(adam.getLearningRateSchedule()).isEqualTo(new CosineSchedule(0.004, 12));
    DataSet batch = new DataSet(GptTest.tokens(8, 8, 11, 1, DataType.FLOAT),
        GptTest.tokens(8, 8, 11, 2, DataType.FLOAT).reshape('c', 8, 8, 1));
    for (int i = 0; i < 6; i++) {
      net.fit(batch);
    }
    assertThat(net.getIterationCount()).isEqualTo(6);
    assertThat(adam.getLearningRate(net.getIterationCount(), 0)).isCloseTo(0.004 * 0.55,
        within(1e-12));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(bytes.toByteArray()), true);
    assertThat(back.getIterationCount()).isEqualTo(6);
    assertThat(((Adam) back.getLayer(2).conf().getLayer().getUpdaterByParam("W1"))
        .getLearningRateSchedule()).isEqualTo(new CosineSchedule(0.004, 12));
  }
}
