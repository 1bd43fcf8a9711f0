package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExperimentFileTest {
  static final String GOOD = """
      name: tiny
      dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
      train_sizes: [64, 128]
      label_noise: [0.0, 0.2]
      model: {family: mlp, depths: [1], widths: [4, 16]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 3
      seeds: [0, 1]
      """;

  @Test
  void readsAGoodFileAndEnumeratesTheCrossProduct() {
    ExperimentConfig c = ExperimentFile.parse(GOOD, "good.yaml");
    List<RunSpec> runs = Grid.runs(c);
    assertThat(runs).hasSize(2 * 2 * 2 * 2);
    assertThat(runs.stream().map(RunSpec::runId).distinct()).hasSize(16);
    assertThat(Grid.runs(ExperimentFile.parse(GOOD, "again")).stream().map(RunSpec::runId))
        .containsExactlyElementsOf(runs.stream().map(RunSpec::runId).toList());
    assertThat(c.strategy().kind()).isEqualTo("auto");
    assertThat(c.dataset().featureDim()).isEqualTo(8);
  }

  @Test
  void runIdIgnoresTheExperimentNameButNotTheConfig() {
    RunSpec a = Grid.runs(ExperimentFile.parse(GOOD, "a")).get(0);
    RunSpec b = Grid.runs(ExperimentFile.parse(GOOD.replace("name: tiny", "name: other"), "b"))
        .get(0);
    RunSpec c = Grid.runs(ExperimentFile.parse(GOOD.replace("epochs: 3", "epochs: 4"), "c"))
        .get(0);
    assertThat(a.runId()).isEqualTo(b.runId()).isNotEqualTo(c.runId());
  }

  @Test
  void aReferenceWidthScalesTheRateInverselyWithWidthAndLeavesOtherFilesIdsAlone() {
    ExperimentConfig plain = ExperimentFile.parse(GOOD, "plain");
    assertThat(plain.optimizer().referenceWidth()).isNull();
    assertThat(Grid.runs(plain).get(0).toJson()).doesNotContain("reference_width");
    ExperimentConfig scaled = ExperimentFile.parse(
        GOOD.replace("batch_size: 32", "batch_size: 32, reference_width: 8"), "scaled");
    OptimizerConfig o = scaled.optimizer().configs().get(0);
    assertThat(o.learningRateAt(8)).isEqualTo(o.learningRate());
    assertThat(o.learningRateAt(32)).isEqualTo(o.learningRate() / 4);
    assertThat(Grid.runs(scaled).get(0).runId()).isNotEqualTo(Grid.runs(plain).get(0).runId());
  }

  @Test
  void aConstantScheduleIsTheDefaultAndCosineNamesItsRuns() {
    RunSpec plain = Grid.runs(ExperimentFile.parse(GOOD, "plain")).get(0);
    RunSpec constant = Grid.runs(ExperimentFile.parse(
        GOOD.replace("batch_size: 32", "batch_size: 32, schedule: constant"), "c")).get(0);
    RunSpec cosine = Grid.runs(ExperimentFile.parse(
        GOOD.replace("batch_size: 32", "batch_size: 32, schedule: cosine"), "cos")).get(0);
    assertThat(plain.toJson()).doesNotContain("schedule");
    assertThat(constant.runId()).isEqualTo(plain.runId());
    assertThat(constant.optimizer().cosine()).isFalse();
    assertThat(cosine.optimizer().cosine()).isTrue();
    assertThat(cosine.toJson()).contains("\"schedule\":\"cosine\"");
    assertThat(cosine.runId()).isNotEqualTo(plain.runId());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown top-level key    | epochs: 3                   | epochs: 3\\nfoo: 1                 | foo: unknown key
      unknown nested key       | optimizer: {kind: sgd,      | optimizer: {colour: red, kind: sgd, | optimizer.colour: unknown key
      wrong type               | epochs: 3                   | epochs: three                       | epochs: wrong type
      float for int            | epochs: 3                   | epochs: 3.5                         | epochs: wrong type
      empty grid               | widths: [4, 16]             | widths: []                          | model.widths: grid is empty
      noise equal to one       | label_noise: [0.0, 0.2]     | label_noise: [0.0, 1.0]             | label_noise: value 1.0 must be in [0, 1)
      negative noise           | label_noise: [0.0, 0.2]     | label_noise: [-0.1]                 | label_noise: value -0.1 must be in [0, 1)
      negative width           | widths: [4, 16]             | widths: [4, -16]                    | model.widths: value -16
      zero epochs              | epochs: 3                   | epochs: 0                           | epochs: must be > 0
      batch above train size   | batch_size: 32}             | batch_size: 100}                    | optimizer.batch_size: 100 is larger
      name with separator      | name: tiny                  | name: ../evil                       | name: '../evil' must be
      unknown dataset kind     | kind: teacher-student       | kind: imagenet                      | dataset: kind: 'imagenet'
      unknown optimizer        | kind: sgd,                  | kind: rmsprop,                      | optimizer.kind: 'rmsprop'
      missing train sizes      | train_sizes: [64, 128]      | xtrain: 1                           | train_sizes: is required
      single value not list    | seeds: [0, 1]               | seeds: 7                            | seeds: wrong type
      repeated grid value      | widths: [4, 16]             | widths: [4, 4]                      | model.widths: values repeat
      refine unknown key       | epochs: 3                   | epochs: 3\\nrefine: {max_runs: 4, colour: red} | refine.colour: unknown key
      refine resolution one    | epochs: 3                   | epochs: 3\\nrefine: {max_runs: 4, resolution: 1} | refine.resolution: must be a finite number > 1
      refine resolution word   | epochs: 3                   | epochs: 3\\nrefine: {max_runs: 4, resolution: fine} | refine.resolution: wrong type
      refine unknown location  | epochs: 3                   | epochs: 3\\nrefine: {max_runs: 4, around: valley} | refine.around: 'valley' is not one of [peak, threshold]
      refine without budget    | epochs: 3                   | epochs: 3\\nrefine: {around: peak}   | refine.max_runs: is required
      refine negative budget   | epochs: 3                   | epochs: 3\\nrefine: {max_runs: -2}   | refine.max_runs: must be > 0
      refine with one width    | widths: [4, 16]             | widths: [4]}\\nrefine: {max_runs: 4 | refine: needs at least two model.widths
      """)
  void rejectsBadFilesWithOneLineNamingTheField(String what, String from, String to,
      String expected) {
    String yaml = GOOD.replace(from.strip(), to.strip().replace("\\n", "\n"));
    assertThat(yaml).isNotEqualTo(GOOD);
    assertThatThrownBy(() -> ExperimentFile.parse(yaml, "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("experiment file bad.yaml: ")
        .hasMessageContaining(expected.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refineDefaultsToThePeakAtAQuarterAndLeavesRunIdsAlone() {
    ExperimentConfig c = ExperimentFile.parse(GOOD + "refine: {max_runs: 8}\n", "refine.yaml");
    assertThat(c.refine().around()).isEqualTo("peak");
    assertThat(c.refine().resolution()).isEqualTo(1.25);
    assertThat(c.refine().maxRuns()).isEqualTo(8);
    assertThat(ExperimentFile.parse(GOOD, "plain.yaml").refine()).isNull();
    // The section schedules extra runs; it is no part of any run's identity or configuration.
    assertThat(Grid.runs(c).stream().map(RunSpec::runId)).containsExactlyElementsOf(Grid.runs(
        ExperimentFile.parse(GOOD, "plain.yaml")).stream().map(RunSpec::runId).toList());
    RunSpec r = Grid.runs(c).get(0);
    RunSpec wider = r.withWidth(8);
    assertThat(wider.width()).isEqualTo(8);
    assertThat(wider.configId()).isEqualTo(r.configId());
    assertThat(wider.runId()).isNotEqualTo(r.runId());
    assertThat(wider.withWidth(r.width()).runId()).isEqualTo(r.runId());
  }

  @Test
  void anchorsAndAliasesReadAsTheValuesTheyName() {
    String plain = GOOD + "weight_decay: [0.0, 0.05]\ndropout: [0.0]\n";
    // The same experiment: anchored scalars, a list and a mapping, and aliases of each kind.
    String anchored = """
        name: &name tiny
        dataset: &data {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
        train_sizes: &sizes [64, 128]
        label_noise: [&zero 0.0, 0.2]
        model: {family: mlp, depths: [1], widths: [4, 16]}
        optimizer: &opt
          kind: sgd
          learning_rate: &lr 0.05
          momentum: 0.9
          batch_size: 32
        epochs: 3
        seeds: [0, 1]
        weight_decay: [*zero, *lr]
        dropout: &none [*zero]
        """;
    ExperimentConfig expected = ExperimentFile.parse(plain, "plain.yaml");
    ExperimentConfig got = ExperimentFile.parse(anchored, "anchored.yaml");
    assertThat(got).isEqualTo(expected);
    assertThat(got.weightDecay()).containsExactly(0.0, 0.05);
    assertThat(Grid.runs(got).stream().map(RunSpec::runId))
        .containsExactlyElementsOf(Grid.runs(expected).stream().map(RunSpec::runId).toList());
  }

  @Test
  void anAliasOfAMappingOrAListIsAFullCopyOfIt() {
    var t = YamlTree.read("a: &m {x: 1, y: [2, &s three]}\nb: *m\nc: &l [*m, *s]\nd: *l\n");
    assertThat(t.toString()).isEqualTo("{\"a\":{\"x\":1,\"y\":[2,\"three\"]},"
        + "\"b\":{\"x\":1,\"y\":[2,\"three\"]},"
        + "\"c\":[{\"x\":1,\"y\":[2,\"three\"]},\"three\"],"
        + "\"d\":[{\"x\":1,\"y\":[2,\"three\"]},\"three\"]}");
  }

  @Test
  void refusesAliasesThatExpandBeyondTheLimit() {
    // Nine levels of ten aliases each: 10^9 values from a file of a few hundred bytes.
    StringBuilder y = new StringBuilder("l0: &l0 [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n");
    for (int i = 1; i <= 9; i++) {
      y.append("l").append(i).append(": &l").append(i).append(" [");
      for (int k = 0; k < 10; k++) {
        y.append(k > 0 ? ", " : "").append("*l").append(i - 1);
      }
      y.append("]\n");
    }
    assertThatThrownBy(() -> YamlTree.read(y.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expands to more than 1000000 values through its aliases");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      tab indentation          | epochs: 3                   | epochs:\\n\\t3                        | line 8, column 1: tab character
      second document          | epochs: 3                   | epochs: 3\\n---\\nname: two             | holds 2 YAML documents (the second starts at line 9); one experiment per file
      duplicate key            | epochs: 3                   | epochs: 3\\nepochs: 4                 | line 8: duplicate key 'epochs'
      alias of nothing         | epochs: 3                   | epochs: *three                      | found undefined alias three
      merge key                | optimizer: {kind: sgd,      | optimizer: {<<: {}, kind: sgd,      | merge keys (<<) are not supported
      custom tag               | epochs: 3                   | epochs: !big 3                      | line 7: tag !big is not supported
      aliased string for int   | epochs: 3                   | description: &e three\\nepochs: *e   | epochs: wrong type
      """)
  void refusesYamlItCannotReadWithTheLine(String what, String from, String to,
      String expected) {
    String yaml = GOOD.replace(from.strip(), to.strip().replace("\\n", "\n")
        .replace("\\t", "\t"));
    assertThat(yaml).isNotEqualTo(GOOD);
    assertThatThrownBy(() -> ExperimentFile.parse(yaml, "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("experiment file bad.yaml: ")
        .hasMessageContaining(expected.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesBytesThatAreNotUtf8ByOffsetAndLine() {
    byte[] good = GOOD.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad = java.util.Arrays.copyOf(good, good.length);
    int at = GOOD.indexOf("tiny") + 1;
    bad[at] = (byte) 0xe9; // Latin-1 e-acute
    assertThat(ExperimentFile.utf8(good, "g.yaml")).isEqualTo(GOOD);
    assertThatThrownBy(() -> ExperimentFile.utf8(bad, "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("experiment file bad.yaml: not UTF-8: byte 0xe9 at offset " + at
            + " (line 1)");
    byte[] bom = new byte[good.length + 3];
    bom[0] = (byte) 0xef;
    bom[1] = (byte) 0xbb;
    bom[2] = (byte) 0xbf;
    System.arraycopy(good, 0, bom, 3, good.length);
    assertThat(ExperimentFile.utf8(bom, "bom.yaml")).isEqualTo(GOOD);
  }

  @Test
  void keepsJacksonsScalarTypes() {
    // Only true/false are booleans, quoted numbers are strings, '_' separates digits.
    assertThat(ExperimentFile.parse(GOOD.replace("epochs: 3", "epochs: 1_0"), "u").epochs())
        .isEqualTo(10);
    assertThat(ExperimentFile.parse(GOOD.replace("name: tiny", "name: tiny\ndescription: yes"),
        "y").description()).isEqualTo("yes");
    assertThat(ExperimentFile.parse(GOOD.replace("name: tiny", "name: 'no'"), "n").name())
        .isEqualTo("no");
    assertThatThrownBy(() -> ExperimentFile.parse(GOOD.replace("epochs: 3", "epochs: '3'"), "q"))
        .hasMessageContaining("epochs: wrong type");
    assertThatThrownBy(() -> ExperimentFile.parse(GOOD.replace("epochs: 3", "epochs: true"), "b"))
        .hasMessageContaining("epochs: wrong type");
  }
}
