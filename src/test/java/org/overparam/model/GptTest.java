package org.overparam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.overparam.config.OptimizerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;

/** The transformer family on random token windows: shapes, counts, causality, gradients. */
class GptTest {
  static RunSpec spec(int depth, int width, int heads, int context, double dropout) {
    return Grid.runs(ExperimentFile.parse("""
        name: g
        dataset: {kind: text, context: %d}
        train_sizes: [%d]
        model: {family: gpt, depths: [%d], widths: [%d], heads: %d}
        optimizer: {kind: adam, learning_rate: 0.01, batch_size: 4}
        dropout: [%s]
        epochs: 1
        """.formatted(context, 64 * context, depth, width, heads, dropout), "g.yaml")).get(0);
  }

  @Test
  void aReferenceWidthGivesWiderModelsProportionallySmallerAdamSteps() {
    RunSpec s = spec(1, 32, 4, 8, 0.0);
    RunSpec scaled = new RunSpec(s.experiment(), s.dataset(), s.family(), s.depth(), s.width(),
        s.embedding(), s.heads(), s.trainSize(), s.labelNoise(), s.weightDecay(), s.dropout(),
        s.seed(), new OptimizerConfig("adam", 0.01, null, 4, 8), s.epochs(), s.evalEvery(),
        s.checkpointEvery(), s.strategy(), s.compression());
    for (var layer : Models.build(scaled, 8, 11).getLayers()) {
      assertThat(((Adam) layer.conf().getLayer().getUpdaterByParam(
          layer.paramTable().keySet().iterator().next())).getLearningRate())
          .isEqualTo(0.01 * 8 / 32);
    }
  }

  /** {@code rows x context} token indices drawn uniformly from {@code vocabulary}. */
  static INDArray tokens(int rows, int context, int vocabulary, long seed, DataType type) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] t = new double[rows * context];
    for (int i = 0; i < t.length; i++) {
      t[i] = r.nextInt(vocabulary);
    }
    return Nd4j.create(t, new long[] {rows, context}, type);
  }

  /** The next-token labels of {@code x}'s windows, {@code [rows, context, 1]}: random here. */
  static INDArray labels(int rows, int context, int vocabulary, long seed, DataType type) {
    return tokens(rows, context, vocabulary, seed, type).reshape('c', rows, context, 1);
  }

  @ParameterizedTest(name = "depth {0} width {1} heads {2} context {3} vocabulary {4}")
  @CsvSource({"1, 8, 2, 5, 7", "2, 32, 4, 16, 63", "3, 12, 3, 1, 256"})
  void countsEveryParameterDl4jHasAndPredictsEveryPosition(int depth, int width, int heads,
      int context, int vocabulary) {
    RunSpec s = spec(depth, width, heads, context, 0.0);
    MultiLayerNetwork net = Models.build(s, context, vocabulary);
    assertThat(Models.params(s, context, vocabulary)).isEqualTo(net.numParams());
    long tables = (long) vocabulary * width + (long) context * width;
    assertThat(Models.nonEmbeddingParams(net)).isEqualTo(net.numParams() - tables)
        .isEqualTo(Gpt.nonEmbeddingParams(context, vocabulary, depth, width))
        .isEqualTo(depth * (12L * width * width + 13L * width) + 2L * width
            + (long) width * vocabulary + vocabulary);
    assertThat(Models.trainingFlopsPerExample(s, context, vocabulary))
        .isEqualTo(6 * Models.nonEmbeddingParams(net) + 12L * depth * context * width);

    INDArray p = net.output(tokens(3, context, vocabulary, 1, DataType.FLOAT));
    assertThat(p.shape()).containsExactly(3, context, vocabulary);
    INDArray sums = p.sum(2);
    for (double v : sums.data().asDouble()) {
      assertThat(v).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void changingALaterTokenLeavesEveryEarlierPositionBitIdentical() {
    int context = 12;
    int vocabulary = 20;
    MultiLayerNetwork net = Models.build(spec(2, 16, 4, context, 0.0), context, vocabulary);
    INDArray x = tokens(2, context, vocabulary, 3, DataType.FLOAT);
    float[] before = net.output(x).dup('c').data().asFloat();
    for (int t = 0; t < context - 1; t++) {
      INDArray changed = x.dup();
      for (int row = 0; row < 2; row++) {
        changed.putScalar(row, t + 1, (x.getInt(row, t + 1) + 7) % vocabulary);
      }
      float[] after = net.output(changed).dup('c').data().asFloat();
      boolean laterMoved = false;
      for (int row = 0; row < 2; row++) {
        for (int pos = 0; pos < context; pos++) {
          for (int c = 0; c < vocabulary; c++) {
            int i = (row * context + pos) * vocabulary + c;
            if (pos <= t) {
              assertThat(Float.floatToIntBits(after[i])).as("position %d after changing %d",
                  pos, t + 1).isEqualTo(Float.floatToIntBits(before[i]));
            } else if (after[i] != before[i]) {
              laterMoved = true;
            }
          }
        }
      }
      assertThat(laterMoved).as("the changed token reaches position %d on", t + 1).isTrue();
    }
  }

  @Test
  void lossAtInitialisationIsThatOfAUniformGuess() {
    int context = 16;
    for (int vocabulary : new int[] {63, 256}) {
      MultiLayerNetwork net = Models.build(spec(2, 32, 4, context, 0.0), context, vocabulary);
      // DL4J's score of a sequence output sums over positions; per token it is / context.
      double loss = net.score(new DataSet(tokens(8, context, vocabulary, 5, DataType.FLOAT),
          labels(8, context, vocabulary, 6, DataType.FLOAT))) / context;
      assertThat(loss).as("vocabulary %d", vocabulary)
          .isCloseTo(Math.log(vocabulary), within(0.02 * Math.log(vocabulary)));
    }
  }

  @Test
  void aFewStepsOfTrainingLowerTheLoss() {
    int context = 8;
    int vocabulary = 11;
    MultiLayerNetwork net = Models.build(spec(1, 16, 2, context, 0.1), context, vocabulary);
    // A learnable rule: each token is the one before it plus 1 (mod vocabulary).
    INDArray x = tokens(16, context, vocabulary, 9, DataType.FLOAT);
    for (int r = 0; r < 16; r++) {
      for (int t = 1; t < context; t++) {
        x.putScalar(r, t, (x.getInt(r, t - 1) + 1) % vocabulary);
      }
    }
    INDArray y = x.add(1).fmodi(vocabulary).reshape('c', 16, context, 1);
    DataSet d = new DataSet(x, y);
    double first = net.score(d);
    for (int step = 0; step < 30; step++) {
      net.fit(d);
    }
    assertThat(net.score(d)).isLessThan(0.5 * first);
  }

  @Test
  void gradientsMatchFiniteDifferencesInDoublePrecision() {
    DataType was = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      int context = 4;
      int vocabulary = 5;
      MultiLayerConfiguration conf = Gpt.configuration(spec(1, 4, 2, context, 0.0), context,
          vocabulary, DataType.DOUBLE, new NoOp());
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      // Parameters off their initial values (LayerNorm gains 1, biases 0, small weights) so
      // that every path carries a gradient of some size.
      Nd4j.getRandom().setSeed(7);
      net.params().addi(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5));
      INDArray x = tokens(3, context, vocabulary, 11, DataType.DOUBLE);
      INDArray y = labels(3, context, vocabulary, 12, DataType.DOUBLE);
      Map<String, Double> worst = maxRelativeErrors(net, new DataSet(x, y));
      double max = worst.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      System.out.printf("gpt gradient check: max relative error %.3g over %d parameters %s%n",
          max, net.numParams(), worst);
      // Measured: 3.6e-6 in the block, 1e-7 or less elsewhere.
      assertThat(max).as(worst.toString()).isLessThan(1e-4);
      assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
          .input(x).labels(y).epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-9)
          .subset(true).maxPerParam(3))).isTrue();
    } finally {
      Nd4j.setDefaultDataTypes(was, was);
    }
  }

  /**
   * Per layer, the largest relative error of backprop's gradient against central differences
   * over every other one of its parameters, pairs both under 1e-9 skipped.
   */
  static Map<String, Double> maxRelativeErrors(MultiLayerNetwork net, DataSet d) {
    net.setInput(d.getFeatures());
    net.setLabels(d.getLabels());
    net.computeGradientAndScore();
    // DL4J's score is a minibatch mean, its raw gradient a sum (the updater divides).
    double[] analytic = net.gradient().gradient().dup().data().asDouble();
    INDArray params = net.params();
    Map<String, Double> out = new java.util.TreeMap<>();
    double eps = 1e-6;
    long at = 0;
    for (int l = 0; l < net.getnLayers(); l++) {
      String key = l + " " + net.getLayer(l).conf().getLayer().getClass().getSimpleName();
      double worst = 0;
      for (long i = at; i < at + net.getLayer(l).numParams(); i += 2) { // half: time
        double orig = params.getDouble(i);
        params.putScalar(i, orig + eps);
        double plus = net.score(d);
        params.putScalar(i, orig - eps);
        double minus = net.score(d);
        params.putScalar(i, orig);
        double numeric = (plus - minus) / (2 * eps);
        double a = analytic[(int) i] / d.numExamples();
        if (Math.abs(a) < 1e-9 && Math.abs(numeric) < 1e-9) {
          continue;
        }
        worst = Math.max(worst, Math.abs(a - numeric) / (Math.abs(a) + Math.abs(numeric)));
      }
      at += net.getLayer(l).numParams();
      out.put(key, worst);
    }
    return out;
  }

  @Test
  void configurationAndCheckpointRoundTripToTheSameNetwork() throws Exception {
    int context = 6;
    int vocabulary = 9;
    MultiLayerNetwork net = Models.build(spec(2, 8, 2, context, 0.2), context, vocabulary);
    String json = net.getLayerWiseConfigurations().toJson();
    assertThat(json).contains("\"heads\" : 2").contains("\"dropout\" : 0.2")
        .contains(GptBlock.class.getName()).contains(PositionEmbedding.class.getName());
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
    assertThat(back.toJson()).isEqualTo(json);
    GptBlock block = (GptBlock) back.getConf(2).getLayer();
    assertThat(block.getHeads()).isEqualTo(2);
    assertThat(block.getWidth()).isEqualTo(8);
    assertThat(block.getContext()).isEqualTo(context);
    assertThat(block.getDropout()).isEqualTo(0.2);

    // One step of Adam so the optimiser state is not zero, then save and restore it.
    INDArray x = tokens(4, context, vocabulary, 13, DataType.FLOAT);
    DataSet d = new DataSet(x, labels(4, context, vocabulary, 14, DataType.FLOAT));
    net.fit(d);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(bytes.toByteArray()), true);
    assertThat(restored.params()).isEqualTo(net.params());
    assertThat(restored.getUpdater().getStateViewArray())
        .isEqualTo(net.getUpdater().getStateViewArray());
    assertThat(restored.output(x)).isEqualTo(net.output(x));
    // Both continue to the same parameters (dropout masks from the same seeded generator).
    Nd4j.getRandom().setSeed(42);
    net.fit(d);
    Nd4j.getRandom().setSeed(42);
    restored.fit(d);
    assertThat(restored.params()).isEqualTo(net.params());
  }

  @Test
  void dropoutActsInTrainingOnly() {
    int context = 6;
    int vocabulary = 9;
    MultiLayerNetwork net = Models.build(spec(1, 8, 2, context, 0.5), context, vocabulary);
    INDArray x = tokens(4, context, vocabulary, 15, DataType.FLOAT);
    INDArray inference = net.output(x, false);
    assertThat(net.output(x, false)).isEqualTo(inference);
    INDArray training = net.output(x, true);
    assertThat(training).isNotEqualTo(inference);
    assertThat(net.output(x, false)).isEqualTo(inference);
    Map<String, INDArray> block = net.getLayer(2).paramTable();
    assertThat(block.keySet()).containsExactlyInAnyOrder("ln1g", "ln1b", "Wqkv", "bqkv", "Wo",
        "bo", "ln2g", "ln2b", "W1", "b1", "W2", "b2");
  }
}
