package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.data.Augmentation;
import org.overparam.data.Datasets;
import org.overparam.data.Seeds;
import org.overparam.data.TrainTest;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;
import org.overparam.train.Checkpoints;
import org.overparam.train.EpochListener;
import org.overparam.train.EpochMetrics;
import org.overparam.train.Evaluator;
import org.overparam.train.local.LocalTrainer;

/**
 * Augmentation in real training on Fashion-MNIST, on both strategies: each trains on the same
 * moved examples, evaluates the examples as they are, and records the same rows when run again.
 */
class AugmentationTrainingTest {
  @TempDir
  Path tmp;

  static List<RunSpec> runs(String strategy, String more) {
    return Grid.runs(ExperimentFile.parse("""
        name: augmented-%s
        dataset: {kind: fashion-mnist, test_size: 200}
        train_sizes: [240]
        label_noise: [0.2]
        model: {family: mlp, depths: [1], widths: [16]}
        optimizer: {kind: adam, learning_rate: 0.003, batch_size: 40}
        epochs: 2
        seeds: [5]
        augmentation: [0, 2]
        strategy: {kind: %s, workers: 2, averaging_frequency: 1, batch_per_worker: 40}
        %s
        """.formatted(strategy, strategy, more), "augmented.yaml"));
  }

  static EpochListener quiet() {
    return (s, m) -> {};
  }

  @Test
  void everyWorkerFitsTheExamplesThePerTaskTrainerFits() {
    RunSpec spec = runs("parameter-averaging", "").get(1);
    assertThat(spec.augmentation()).isEqualTo(2);
    TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec);
    int n = data.train().count();
    int dim = data.train().dim();
    Augmentation a = Augmentation.of(spec);
    int[] identity = new int[n];
    Arrays.setAll(identity, i -> i);
    int[] partition = Seeds.permutation(n, Seeds.rng(spec.seed(), "partition"));
    for (int epoch : new int[] {1, 2}) {
      // Epoch `epoch` as the per-task trainer moves example i, whatever order it draws.
      float[] perTask = a.features(data.train(), identity, epoch);
      List<DataSet> batches = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        batches.addAll(ParameterAveraging.workerBatches(spec, w, 2, epoch));
      }
      float[] fitted = Nd4j.vstack(batches.stream().map(DataSet::getFeatures).toList()
          .toArray(org.nd4j.linalg.api.ndarray.INDArray[]::new)).dup('c').data().asFloat();
      assertThat(fitted).hasSize(n * dim);
      for (int j = 0; j < n; j++) {
        int i = partition[j];
        assertThat(Arrays.copyOfRange(fitted, j * dim, (j + 1) * dim)).as("epoch %d row %d",
            epoch, j).containsExactly(Arrays.copyOfRange(perTask, i * dim, (i + 1) * dim));
      }
    }
    float[] one = ParameterAveraging.workerBatches(spec, 0, 2, 1).get(0).getFeatures().dup('c')
        .data().asFloat();
    float[] two = ParameterAveraging.workerBatches(spec, 0, 2, 2).get(0).getFeatures().dup('c')
        .data().asFloat();
    assertThat(two).isNotEqualTo(one);
  }

  @ParameterizedTest
  @ValueSource(strings = {"per-task", "parameter-averaging"})
  void evaluationSeesTheExamplesAsTheyAre(String strategy) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    RunSpec spec = runs(strategy, "checkpoint_every: 1").get(1);
    ResultsStore store = ResultsStore.open(tmp.toString());
    TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec);
    int cached = sc.getPersistentRDDs().size();
    if (strategy.equals("per-task")) {
      new LocalTrainer(quiet(), store.checkpoints()).train(spec, data, "cpu");
    } else {
      ParameterAveraging.train(sc, spec, quiet(), store.checkpoints());
    }
    assertThat(sc.getPersistentRDDs()).as("minibatches of every epoch dropped").hasSize(cached);
    // The checkpoint of epoch 1 holds the network and the metrics evaluated from it.
    Checkpoints.Checkpoint c = store.checkpoints().latest(spec).orElseThrow();
    assertThat(c.epoch()).isEqualTo(1);
    MultiLayerNetwork net = c.net();
    EpochMetrics recorded = c.epochs().get(0);
    double[] train = Evaluator.evaluate(net, Evaluator.features(data.train()), data.train());
    double[] test = Evaluator.evaluate(net, Evaluator.features(data.test()), data.test());
    assertThat(recorded.trainLoss()).isCloseTo(train[0], within(1e-6));
    assertThat(recorded.trainError()).isEqualTo(train[1]);
    assertThat(recorded.testLoss()).isCloseTo(test[0], within(1e-6));
    assertThat(recorded.testError()).isEqualTo(test[1]);
    // The examples as epoch 1 moved them give another training loss.
    int[] identity = new int[data.train().count()];
    Arrays.setAll(identity, i -> i);
    double[] moved = Evaluator.evaluate(net, Nd4j.create(Augmentation.of(spec).features(
        data.train(), identity, 1), new long[] {identity.length, data.train().dim()}, 'c'),
        data.train());
    assertThat(moved[0]).isNotCloseTo(train[0], within(1e-3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"per-task", "parameter-averaging"})
  void aSweepWithAugmentationRecordsTheSameRowsWhenRunAgain(String strategy) {
    SparkSession spark = TestSpark.get();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<RunSpec> runs = runs(strategy, "");
    ResultsStore store = ResultsStore.open(tmp.toString())
        .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId()));
    Sweep.Summary s = new Sweep(sc, store, System.out).run(runs);
    assertThat(s.completed()).isEqualTo(2);

    Dataset<Row> m = spark.read().parquet(tmp.resolve("metrics").toString());
    assertThat(m.filter("augmentation = 2").count()).isEqualTo(2);
    assertThat(m.filter("augmentation = 0").count()).isEqualTo(2);
    assertThat(m.filter("strategy = '" + strategy + "'").count()).isEqualTo(4);
    assertThat(spark.read().parquet(tmp.resolve("runs").toString())
        .filter("augmentation = 2").count()).isEqualTo(1);
    RunSpec augmented = runs.get(1);
    List<Row> rows = m.filter("augmentation = 2").orderBy("epoch")
        .select("train_loss", "train_error", "test_loss", "test_error").collectAsList();
    List<Row> plain = m.filter("augmentation = 0").orderBy("epoch")
        .select("train_loss").collectAsList();
    assertThat(rows.get(1).getDouble(0)).as("augmentation changes what is fitted")
        .isNotEqualTo(plain.get(1).getDouble(0));

    // The same run swept again, into another results root, records the same rows.
    Path again = tmp.resolve("again");
    assertThat(new Sweep(sc, ResultsStore.open(again.toString()), System.out)
        .run(List.of(augmented)).completed()).isEqualTo(1);
    List<Row> second = spark.read().parquet(again.resolve("metrics").toString()).orderBy("epoch")
        .select("train_loss", "train_error", "test_loss", "test_error").collectAsList();
    assertThat(second).containsExactlyElementsOf(rows);
  }
}
