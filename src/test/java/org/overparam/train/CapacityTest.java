package org.overparam.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.overparam.config.ConfigException;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;

/** The memory check judges each model size by its most demanding run of the optimiser axes. */
class CapacityTest {
  static List<RunSpec> runs(String optimizer) {
    return Grid.runs(ExperimentFile.parse("""
        name: capacity
        dataset: {kind: fashion-mnist}
        train_sizes: [50000]
        model: {family: mlp, depths: [4], widths: [4096]}
        optimizer: %s
        epochs: 1
        """.formatted(optimizer), "capacity.yaml"));
  }

  static double need(String optimizer) {
    return Capacity.bytesNeeded(runs(optimizer).get(0));
  }

  @Test
  void theLargestBatchInAListDecides() {
    double small = need("{kind: sgd, batch_size: 32}");
    double large = need("{kind: sgd, batch_size: 50000}");
    assertThat(large).isGreaterThan(2 * small);
    Capacity.Memory between = new Capacity.Memory((long) ((small + large) / 2), "a test's");
    assertThatCode(() -> Capacity.checkMemory(runs("{kind: sgd, batch_size: 32}"), between))
        .doesNotThrowAnyException();
    for (String batches : List.of("[32, 50000]", "[50000, 32]")) {
      assertThatThrownBy(() -> Capacity.checkMemory(runs("{kind: sgd, batch_size: " + batches
          + "}"), between)).as(batches).isInstanceOf(ConfigException.class)
          .hasMessageContaining("model.widths: width 4096 at depth 4");
    }
  }

  @Test
  void adamInAListOfKindsDecides() {
    double sgd = need("{kind: sgd, batch_size: 32}");
    double adam = need("{kind: adam, batch_size: 32}");
    assertThat(adam).isGreaterThan(sgd);
    Capacity.Memory between = new Capacity.Memory((long) ((sgd + adam) / 2), "a test's");
    assertThatCode(() -> Capacity.checkMemory(runs("{kind: sgd, batch_size: 32}"), between))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> Capacity.checkMemory(runs("{kind: [sgd, adam], batch_size: 32}"),
        between)).isInstanceOf(ConfigException.class).hasMessageContaining("adam state");
  }
}
