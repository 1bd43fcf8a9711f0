package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overparam.config.DatasetConfig;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.ModelConfig;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.results.ResultsStore;
import org.overparam.testing.NpzFiles;
import org.overparam.train.Checkpoints;
import org.overparam.train.EpochListener;
import org.overparam.train.local.LocalTrainer;

/**
 * Bad input through the real entry point: exit code 2, one line on stderr naming the field or
 * file, no stack trace (unless --verbose), and an existing results root left byte for byte as
 * it was. Every case but the one about the master names an unreachable master, so a case the
 * checks let through fails on that instead of starting Spark.
 */
class BadInputTest {
  @TempDir
  static Path tmp;

  /** A results root holding a real finished run and a real checkpoint of an unfinished one. */
  static Path results;
  static String closedMaster;

  static final String BASE = """
      name: bad-input
      dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
      train_sizes: [64]
      label_noise: [0.0]
      model: {family: mlp, depths: [1], widths: [4]}
      optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}
      epochs: 4
      checkpoint_every: 2
      weight_decay: [0.0]
      dropout: [0.0]
      seeds: [0]
      """;

  /** BASE as a gpt experiment on a text (the file need not exist: the config fails first). */
  static String gpt(String model, String dataset) {
    return BASE.replace("{kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}",
        "{kind: text, path: none.txt, " + dataset + "}").replace(
        "{family: mlp, depths: [1], widths: [4]}", "{family: gpt, depths: [1], " + model + "}");
  }

  @BeforeAll
  static void existingResults() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      closedMaster = "spark://127.0.0.1:" + s.getLocalPort();
    }
    results = tmp.resolve("results");
    ResultsStore store = ResultsStore.open(results.toString());
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse(BASE.replace("seeds: [0]",
        "seeds: [0, 1]"), "base.yaml"));
    EpochListener quiet = (s, m) -> {};
    var data = Datasets.prepare(Datasets.load(runs.get(0).dataset()), 64, 0, 0);
    store.write(new LocalTrainer(quiet).train(runs.get(0), data, "cpu"));
    // The second run stops in epoch 3, after its checkpoint of epoch 2.
    EpochListener crash = (s, m) -> {
      if (m.epoch() == 3) {
        throw new IllegalStateException("stop");
      }
    };
    try {
      new LocalTrainer(crash, store.checkpoints()).train(runs.get(1), data, "cpu");
    } catch (IllegalStateException expected) {
      // the checkpoint stays
    }
    assertThat(hashes(results).keySet()).anyMatch(f -> f.startsWith("metrics/"))
        .anyMatch(f -> f.startsWith("runs/")).anyMatch(f -> f.startsWith("_checkpoints/"));
  }

  /** One bad input: the arguments it gives, and what the one error line must contain. */
  record Case(String name, Function<Path, String[]> args, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code overparam train FILE} on the base experiment with one text replacement. */
  static Case yaml(String name, String from, String to, String expected) {
    return new Case(name, dir -> {
      assertThat(BASE).contains(from);
      return train(write(dir.resolve("e.yaml"), BASE.replace(from, to)));
    }, expected);
  }

  /** {@code overparam train FILE} on raw text. */
  static Case text(String name, String content, String expected) {
    return new Case(name, dir -> train(write(dir.resolve("e.yaml"), content)), expected);
  }

  /** Fashion-MNIST from a folder of small IDX files, one of them spoiled by {@code spoil}. */
  static Case idx(String name, IdxSpoiler spoil, String expected) {
    return new Case(name, dir -> {
      Path data = dir.resolve("idx");
      fakeIdx(data, spoil);
      return train(write(dir.resolve("e.yaml"), BASE.replace(
          "{kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}",
          "{kind: fashion-mnist, path: '" + data + "', test_size: 20}")));
    }, expected);
  }

  static String[] train(Path yaml, String... more) {
    List<String> a = new ArrayList<>(List.of("train", yaml.toString(), "--results",
        results.toString(), "--master", closedMaster));
    a.addAll(Arrays.asList(more));
    return a.toArray(String[]::new);
  }

  static Stream<Case> cases() {
    return Stream.of(
        // --- the file itself
        text("malformed YAML: unclosed bracket", BASE.replace("widths: [4]}", "widths: [4}"),
            "experiment file"),
        text("YAML list instead of a mapping", "- name: x\n- epochs: 3\n",
            "must be a mapping of keys to values, not a list"),
        text("YAML scalar instead of a mapping", "just some words\n",
            "must be a mapping of keys to values, not a single value"),
        text("tab indentation", BASE.replace("epochs: 4", "epochs:\n\t4"),
            "line 8, column 1: tab character; YAML indents and separates with spaces"),
        text("empty file", "", "is empty"),
        text("comments only", "# nothing here\n", "is empty"),
        text("binary garbage", "\u0000\u0001\u00ff\u00fe PK\u0003\u0004", "experiment file"),
        text("duplicate key", BASE + "epochs: 5\n", "line 12: duplicate key 'epochs'"),
        new Case("experiment file over 1 MiB", dir -> {
          // A valid experiment padded with comments: refused by its size, before it is read.
          String pad = ("#" + "x".repeat(1022) + "\n").repeat(1024); // 1 MiB
          return train(write(dir.resolve("e.yaml"), BASE + pad));
        }, "{dir}/e.yaml: " + (BASE.length() + (1 << 20)) + " bytes, larger than the limit of "
            + (1 << 20) + " bytes"),
        new Case("experiment file in Latin-1", dir -> train(writeBytes(dir.resolve("e.yaml"),
            BASE.replace("name: bad-input", "name: bad-input\ndescription: caf\u00e9")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))),
            "{dir}/e.yaml: not UTF-8: byte 0xe9 at offset " + ("name: bad-input\n"
                + "description: caf").length() + " (line 2)"),
        text("two YAML documents", BASE + "---\n" + BASE.replace("bad-input", "second"),
            "holds 2 YAML documents (the second starts at line 13); one experiment per file"),
        text("merge key", BASE.replace("optimizer: {", "optimizer: {<<: {epochs: 3}, "),
            "line 6: merge keys (<<) are not supported"),
        text("alias of an undefined anchor", BASE.replace("epochs: 4", "epochs: *four"),
            "found undefined alias four"),
        new Case("experiment file missing", dir -> train(dir.resolve("nope.yaml")), "not found"),
        new Case("experiment file is a folder", dir -> train(dir), "not found"),
        // --- unknown keys and wrong types
        yaml("unknown top-level key", "epochs: 4", "epochs: 4\nepochz: 5", "epochz: unknown key"),
        yaml("unknown optimizer key", "kind: sgd,", "colour: red, kind: sgd,",
            "optimizer.colour: unknown key"),
        yaml("unknown dataset key", "input_dim: 8", "input_dim: 8, colour: red",
            "dataset.colour: unknown key"),
        yaml("word for an integer", "epochs: 4", "epochs: four", "epochs: wrong type"),
        yaml("fraction for an integer", "epochs: 4", "epochs: 4.5", "epochs: wrong type"),
        yaml("boolean for an integer", "epochs: 4", "epochs: true", "epochs: wrong type"),
        yaml("quoted number", "learning_rate: 0.05", "learning_rate: '0.05'",
            "optimizer.learning_rate: wrong type"),
        yaml("scalar for a list", "seeds: [0]", "seeds: 0", "seeds: wrong type"),
        yaml("list for a mapping", "model: {family: mlp, depths: [1], widths: [4]}",
            "model: [mlp, 1, 4]", "model: wrong type"),
        yaml("missing name", "name: bad-input\n", "", "name: is required"),
        yaml("missing widths", ", widths: [4]}", "}", "model.widths: is required"),
        // --- grids and ranges
        yaml("empty width grid", "widths: [4]", "widths: []", "model.widths: grid is empty"),
        yaml("empty train size grid", "train_sizes: [64]", "train_sizes: []",
            "train_sizes: grid is empty"),
        yaml("negative width", "widths: [4]", "widths: [4, -4]", "model.widths: value -4"),
        yaml("zero depth", "depths: [1]", "depths: [0]", "model.depths: value 0"),
        yaml("negative train size", "train_sizes: [64]", "train_sizes: [-64]",
            "train_sizes: value -64"),
        yaml("repeated grid value", "seeds: [0]", "seeds: [0, 0]", "seeds: values repeat"),
        yaml("label noise of one", "label_noise: [0.0]", "label_noise: [0.0, 1.0]",
            "label_noise: value 1.0 must be in [0, 1)"),
        yaml("negative label noise", "label_noise: [0.0]", "label_noise: [-0.1]",
            "label_noise: value -0.1"),
        yaml("label noise above one", "label_noise: [0.0]", "label_noise: [1.5]",
            "label_noise: value 1.5"),
        yaml("dropout of one", "dropout: [0.0]", "dropout: [1.0]", "dropout: value 1.0"),
        yaml("negative weight decay", "weight_decay: [0.0]", "weight_decay: [-1e-4]",
            "weight_decay: value -1.0E-4"),
        yaml("zero epochs", "epochs: 4", "epochs: 0", "epochs: must be > 0"),
        yaml("negative epochs", "epochs: 4", "epochs: -3", "epochs: must be > 0"),
        yaml("zero eval cadence", "epochs: 4", "epochs: 4\neval_every: 0",
            "eval_every: must be > 0"),
        yaml("negative checkpoint cadence", "checkpoint_every: 2", "checkpoint_every: -1",
            "checkpoint_every: must be >= 0"),
        yaml("zero learning rate", "learning_rate: 0.05", "learning_rate: 0",
            "optimizer.learning_rate: must be"),
        yaml("momentum of one", "momentum: 0.9", "momentum: 1.0", "optimizer.momentum"),
        yaml("zero batch size", "batch_size: 32", "batch_size: 0", "optimizer.batch_size"),
        yaml("zero reference width", "batch_size: 32", "batch_size: 32, reference_width: 0",
            "optimizer.reference_width: must be > 0"),
        yaml("unknown schedule", "batch_size: 32", "batch_size: 32, schedule: linear",
            "optimizer.schedule: 'linear' is not one of [constant, cosine]"),
        yaml("schedule with parameter averaging", "batch_size: 32",
            "batch_size: 32, schedule: cosine}\nstrategy: {kind: parameter-averaging",
            "optimizer.schedule: cosine needs strategy.kind per-task or auto (scheduled runs "
                + "train per task), got parameter-averaging"),
        yaml("batch larger than the training set", "batch_size: 32", "batch_size: 65",
            "optimizer.batch_size: 65 is larger than the smallest of train_sizes (64)"),
        // --- optimiser axes: one value or a list, each value named by its index
        yaml("empty list of batch sizes", "batch_size: 32", "batch_size: []",
            "optimizer.batch_size: grid is empty; give at least one value"),
        yaml("repeated optimizer kind", "kind: sgd", "kind: [sgd, sgd]",
            "optimizer.kind: values repeat: [sgd, sgd]"),
        yaml("unknown optimizer in a list", "kind: sgd", "kind: [sgd, rmsprop]",
            "optimizer.kind[1]: 'rmsprop' is not one of [sgd, adam]"),
        yaml("negative learning rate in a list", "learning_rate: 0.05",
            "learning_rate: [0.05, -0.1]",
            "optimizer.learning_rate[1]: must be a finite number > 0, got -0.1"),
        yaml("word for a learning rate in a list", "learning_rate: 0.05",
            "learning_rate: [0.05, fast]",
            "optimizer.learning_rate[1]: wrong type, expected a number"),
        yaml("zero batch size in a list", "batch_size: 32", "batch_size: [32, 0]",
            "optimizer.batch_size[1]: must be > 0, got 0"),
        yaml("fraction for a batch size in a list", "batch_size: 32", "batch_size: [32, 8.5]",
            "optimizer.batch_size[1]: wrong type, expected an integer"),
        yaml("batch in a list larger than the training set", "batch_size: 32",
            "batch_size: [32, 65]",
            "optimizer.batch_size[1]: 65 is larger than the smallest of train_sizes (64)"),
        yaml("learning rates by kind missing a kind", "kind: sgd, learning_rate: 0.05",
            "kind: [sgd, adam], learning_rate: {sgd: 0.05}",
            "optimizer.learning_rate: gives no rate for kind adam"),
        yaml("learning rate of a kind not listed", "learning_rate: 0.05",
            "learning_rate: {sgd: 0.05, adam: 0.001}",
            "optimizer.learning_rate.adam: 'adam' is not one of the kinds optimizer.kind lists"),
        yaml("negative learning rate of a kind", "kind: sgd, learning_rate: 0.05",
            "kind: [sgd, adam], learning_rate: {sgd: 0.05, adam: [0.001, -1]}",
            "optimizer.learning_rate.adam[1]: must be a finite number > 0, got -1.0"),
        yaml("optimizer that is not a mapping",
            "optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 32}",
            "optimizer: sgd", "optimizer: wrong type, expected a mapping"),
        // --- augmentation
        yaml("negative augmentation", "dropout: [0.0]", "dropout: [0.0]\naugmentation: [0, -1]",
            "augmentation: value -1 must be >= 0"),
        yaml("repeated augmentation", "dropout: [0.0]", "dropout: [0.0]\naugmentation: [2, 2]",
            "augmentation: values repeat: [2, 2]"),
        yaml("augmentation of features without an order", "dropout: [0.0]",
            "dropout: [0.0]\naugmentation: [0, 2]", "augmentation: 2 for dataset kind "
                + "teacher-student, whose features have no spatial order to shift along"),
        text("augmentation of a text", gpt("widths: [8]", "context: 4")
                + "augmentation: [0, 1]\n", "augmentation: 1 for dataset kind text: a text's "
                + "tokens are not shifted"),
        yaml("augmentation as wide as the images", "{kind: teacher-student, input_dim: 8, "
                + "classes: 3, test_size: 100}", "{kind: fashion-mnist, test_size: 20}\n"
                + "augmentation: [28]", "augmentation: value 28 must be less than 28, the side "
                + "of its 28x28 images of dataset kind fashion-mnist"),
        yaml("augmentation as long as the sequences", "{kind: teacher-student, input_dim: 8, "
                + "classes: 3, test_size: 100}", "{kind: npz, path: none.npz, test_fraction: 0.2, "
                + "input_dim: 8, classes: 3}\naugmentation: [8]", "augmentation: value 8 must be "
                + "less than 8, the length of its 8-position sequences of dataset kind npz"),
        yaml("training set larger than the data", "train_sizes: [64]", "train_sizes: [60001]",
            "train_sizes: 60001 exceeds the 60000 training examples"),
        yaml("one class", "classes: 3", "classes: 1", "dataset.classes: must be >= 2"),
        yaml("test features past one array", "input_dim: 8", "input_dim: 30000000",
            "dataset.input_dim: 30000000 features of 100 test examples exceed one array"),
        text("training features past one array", BASE.replace("input_dim: 8",
            "input_dim: 200000").replace("train_sizes: [64]", "train_sizes: [64, 20000]"),
            "train_sizes: 20000 examples of dataset.input_dim 200000 features exceed one array"),
        yaml("zero test examples", "test_size: 100", "test_size: 0", "dataset.test_size"),
        yaml("unknown model family", "family: mlp", "family: transformer",
            "model.family: 'transformer'"),
        yaml("unknown optimizer", "kind: sgd", "kind: rmsprop", "optimizer.kind: 'rmsprop'"),
        yaml("unknown dataset kind", "kind: teacher-student", "kind: imagenet",
            "dataset: kind: 'imagenet'"),
        yaml("unknown strategy", "epochs: 4", "epochs: 4\nstrategy: {kind: magic}",
            "strategy.kind: 'magic'"),
        yaml("negative workers", "epochs: 4", "epochs: 4\nstrategy: {workers: -1}",
            "strategy.workers: must be >= 0"),
        // --- the transformer family
        text("gpt width not a multiple of its heads", gpt("widths: [6], heads: 4", "context: 4"),
            "model.heads: width 6 is not a multiple of 4 heads"),
        text("gpt with an embedding size", gpt("widths: [8], embedding: 4", "context: 4"),
            "model.embedding: only the [charlm, charlstm] families have an embedding size"),
        yaml("heads for a family without attention", "widths: [4]}", "widths: [4], heads: 2}",
            "model.heads: only family gpt has attention heads"),
        text("gpt train size not whole windows", gpt("widths: [8]", "context: 5"),
            "train_sizes: 64 is not a multiple of dataset.context 5"),
        text("gpt batch of windows larger than the training set", gpt("widths: [8]",
            "context: 4"), "optimizer.batch_size: 32 windows of 4 tokens are more than the "
                + "smallest of train_sizes (64 tokens)"),
        text("unknown token kind", gpt("widths: [8]", "context: 4, tokens: word"),
            "dataset.tokens: 'word' is not one of [char, byte]"),
        yaml("gpt on a dataset that is not text", "family: mlp", "family: gpt",
            "model.family: gpt reads characters and needs dataset kind text"),
        // --- adaptive widths
        yaml("refine of a single width", "epochs: 4", "epochs: 4\nrefine: {max_runs: 4}",
            "refine: needs at least two model.widths"),
        yaml("refine resolution not above one", "widths: [4]}", "widths: [4, 16]}\nrefine: "
            + "{resolution: 1.0, max_runs: 4}", "refine.resolution: must be a finite number > 1"),
        yaml("refine around a valley", "widths: [4]}", "widths: [4, 16]}\nrefine: "
            + "{around: valley, max_runs: 4}",
            "refine.around: 'valley' is not one of [peak, threshold]"),
        yaml("refine without a budget", "widths: [4]}", "widths: [4, 16]}\nrefine: "
            + "{around: peak}", "refine.max_runs: is required"),
        yaml("refine budget of zero", "widths: [4]}", "widths: [4, 16]}\nrefine: "
            + "{max_runs: 0}", "refine.max_runs: must be > 0, got 0"),
        yaml("refine budget past the run limit", "widths: [4]}", "widths: [4, 16]}\nrefine: "
            + "{max_runs: 99999}", "refine.max_runs: 99,999 added to the grid's 2 runs is more "
            + "than the limit of 100,000 runs per experiment"),
        // --- distillation
        yaml("distillation temperature of zero", "epochs: 4", "epochs: 4\ndistillation: "
            + "{widths: [2], temperature: 0, alpha: 0.5}",
            "distillation.temperature: must be a finite number > 0, got 0.0"),
        yaml("distillation without a temperature", "epochs: 4", "epochs: 4\ndistillation: "
            + "{widths: [2], alpha: 0.5}", "distillation.temperature: is required"),
        yaml("distillation alpha above one", "epochs: 4", "epochs: 4\ndistillation: "
            + "{widths: [2], temperature: 4, alpha: 1.5}", "distillation.alpha: must be in "
            + "[0, 1] (the weight of the soft labels), got 1.5"),
        yaml("distillation alpha below zero", "epochs: 4", "epochs: 4\ndistillation: "
            + "{widths: [2], temperature: 4, alpha: -0.1}", "distillation.alpha: must be in "
            + "[0, 1]"),
        yaml("distillation without student widths", "epochs: 4", "epochs: 4\ndistillation: "
            + "{temperature: 4, alpha: 0.5}", "distillation.widths: is required"),
        yaml("distillation with an empty list of students", "epochs: 4", "epochs: 4\n"
            + "distillation: {widths: [], temperature: 4, alpha: 0.5}",
            "distillation.widths: grid is empty; give at least one value"),
        yaml("distillation student width of zero", "epochs: 4", "epochs: 4\ndistillation: "
            + "{widths: [0, 2], temperature: 4, alpha: 0.5}",
            "distillation.widths: value 0 must be in 1..65536"),
        yaml("distillation teacher not a grid width", "epochs: 4", "epochs: 4\ndistillation: "
            + "{teacher_width: 16, widths: [2], temperature: 4, alpha: 0.5}",
            "distillation.teacher_width: 16 is not one of model.widths [4] (the teacher is a "
            + "grid run)"),
        yaml("distillation teacher width neither largest nor a width", "epochs: 4", "epochs: "
            + "4\ndistillation: {teacher_width: smallest, widths: [2], temperature: 4, "
            + "alpha: 0.5}", "distillation.teacher_width: must be 'largest' or a width of "
            + "model.widths, got 'smallest'"),
        yaml("distillation teacher width not whole", "epochs: 4", "epochs: 4\ndistillation: "
            + "{teacher_width: 4.5, widths: [2], temperature: 4, alpha: 0.5}",
            "distillation.teacher_width: must be 'largest' or a width of model.widths, got 4.5"),
        yaml("distillation with an unknown key", "epochs: 4", "epochs: 4\ndistillation: "
            + "{widths: [2], temperature: 4, alpha: 0.5, beta: 1}",
            "distillation.beta: unknown key (known: alpha, teacher_width, temperature, widths)"),
        text("distillation of a text family", gpt("widths: [8]", "context: 4")
            + "distillation: {widths: [8], temperature: 4, alpha: 0.5}\n",
            "distillation: only family mlp is supported (its students fit a mixed distribution "
            + "over the classes of each example); family gpt predicts tokens of a text"),
        text("distillation students past the run limit", BASE.replace("seeds: [0]", "seeds: "
                + IntStream.range(0, 1000).boxed().toList()).replace("widths: [4]", "widths: "
                + IntStream.rangeClosed(1, 50).boxed().toList()) + "distillation: {widths: "
                + IntStream.rangeClosed(1, 60).boxed().toList() + ", temperature: 4, alpha: "
                + "0.5}\n", "distillation.widths: 60,000 students added to the grid's 50,000 "
                + "runs is more than the limit of 100,000 runs per experiment"),
        // --- what the grid asks of the machine
        text("grid of more than 100,000 runs", BASE.replace("seeds: [0]", "seeds: "
                + IntStream.range(0, 1000).boxed().toList()).replace("widths: [4]", "widths: "
                + IntStream.rangeClosed(1, 101).boxed().toList()),
            "grid: 1 optimizer settings x 1 augmentation x 1 train_sizes x 1 label_noise x 1 "
                + "model.depths x 101 model.widths x 1 weight_decay x 1 dropout x 1000 seeds = "
                + "101,000 runs, more than the limit of 100,000 runs per experiment"),
        text("optimiser axes taking a grid past 100,000 runs", BASE.replace("seeds: [0]",
                "seeds: " + IntStream.range(0, 1000).boxed().toList()).replace("widths: [4]",
                "widths: " + IntStream.rangeClosed(1, 26).boxed().toList()).replace(
                "kind: sgd, learning_rate: 0.05", "kind: [sgd, adam], learning_rate: 0.05")
                .replace("batch_size: 32", "batch_size: [16, 32]"),
            "grid: 4 optimizer settings x 1 augmentation x 1 train_sizes x 1 label_noise x 1 "
                + "model.depths x 26 model.widths x 1 weight_decay x 1 dropout x 1000 seeds = "
                + "104,000 runs"),
        text("model too large for an executor", BASE.replace("depths: [1], widths: [4]",
            "depths: [64], widths: [4, 65536]"), "model.widths: width 65536 at depth 64 has "
                + "270,587,854,851 parameters; training it needs about 3.7 TiB (4-byte "
                + "parameters, gradients, sgd state and activations, +25%), more than the 1.4 GiB "
                + "of an executor's spark.executor.memory + spark.executor.memoryOverhead "
                + "(1024 + 384 MiB)"),
        new Case("model too large for the driver", dir -> withMaster(dir, "local[1]",
            BASE.replace("depths: [1], widths: [4]", "depths: [64], widths: [65536]")),
            "model.widths: width 65536 at depth 64 has 270,587,854,851 parameters; training it "
                + "needs about 3.7 TiB"),
        // --- names that would escape their folder
        yaml("name with a path separator", "name: bad-input", "name: a/b", "name: 'a/b'"),
        yaml("name of two dots", "name: bad-input", "name: '..'", "name: '..'"),
        yaml("name climbing out", "name: bad-input", "name: ../evil", "name: '../evil'"),
        yaml("name with a backslash", "name: bad-input", "name: 'a\\b'", "name: 'a\\b'"),
        yaml("empty name", "name: bad-input", "name: ''", "name"),
        // --- data files
        new Case("data folder missing", dir -> train(write(dir.resolve("e.yaml"), BASE.replace(
            "{kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}",
            "{kind: fashion-mnist, path: '" + dir.resolve("none") + "'}"))),
            "dataset.path " + "{dir}/none: no such folder"),
        idx("IDX file missing", file("train-labels", gz -> null),
            "train-labels-idx1-ubyte.gz: not found"),
        idx("IDX wrong magic", content("train-images", b -> {
          b[3] = 0x01;
          return b;
        }), "train-images-idx3-ubyte.gz: not an IDX image file (magic 0x801)"),
        idx("IDX labels with an image magic", content("t10k-labels", b -> {
          b[3] = 0x03;
          return b;
        }), "t10k-labels-idx1-ubyte.gz: not an IDX label file (magic 0x803)"),
        idx("IDX truncated gzip", file("train-images", gz -> Arrays.copyOf(gz, gz.length / 2)),
            "train-images-idx3-ubyte.gz: truncated"),
        idx("IDX not gzip at all", file("t10k-labels", gz -> "plain text".getBytes()),
            "t10k-labels-idx1-ubyte.gz: unreadable"),
        idx("IDX label count mismatch", content("train-labels", b -> {
          b[7] = 99; // 99 labels declared and present, for 100 images
          return Arrays.copyOf(b, 8 + 99);
        }), "train-labels-idx1-ubyte.gz: 99 labels for 100 images"),
        idx("IDX label outside 0..9", content("train-labels", b -> {
          b[8 + 5] = 12;
          return b;
        }), "train-labels-idx1-ubyte.gz: label 12 outside 0..9"),
        idx("IDX zero images", content("t10k-images", b -> {
          b[7] = 0;
          return b;
        }), "t10k-images-idx3-ubyte.gz: bad dimensions 0x28x28"),
        idx("IDX truncated payload", content("train-images",
            b -> Arrays.copyOf(b, b.length - 100)), "train-images-idx3-ubyte.gz: truncated"),
        idx("IDX empty file", file("t10k-images", gz -> new byte[0]),
            "t10k-images-idx3-ubyte.gz: truncated"),
        idx("IDX test images of another shape", content("t10k-images",
            b -> images(20, 14, 14)),
            "data files {dir}/idx/train-images-idx3-ubyte.gz (100 images of 28x28) and "
                + "{dir}/idx/t10k-images-idx3-ubyte.gz (20 images of 14x14): train and test "
                + "images differ in shape"),
        idx("IDX images not 28x28", (name, gz) -> name.contains("images")
            ? gzip(images(name.startsWith("train") ? 100 : 20, 14, 14)) : gz,
            "data file {dir}/idx/train-images-idx3-ubyte.gz: images of 14x14, Fashion-MNIST's "
                + "are 28x28 (784 pixels)"),
        yaml("Fashion-MNIST test size above 10000", "{kind: teacher-student, input_dim: 8, "
                + "classes: 3, test_size: 100}", "{kind: fashion-mnist, test_size: 20000}",
            "dataset.test_size: must be in 1..10000"),
        new Case("empty text corpus", dir -> {
          Assumptions.assumeTrue(datasetKinds().contains("text")
              && ModelConfig.FAMILIES.contains("charlm"), "needs the text dataset kind");
          Path corpus = write(dir.resolve("empty.txt"), "");
          return train(write(dir.resolve("e.yaml"), BASE.replace(
              "{kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}",
              "{kind: text, path: '" + corpus + "', context: 4}").replace(
              "{family: mlp, depths: [1], widths: [4]}",
              "{family: charlm, depths: [1], widths: [4], embedding: 4}")));
        }, "{dir}/empty.txt"),
        // --- a user's own files: npz and Parquet
        npz("npz file missing", dir -> dir.resolve("none.npz"),
            "dataset.path {dir}/none.npz: no such file"),
        new Case("npz test file missing", dir -> trainOn(dir, "{kind: npz, path: '"
            + NpzFiles.examples(dir.resolve("train.npz"), 100, 8, 3) + "', test_path: '"
            + dir.resolve("test.npz") + "', input_dim: 8, classes: 3}"),
            "dataset.test_path {dir}/test.npz: no such file"),
        npz("npz not a zip", dir -> write(dir.resolve("d.npz"), "x,y\n1,2\n"),
            "data file {dir}/d.npz: not a .npz file"),
        npz("npz without the features array", dir -> new NpzFiles().f8("inputs", new double[8],
            1, 8).i8("y", new long[1], 1).write(dir.resolve("d.npz")),
            "data file {dir}/d.npz: no array 'x' (it holds inputs, y)"),
        npz("npz of another width", dir -> NpzFiles.examples(dir.resolve("d.npz"), 100, 7, 3),
            "data file {dir}/d.npz: array 'x' has shape (100, 7), 7 features per example; "
                + "dataset.input_dim is 8"),
        npz("npz labels that are not integers", dir -> new NpzFiles().f8("x", new double[800],
            100, 8).f8("y", new double[100], 100).write(dir.resolve("d.npz")),
            "data file {dir}/d.npz: array 'y' is of dtype <f8; labels must be integers"),
        npz("npz label out of range", dir -> NpzFiles.examples(dir.resolve("d.npz"), 100, 8, 4),
            "data file {dir}/d.npz: y[3] is label 3, outside 0..2 (dataset.classes is 3)"),
        npz("npz NaN feature", dir -> {
          double[] x = new double[800];
          x[8 * 42 + 5] = Double.NaN;
          return new NpzFiles().f8("x", x, 100, 8).i8("y", new long[100], 100)
              .write(dir.resolve("d.npz"));
        }, "data file {dir}/d.npz: x[42, 5] is NaN; features must be finite numbers"),
        npz("npz ragged features", dir -> new NpzFiles().raw("x", "|O", false, new long[] {100},
            new byte[] {(byte) 0x80, 2, ']', '.'}).i8("y", new long[100], 100)
            .write(dir.resolve("d.npz")), "data file {dir}/d.npz: array 'x' holds Python objects"),
        npz("npz labels and features of different counts", dir -> new NpzFiles().f8("x",
            new double[800], 100, 8).i8("y", new long[99], 99).write(dir.resolve("d.npz")),
            "data file {dir}/d.npz: array 'x' has 100 examples but array 'y' has 99 labels"),
        npz("npz pool smaller than the training set", dir -> NpzFiles.examples(
            dir.resolve("d.npz"), 60, 8, 3),
            "train_sizes: 64 exceeds the 48 training examples of npz:{dir}/d.npz"),
        new Case("npz test size above the test file", dir -> trainOn(dir, "{kind: npz, path: '"
            + NpzFiles.examples(dir.resolve("train.npz"), 100, 8, 3) + "', test_path: '"
            + NpzFiles.examples(dir.resolve("test.npz"), 10, 8, 3) + "', input_dim: 8, "
            + "classes: 3, test_size: 11}"),
            "dataset.test_size: 11 exceeds the 10 test examples of npz:{dir}/train.npz"),
        new Case("npz test and train set both given", dir -> trainOn(dir, "{kind: npz, path: "
            + "a.npz, test_path: b.npz, test_fraction: 0.2, input_dim: 8, classes: 3}"),
            "dataset.test_fraction: give test_path (a file of test examples) or test_fraction"),
        parquetData("Parquet without the label column", "select range as label, " + EIGHT
            + " as x from range(100)",
            "data file {dir}/t.parquet: no column 'y' for the labels (columns: label, x)"),
        parquetData("Parquet labels that are doubles", "select 0.0::double as y, " + EIGHT
            + " as x from range(100)",
            "data file {dir}/t.parquet: column 'y' is optional double y; labels must be integers"),
        parquetData("Parquet ragged feature lists", "select 0 as y, case when range = 7 then "
            + "[1.0]::double[] else " + EIGHT + " end as x from range(100)",
            "data file {dir}/t.parquet: column 'x', row 7 (from 0): 1 values; "
                + "dataset.input_dim is 8 (the lists are ragged)"),
        parquetData("Parquet NaN feature", "select 1 as y, [1.0, 2, 3, 4, 5, 6, 7, case when "
            + "range = 9 then 'nan'::double else 8 end]::double[] as x from range(100)",
            "data file {dir}/t.parquet: column 'x', row 9 (from 0), value 7 is NaN"),
        parquetData("Parquet numbered feature column missing", "select 1 as y, 1.0::double as x0, "
            + "1::int as x1, 1::float as x2, 1::bigint as x3, 1.0::double as x5, 0.5::float as "
            + "x6, 2::int as x7, 3.0::double as x8 from range(100)", "data file {dir}/t.parquet: feature columns x0..x5 lack x4"),
        parquetData("Parquet label out of range", "select range % 5 as y, " + EIGHT
            + " as x from range(100)",
            "data file {dir}/t.parquet: column 'y', row 3 (from 0) is label 3, outside 0..2"),
        // --- tables given to fit-scaling
        new Case("fit-scaling: a metrics table has no loss column", dir -> fitScaling(
            anyMetricsFile()), "{metrics}: no column 'loss'"),
        new Case("fit-scaling: Parquet without the loss column", dir -> fitScaling(parquet(dir,
            "select 1e6 as params, 2.5 as lost union all select 2e6, 2.4")),
            "{dir}/t.parquet: no column 'loss'"),
        new Case("fit-scaling: text in the loss column", dir -> fitScaling(parquet(dir,
            "select 1e6 as params, 'low' as loss union all select 2e6, 'lower'")),
            "{dir}/t.parquet: column 'loss' is"),
        new Case("fit-scaling: no rows", dir -> fitScaling(parquet(dir,
            "select 1e6 as params, 2.5::double as loss where false")), "{dir}/t.parquet: no data rows"),
        new Case("fit-scaling: not Parquet at all", dir -> fitScaling(write(dir.resolve(
            "t.parquet"), "params,loss\n1,2\n")), "{dir}/t.parquet: not a Parquet file"),
        new Case("fit-scaling: truncated Parquet", dir -> {
          Path t = parquet(dir, "select range * 1e6 as params, 2.5::double as loss from range(1, 50)");
          byte[] b = readAll(t);
          return fitScaling(writeBytes(t, Arrays.copyOf(b, b.length - 40)));
        }, "{dir}/t.parquet: not a readable Parquet file"),
        new Case("fit-scaling: folder without Parquet files", dir -> fitScaling(write(
            dir.resolve("empty/notes.txt"), "nothing").getParent()),
            "{dir}/empty: folder holds no .parquet files"),
        new Case("fit-scaling: input missing", dir -> fitScaling(dir.resolve("none.parquet")),
            "{dir}/none.parquet: no such file"),
        new Case("fit-scaling: CSV with a word for a loss", dir -> fitScaling(write(
            dir.resolve("t.csv"), "params,loss\n1e6,2.5\n2e6,low\n")),
            "{dir}/t.csv: column 'loss', data row 2"),
        // --- results roots
        new Case("results root is a file", dir -> {
          Path f = write(dir.resolve("a-file"), "not a folder");
          return resultsAt(dir, f.toString());
        }, "results root {dir}/a-file: is a file"),
        new Case("results root not writable", dir -> {
          Path f = write(dir.resolve("a-file"), "a folder cannot be made under me");
          return resultsAt(dir, f.resolve("results").toString());
        }, "results root {dir}/a-file/results: not writable"),
        new Case("results root holds foreign files", dir -> {
          Path foreign = dir.resolve("foreign");
          write(foreign.resolve("thesis.tex"), "\\documentclass{article}");
          write(foreign.resolve("data/part-0.csv"), "a,b\n1,2\n");
          return resultsAt(dir, foreign.toString());
        }, "results root {dir}/foreign: holds files not written by overparam"),
        new Case("results root with an unknown scheme", dir -> resultsAt(dir, "nosuch://h/x"),
            "results root nosuch://h/x: not writable"),
        // --- the master
        new Case("unreachable master", dir -> train(write(dir.resolve("e.yaml"), BASE)),
            "--master {closed}: no Spark master answers there"),
        master("spark://localhost"),
        master("lcoal[2]"),
        master("local[0]"),
        master("local[x]"),
        master("local[2,0]"),
        master("local[-1]"),
        master("spark//h:1"),
        master("spark://h:0"),
        master("spark://h:7077,"),
        master("spark://h:70777"),
        master("local-cluster[2,1]"),
        master("yarn-client"),
        master("k8s://"),
        master("LOCAL"),
        master(" local[2]"),
        new Case("Mesos master", dir -> withMaster(dir, "mesos://h:5050"),
            "--master mesos://h:5050: Mesos is not supported"),
        // --- the command line
        new Case("unknown option", dir -> train(write(dir.resolve("e.yaml"), BASE), "--fast"),
            "Unknown option: '--fast'"),
        new Case("missing experiment argument", dir -> new String[] {"train", "--results",
            results.toString()}, "EXPERIMENT.yaml"),
        new Case("unknown command", dir -> new String[] {"trian", "x.yaml"},
            "Unmatched arguments"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectsWithOneLineExitCodeTwoAndDamagesNothing(Case c) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "case");
    String[] args = c.args().apply(dir);
    Map<String, String> before = hashes(results);
    Map<String, String> caseBefore = hashes(dir);

    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        args);

    String expected = c.expected().replace("{dir}", dir.toString())
        .replace("{closed}", closedMaster).replace("{metrics}", anyMetricsFile().toString());
    List<String> lines = err.toString().lines().toList();
    assertThat(lines).as("stderr of %s", List.of(args)).hasSize(1);
    assertThat(lines.get(0)).startsWith("overparam: error: ").contains(expected)
        .doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(code).as("exit code; stderr: %s", lines).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(hashes(results)).as("the existing results root").isEqualTo(before);
    assertThat(hashes(dir)).as("the case's own files").isEqualTo(caseBefore);
  }

  @Test
  void verbosePrintsTheStackTrace() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "verbose");
    StringWriter err = new StringWriter();
    String[] args = train(write(dir.resolve("e.yaml"), BASE.replace("epochs: 4",
        "epochs: 0")), "--verbose");
    int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        args);
    assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(err.toString().lines().findFirst().orElseThrow())
        .isEqualTo("overparam: error: experiment file " + dir.resolve("e.yaml")
            + ": epochs: must be > 0, got 0");
    assertThat(err.toString()).contains("\tat org.overparam.");
  }

  @Test
  void theTableCoversAtLeastThirtyCases() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(30);
  }

  // ---------------------------------------------------------------------------------------

  /** {@code overparam train} of the base experiment on {@code dataset} (a YAML mapping). */
  static String[] trainOn(Path dir, String dataset) {
    return train(write(dir.resolve("e.yaml"), BASE.replace(
        "{kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}", dataset)));
  }

  /** The base experiment on the npz file {@code file} writes, a fifth of it held out. */
  static Case npz(String name, Function<Path, Path> file, String expected) {
    return new Case(name, dir -> trainOn(dir, "{kind: npz, path: '" + file.apply(dir)
        + "', test_fraction: 0.2, input_dim: 8, classes: 3}"), expected);
  }

  /** A DuckDB list of the 8 features the base experiment's model takes. */
  static final String EIGHT = "[1.0, 2, 3, 4, 5, 6, 7, 8]::double[]";

  /** The base experiment on a Parquet file of the rows of a DuckDB query, a fifth held out. */
  static Case parquetData(String name, String query, String expected) {
    return new Case(name, dir -> trainOn(dir, "{kind: parquet, path: '" + parquet(dir, query)
        + "', test_fraction: 0.2, input_dim: 8, classes: 3}"), expected);
  }

  /** {@code overparam train} of the base experiment with {@code --master url}. */
  static String[] withMaster(Path dir, String url) {
    return withMaster(dir, url, BASE);
  }

  static String[] withMaster(Path dir, String url, String experiment) {
    String[] a = train(write(dir.resolve("e.yaml"), experiment));
    a[a.length - 1] = url;
    return a;
  }

  /** A --master that is no Spark master URL. */
  static Case master(String url) {
    return new Case("master " + url, dir -> withMaster(dir, url), "--master " + url
        + ": not a Spark master URL (expected local[N], spark://host:port, yarn or k8s://...)");
  }

  /** An uncompressed IDX image file of {@code n} images of {@code rows x cols}. */
  static byte[] images(int n, int rows, int cols) {
    try {
      return idxBytes(0x803, new int[] {n, rows, cols}, n * rows * cols, 3);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String[] resultsAt(Path dir, String root) {
    // A reachable-looking local master: the results root is checked after the master.
    return new String[] {"train", write(dir.resolve("e.yaml"), BASE).toString(), "--results",
        root, "--master", "local[1]"};
  }

  /** {@code overparam fit-scaling --input FILE}, fitting L(N) from params and loss. */
  static String[] fitScaling(Path input) {
    return new String[] {"fit-scaling", "--input", input.toString(), "--bootstrap", "0"};
  }

  /** A Parquet file {@code t.parquet} in {@code dir} holding the rows of a DuckDB query. */
  static Path parquet(Path dir, String query) {
    Path t = dir.resolve("t.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      c.createStatement().execute("copy (" + query + ") to '" + t + "' (format parquet)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return t;
  }

  /** One metrics file of the existing results root. */
  static Path anyMetricsFile() {
    try (Stream<Path> s = Files.walk(results.resolve("metrics"))) {
      return s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path writeBytes(Path p, byte[] bytes) {
    try {
      return Files.write(p, bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<String> datasetKinds() {
    return Arrays.stream(DatasetConfig.class.getAnnotation(JsonSubTypes.class).value())
        .map(JsonSubTypes.Type::name).toList();
  }

  /** Spoils IDX files: gets a file's name and gzipped bytes, returns new bytes or null. */
  @FunctionalInterface
  interface IdxSpoiler {
    byte[] spoil(String name, byte[] gz);
  }

  /** Edits the gzipped bytes of the file whose name starts with {@code prefix}. */
  static IdxSpoiler file(String prefix, java.util.function.UnaryOperator<byte[]> edit) {
    return (name, gz) -> name.startsWith(prefix) ? edit.apply(gz) : gz;
  }

  /** Edits the uncompressed content of the file whose name starts with {@code prefix}. */
  static IdxSpoiler content(String prefix, java.util.function.UnaryOperator<byte[]> edit) {
    return file(prefix, gz -> {
      try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
        return gzip(edit.apply(in.readAllBytes()));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Writes 100 train and 20 test 28x28 images with labels, gzipped, after {@code spoil}. */
  static void fakeIdx(Path dir, IdxSpoiler spoil) {
    try {
      Files.createDirectories(dir);
      for (String split : List.of("train", "t10k")) {
        int n = split.equals("train") ? 100 : 20;
        byte[] images = idxBytes(0x803, new int[] {n, 28, 28}, n * 28 * 28, 3);
        byte[] labels = idxBytes(0x801, new int[] {n}, n, 10);
        for (Map.Entry<String, byte[]> f : Map.of(split + "-images-idx3-ubyte", images,
            split + "-labels-idx1-ubyte", labels).entrySet()) {
          byte[] bytes = spoil.spoil(f.getKey(), gzip(f.getValue()));
          if (bytes != null) {
            Files.write(dir.resolve(f.getKey() + ".gz"), bytes);
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static byte[] idxBytes(int magic, int[] dims, int count, int modulo) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    for (int i = 0; i < count; i++) {
      out.writeByte(i % modulo);
    }
    return b.toByteArray();
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(b)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static Path write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** SHA-256 of every file below {@code root}, by relative path (hidden files included). */
  static Map<String, String> hashes(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        try {
          out.put(root.relativize(p).toString(), HexFormat.of().formatHex(
              MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }
}
