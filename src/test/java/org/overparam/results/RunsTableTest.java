package org.overparam.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.train.RunStatus;

/**
 * The runs table names each run's optimiser, and a results root recorded under one optimiser
 * setting is told apart from a file that lists several.
 */
class RunsTableTest {
  @TempDir
  Path tmp;

  static List<RunSpec> runs(String optimizer) {
    return Grid.runs(ExperimentFile.parse("""
        name: optimisers
        dataset: {kind: teacher-student, input_dim: 4, classes: 2, test_size: 10}
        train_sizes: [64]
        model: {family: mlp, depths: [1], widths: [2]}
        optimizer: %s
        epochs: 3
        """.formatted(optimizer), "optimisers.yaml"));
  }

  @Test
  void runsRowsCarryTheOptimiserOfTheirRun() {
    ResultsStore store = ResultsStore.open(tmp.toString());
    List<RunSpec> grid = runs("{kind: [sgd, adam], learning_rate: {sgd: 0.1, adam: 0.002}, "
        + "batch_size: [16, 32]}");
    assertThat(grid).hasSize(4);
    for (RunSpec r : grid) {
      store.write(ResultsStoreTest.result(r, RunStatus.COMPLETED, 3, 1));
    }
    for (RunSpec r : grid) {
      Group row = store.runRows(ResultsLayout.RUNS, "optimisers", r.runId()).get(0);
      assertThat(row.getString(Columns.OPTIMIZER.name(), 0)).isEqualTo(r.optimizer().kind());
      assertThat(row.getDouble(Columns.LEARNING_RATE.name(), 0))
          .isEqualTo(r.optimizer().learningRate());
      assertThat(row.getInteger(Columns.BATCH_SIZE.name(), 0))
          .isEqualTo(r.optimizer().batchSize());
      Group metrics = store.runRows(ResultsLayout.METRICS, "optimisers", r.runId()).get(0);
      assertThat(metrics.getInteger(Columns.BATCH_SIZE.name(), 0))
          .isEqualTo(r.optimizer().batchSize());
    }
    // Every setting of the file is planned: none of the recorded ones is another configuration.
    RecordedRuns recorded = store.check("optimisers");
    assertThat(recorded.recorded()).hasSize(4);
    assertThat(recorded.otherConfigurations(grid.stream().map(RunSpec::toJson).toList()))
        .isEmpty();
    // Against a file of other rates, each recorded setting is compared with its nearest.
    List<String> planned = runs("{kind: [sgd, adam], learning_rate: {sgd: 0.05, adam: 0.002}, "
        + "batch_size: [16, 32]}").stream().map(RunSpec::toJson).toList();
    List<String> lines = recorded.otherConfigurations(planned);
    assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l)
        .contains("1 recorded run(s) of configuration").contains("(this file's is nearest ")
        .endsWith("optimizer.learning_rate 0.1 -> 0.05"));
  }
}
