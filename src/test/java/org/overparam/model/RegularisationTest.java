package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;

/**
 * Every family's network lists the experiment's weight decay once on each parameter DL4J
 * decays, where DL4J's own builder would list it twice ({@link Regularisation}).
 */
class RegularisationTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "mlp; {kind: teacher-student, input_dim: 6, classes: 3, test_size: 10}; 64; ; ",
      "mlp; {kind: teacher-student, input_dim: 6, classes: 3, test_size: 10}; 64; ;"
          + " dropout: [0.2]",
      "charlm; {kind: text, context: 8}; 512; embedding: 4; ",
      "charlstm; {kind: text, context: 8}; 512; embedding: 4; ",
      "gpt; {kind: text, context: 8}; 512; heads: 2; "})
  void eachDecayedParameterListsTheWeightDecayOnce(String family, String dataset, int n,
      String model, String extra) {
    RunSpec s = Grid.runs(ExperimentFile.parse("""
        name: r
        dataset: %s
        train_sizes: [%d]
        model: {family: %s, depths: [2], widths: [8]%s}
        weight_decay: [0.01]
        optimizer: {kind: adam, learning_rate: 0.01, batch_size: 16}
        epochs: 1
        %s
        """.formatted(dataset, n, family,
        model == null ? "" : ", " + model, extra == null ? "" : extra), "r.yaml")).get(0);
    MultiLayerNetwork built = Models.build(s, family.equals("mlp") ? 6 : 8,
        family.equals("mlp") ? 3 : 11);
    // as built, and as a checkpoint or an averaging worker reads the configuration back
    for (MultiLayerNetwork net : List.of(built, new MultiLayerNetwork(
        MultiLayerConfiguration.fromJson(built.getLayerWiseConfigurations().toJson())))) {
      net.init();
      assertThat(decayed(net)).as("parameters decayed").isGreaterThanOrEqualTo(2);
    }
  }

  private static int decayed(MultiLayerNetwork net) {
    int decayed = 0;
    for (Layer layer : net.getLayers()) {
      for (String key : layer.paramTable().keySet()) {
        List<Regularization> r = layer.conf().getLayer().getRegularizationByParam(key);
        if (r == null || r.isEmpty()) {
          continue;
        }
        assertThat(r).as("layer %d param %s", layer.getIndex(), key).hasSize(1);
        assertThat(r.get(0)).isEqualTo(new WeightDecay(0.01, true));
        decayed++;
      }
    }
    return decayed;
  }
}
