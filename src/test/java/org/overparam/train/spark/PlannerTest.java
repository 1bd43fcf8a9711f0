package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.config.StrategyConfig;
import org.overparam.model.Models;

/** The split of a sweep between per-task jobs and parameter averaging. */
class PlannerTest {
  static List<RunSpec> grid(String widths, String strategy, int n, int epochs) {
    return Grid.runs(ExperimentFile.parse("""
        name: plan
        dataset: {kind: fashion-mnist}
        train_sizes: [%d]
        model: {family: mlp, depths: [1], widths: [%s]}
        epochs: %d
        seeds: [0, 1]
        strategy: %s
        """.formatted(n, widths, epochs, strategy), "plan.yaml"));
  }

  /** A machine where one example costs 6 FLOPs a parameter at 30 GFLOP/s a core. */
  static final ToDoubleFunction<RunSpec> FLOPS = r -> 6.0 * Models.params(r) / 30e9;

  @Test
  void aModelThatWouldFinishLastIsAveragedTheRestPackOntoTheSlots() {
    List<RunSpec> runs = new ArrayList<>(grid("8, 16, 32, 64, 128", "{kind: auto}", 60000, 20));
    runs.addAll(grid("8192", "{kind: auto}", 60000, 20).subList(0, 1));
    Planner.Plan p = Planner.plan(runs, 2, FLOPS);
    assertThat(p.averaged()).extracting(RunSpec::width).containsExactly(8192);
    assertThat(p.perTask()).hasSize(10).extracting(RunSpec::width)
        .containsExactly(128, 128, 64, 64, 32, 32, 16, 16, 8, 8);
  }

  @Test
  void scheduledRunsStayPerTaskUnderAuto() {
    // As in the test above, the width-8192 run would be averaged; with a schedule it is not.
    List<RunSpec> runs = new ArrayList<>(grid("8, 16, 32, 64, 128", "{kind: auto}", 60000, 20));
    runs.addAll(grid("8192", "{kind: auto}", 60000, 20).subList(0, 1));
    List<RunSpec> scheduled = Grid.runs(ExperimentFile.parse("""
        name: plan
        dataset: {kind: fashion-mnist}
        train_sizes: [60000]
        model: {family: mlp, depths: [1], widths: [8192]}
        optimizer: {schedule: cosine}
        epochs: 20
        seeds: [0]
        """, "cos.yaml"));
    runs.set(runs.size() - 1, scheduled.get(0));
    Planner.Plan p = Planner.plan(runs, 2, FLOPS);
    assertThat(p.averaged()).isEmpty();
    assertThat(p.perTask()).hasSize(11).first().extracting(RunSpec::width).isEqualTo(8192);
  }

  @Test
  void manyEqualLargeModelsStayPerTaskWhereTheyPackEvenly() {
    Planner.Plan p = Planner.plan(grid("1024, 2048", "{kind: auto}", 60000, 20), 2, FLOPS);
    assertThat(p.averaged()).isEmpty();
    assertThat(p.perTask()).hasSize(4);
  }

  @Test
  void averagingThatCostsMoreThanItSavesIsNotChosen() {
    // A single mid-size model on few examples: two workers would spend most time synchronising.
    List<RunSpec> one = grid("512", "{kind: auto, auto_threshold_params: 1000}", 256, 5)
        .subList(0, 1);
    ToDoubleFunction<RunSpec> fastCpu = r -> 6.0 * Models.params(r) / 300e9;
    assertThat(Planner.plan(one, 2, fastCpu).averaged()).isEmpty();
  }

  @Test
  void explicitKindsAreObeyedAndSmallAutoModelsAreNotMeasured() {
    ToDoubleFunction<RunSpec> mustNotMeasure = r -> {
      throw new AssertionError("measured " + r.label());
    };
    assertThat(Planner.plan(grid("4096", "{kind: per-task}", 60000, 50), 2, mustNotMeasure)
        .averaged()).isEmpty();
    assertThat(Planner.plan(grid("8", "{kind: parameter-averaging}", 1000, 5), 2, mustNotMeasure)
        .averaged()).hasSize(2);
    assertThat(Planner.plan(grid("8, 64", "{kind: auto}", 1000, 5), 2, mustNotMeasure)
        .perTask()).extracting(RunSpec::width).containsExactly(64, 64, 8, 8);
  }

  @Test
  void theDefaultFrequencyAveragesOncePerEpochUpToACap() {
    StrategyConfig auto = StrategyConfig.defaults();
    assertThat(auto.frequency(8192, 2)).isEqualTo(32);      // 64 minibatches of 128 on 2 workers
    assertThat(auto.frequency(1000, 2)).isEqualTo(4);       // 500 each: 3 full batches and a part
    assertThat(auto.frequency(60000, 2)).isEqualTo(StrategyConfig.MAX_AUTO_FREQUENCY);
    assertThat(new StrategyConfig("parameter-averaging", null, 2, 5, 128).frequency(60000, 2))
        .isEqualTo(5);
  }

  @Test
  void perSampleCostIsMeasuredOnThisMachine() {
    RunSpec r = grid("64", "{kind: auto}", 1000, 1).get(0);
    double s = Planner.secondsPerSample(r, 32);
    assertThat(s).isPositive().isFinite();
  }

  static List<RunSpec> seeds(String widths, String strategy, String optimizer, String dropout) {
    return Grid.runs(ExperimentFile.parse("""
        name: plan
        dataset: {kind: fashion-mnist}
        train_sizes: [1000]
        model: {family: mlp, depths: [1], widths: [%s]}
        optimizer: {kind: %s}
        dropout: [%s]
        epochs: 10
        seeds: [0, 1, 2, 3, 4]
        strategy: %s
        """.formatted(widths, optimizer, dropout, strategy), "plan.yaml"));
  }

  @Test
  void runsOfOneShapeAreStackedTheLargestSpreadOverSeveralTasks() {
    // Relative per-task times (nothing is timed under per-task): width 1024 is 93% of the
    // sweep, more than half a slot's share a run, so its five runs go out one to a task; each
    // small width's five as one stack. Longest tasks first.
    List<RunSpec> runs = seeds("8, 64, 1024", "{kind: per-task}", "adam", "0.0");
    Planner.Plan p = Planner.plan(runs, 2, FLOPS);
    assertThat(p.units()).allMatch(Planner.Unit::stacked);
    assertThat(p.units()).extracting(u -> u.runs().get(0).width() + "x" + u.runs().size())
        .containsExactly("1024x1", "1024x1", "1024x1", "1024x1", "1024x1", "64x5", "8x5");
    assertThat(p.units().stream().mapToInt(u -> u.runs().size()).sum()).isEqualTo(15);
    // every member of a unit has its shape
    for (Planner.Unit u : p.units()) {
      assertThat(u.runs()).extracting(RunSpec::width).containsOnly(u.runs().get(0).width());
    }
  }

  @Test
  void membersOfManyParametersTrainOneToATask() {
    // widths 256 and 512 together: 512's runs are 2/3 of the sweep, so share alone would allow
    // stacks of 2 of them; at 407,050 parameters they train one to a task all the same, while
    // 256 (203,530) stacks
    List<RunSpec> runs = seeds("256, 512", "{kind: per-task}", "adam", "0.0");
    assertThat(Models.params(runs.get(0))).isLessThan(Planner.ALONE_PARAMS);
    assertThat(Models.params(runs.get(5))).isGreaterThanOrEqualTo(Planner.ALONE_PARAMS);
    Planner.Plan p = Planner.plan(runs, 1, FLOPS);
    assertThat(p.units()).allMatch(Planner.Unit::stacked);
    assertThat(p.units()).extracting(u -> u.runs().get(0).width() + "x" + u.runs().size())
        .containsExactly("256x5", "512x1", "512x1", "512x1", "512x1", "512x1");
  }

  @Test
  void runsAStackCannotTrainOrThatTurnItOffTrainAlone() {
    for (List<RunSpec> runs : List.of(
        seeds("8, 64", "{kind: per-task, stack: false}", "adam", "0.0"),
        seeds("8, 64", "{kind: per-task}", "sgd", "0.0"),
        seeds("8, 64", "{kind: per-task}", "adam", "0.2"))) {
      Planner.Plan p = Planner.plan(runs, 2, FLOPS);
      assertThat(p.units()).hasSize(10).noneMatch(Planner.Unit::stacked)
          .allMatch(u -> u.runs().size() == 1);
    }
  }

  @Test
  void stackingOnByDefaultKeepsRunIdsAndOffChangesThem() {
    RunSpec on = seeds("8", "{kind: per-task}", "adam", "0.0").get(0);
    RunSpec explicit = seeds("8", "{kind: per-task, stack: true}", "adam", "0.0").get(0);
    RunSpec off = seeds("8", "{kind: per-task, stack: false}", "adam", "0.0").get(0);
    assertThat(explicit.runId()).isEqualTo(on.runId());
    assertThat(on.toJson()).doesNotContain("stack");
    assertThat(off.runId()).isNotEqualTo(on.runId());
    assertThat(off.strategy().stacking()).isFalse();
  }

  @Test
  void runsOnALargeTrainingSetStackOnlyAsFarAsMemoryAllows() {
    // Fashion-MNIST's 60,000 images and 10,000 test images: 439 MB of features a member, so
    // one to a stack; 10,000 and 10,000: 125 MB, four at most (ten runs: 3, 3 and 4)
    List<RunSpec> large = Grid.runs(ExperimentFile.parse("""
        name: plan
        dataset: {kind: fashion-mnist, test_size: 10000}
        train_sizes: [60000, 10000]
        model: {family: mlp, depths: [1], widths: [8]}
        epochs: 2
        seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        strategy: {kind: per-task}
        """, "plan.yaml"));
    Planner.Plan p = Planner.plan(large, 2, FLOPS);
    assertThat(p.units()).filteredOn(u -> u.runs().get(0).trainSize() == 60000)
        .hasSize(10).allMatch(u -> u.runs().size() == 1);
    assertThat(p.units()).filteredOn(u -> u.runs().get(0).trainSize() == 10000)
        .extracting(u -> u.runs().size()).containsExactlyInAnyOrder(3, 3, 4);
  }
}
