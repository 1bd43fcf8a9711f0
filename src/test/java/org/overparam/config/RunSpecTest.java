package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Run ids and configuration ids: what keys a run, and what keys a cell of the analysis. */
class RunSpecTest {
  static final String BASE = """
      name: ids
      dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
      train_sizes: [64, 128]
      label_noise: [0.0, 0.2]
      model: {family: mlp, depths: [1, 2], widths: [4, 8]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 4
      weight_decay: [0.0, 1e-4]
      dropout: [0.0, 0.1]
      seeds: [0, 1]
      checkpoint_every: 2
      """;

  static List<RunSpec> runs(String yaml) {
    return Grid.runs(ExperimentFile.parse(yaml, "ids.yaml"));
  }

  @Test
  void everyGridPointOfOneFileSharesOneConfiguration() {
    List<RunSpec> runs = runs(BASE);
    assertThat(runs).hasSize(128);
    assertThat(runs.stream().map(RunSpec::runId).distinct()).hasSize(128);
    assertThat(runs.stream().map(RunSpec::configId).collect(Collectors.toSet())).hasSize(1);
  }

  @Test
  void theNameCheckpointsAndCompressionChangeNeitherId() {
    RunSpec a = runs(BASE).get(0);
    RunSpec b = runs(BASE.replace("name: ids", "name: other").replace("checkpoint_every: 2",
        "checkpoint_every: 0") + "compression: {sparsities: [0.5]}\n").get(0);
    assertThat(b.runId()).isEqualTo(a.runId());
    assertThat(b.configId()).isEqualTo(a.configId());
    assertThat(RunSpec.configId(b.toJson())).isEqualTo(a.configId());
  }

  @Test
  void anyOtherSettingIsAnotherConfiguration() {
    String id = runs(BASE).get(0).configId();
    Set<String> others = List.of(
        BASE.replace("learning_rate: 0.05", "learning_rate: 0.1"),
        BASE.replace("epochs: 4", "epochs: 5"),
        BASE.replace("batch_size: 32", "batch_size: 16"),
        BASE.replace("kind: sgd, learning_rate: 0.05, momentum: 0.9",
            "kind: adam, learning_rate: 0.05"),
        BASE.replace("test_size: 100", "test_size: 50"),
        BASE + "eval_every: 2\n").stream()
        .map(y -> runs(y).get(0).configId()).collect(Collectors.toSet());
    assertThat(others).hasSize(6).doesNotContain(id);
  }

  @Test
  void configurationFieldsLeaveTheGridOut() {
    var fields = RunSpec.configFields(runs(BASE).get(0).toJson());
    assertThat(fields).containsEntry("optimizer.learning_rate", "0.05")
        .containsEntry("epochs", "4").containsKey("dataset.kind");
    assertThat(fields.keySet()).doesNotContainAnyElementsOf(RunSpec.GRID_FIELDS);
  }

  @Test
  void studentsAreOneConfigurationApartFromTheLabelOnlyRunsAndEachNamesItsOwnTeacher() {
    String yaml = BASE + "distillation: {teacher_width: 8, widths: [2, 4], temperature: 4.0, "
        + "alpha: 0.7}\n";
    ExperimentConfig c = ExperimentFile.parse(yaml, "ids.yaml");
    List<RunSpec> grid = Grid.runs(c);
    // The section changes no run of the grid: same JSON, same ids.
    assertThat(grid).isEqualTo(runs(BASE));
    assertThat(grid.get(0).toJson()).doesNotContain("distillation");
    List<RunSpec> teachers = Distillation.teachers(c, grid);
    List<RunSpec> students = Distillation.students(c, grid);
    assertThat(teachers).hasSize(64).allMatch(t -> t.width() == 8);
    assertThat(students).hasSize(128);
    for (int i = 0; i < students.size(); i++) {
      RunSpec s = students.get(i);
      RunSpec t = teachers.get(i / 2);
      assertThat(s.width()).isEqualTo(i % 2 == 0 ? 2 : 4);
      assertThat(s.distillation()).isEqualTo(new Distillation(t.runId(), 8, 4.0, 0.7));
      // Everything else is the teacher's: same cell and seed, hence the same training set.
      assertThat(s.withWidth(8).withDistillation(null)).isEqualTo(t);
    }
    assertThat(students.get(0).toJson()).contains("\"distillation\":{\"alpha\":0.7,"
        + "\"teacher_run_id\":\"" + teachers.get(0).runId() + "\",\"teacher_width\":8,"
        + "\"temperature\":4.0}");
    // The teacher's id is part of a student's id, not of its configuration.
    assertThat(students.stream().map(RunSpec::runId).distinct()).hasSize(128)
        .doesNotContainAnyElementsOf(grid.stream().map(RunSpec::runId).toList());
    assertThat(students.stream().map(RunSpec::configId).distinct()).hasSize(1)
        .doesNotContain(grid.get(0).configId());
    assertThat(RunSpec.configFields(students.get(0).toJson())).containsEntry(
        "distillation.alpha", "0.7").containsEntry("distillation.teacher_width", "8")
        .containsEntry("distillation.temperature", "4.0")
        .doesNotContainKey("distillation.teacher_run_id");
    // Another temperature, weight or teacher is another configuration of students.
    Set<String> others = List.of(yaml.replace("temperature: 4.0", "temperature: 2.0"),
        yaml.replace("alpha: 0.7", "alpha: 0.5"), yaml.replace("teacher_width: 8",
            "teacher_width: largest").replace("widths: [4, 8]", "widths: [4, 8, 16]"))
        .stream().map(y -> {
          ExperimentConfig o = ExperimentFile.parse(y, "ids.yaml");
          return Distillation.students(o, Grid.runs(o)).get(0).configId();
        }).collect(Collectors.toSet());
    assertThat(others).hasSize(3).doesNotContain(students.get(0).configId());
  }

  @Test
  void theDistillationFilesLabelOnlyRunsAreTheQuickstartsRuns() {
    ExperimentConfig d = ExperimentFile.read(java.nio.file.Path.of(
        "conf/experiments/distillation.yaml"));
    Set<String> quickstart = Grid.runs(ExperimentFile.read(java.nio.file.Path.of(
        "conf/experiments/quickstart.yaml"))).stream().map(RunSpec::runId)
        .collect(Collectors.toSet());
    List<RunSpec> grid = Grid.runs(d);
    assertThat(grid).hasSize(40).allMatch(r -> quickstart.contains(r.runId()));
    List<RunSpec> students = Distillation.students(d, grid);
    assertThat(students).hasSize(20).allMatch(s -> s.distillation().teacherWidth() == 1024)
        .noneMatch(s -> quickstart.contains(s.runId()));
  }
}
