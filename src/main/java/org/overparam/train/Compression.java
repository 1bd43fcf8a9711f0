package org.overparam.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.CompressionConfig;
import org.overparam.data.Examples;

/**
 * Compresses a trained network without retraining and evaluates each variant on the test set:
 * magnitude pruning at each configured sparsity (one threshold over all weight matrices, biases
 * untouched), and optionally 8-bit weights (symmetric, one scale per matrix: q = round(w / s)
 * clamped to [-127, 127] with s = max|w| / 127, then dequantised to q x s), alone and after each
 * pruning. The trained network itself is never modified; each variant is a copy.
 */
public final class Compression {
  public static final String NONE = "none";
  public static final String INT8 = "int8";

  private Compression() {}

  /** {@code r} with its compression results, if its spec asks for them and it completed. */
  public static RunResult appendTo(RunResult r, MultiLayerNetwork net, INDArray xTest,
      Examples test) {
    CompressionConfig c = r.spec().compression();
    if (c == null || r.status() != RunStatus.COMPLETED) {
      return r;
    }
    return r.withCompression(evaluate(net, c, xTest, test));
  }

  /** Every variant of {@code net}: sparsity 0 and each configured one, times each precision. */
  public static List<CompressionResult> evaluate(MultiLayerNetwork net, CompressionConfig c,
      INDArray xTest, Examples test) {
    List<Double> sparsities = new ArrayList<>(List.of(0.0));
    sparsities.addAll(c.sparsities());
    List<String> precisions = c.quantizeInt8() ? List.of(NONE, INT8) : List.of(NONE);
    List<CompressionResult> out = new ArrayList<>();
    float[] sorted = sortedMagnitudes(net); // the same weights for every variant: sorted once
    for (double s : sparsities) {
      for (String q : precisions) {
        long t0 = System.nanoTime();
        MultiLayerNetwork v = net.clone();
        prune(v, s, sorted);
        if (q.equals(INT8)) {
          quantizeInt8(v);
        }
        long[] counts = counts(v);
        double[] e = Evaluator.evaluate(v, xTest, test);
        out.add(new CompressionResult(name(s, q), s, 1.0 - (double) counts[1] / counts[0], q,
            counts[0], counts[1], e[0], e[1], (System.nanoTime() - t0) / 1e9));
      }
    }
    return out;
  }

  static String name(double sparsity, String precision) {
    String prune = sparsity > 0 ? "prune-" + sparsity : "";
    String quant = precision.equals(NONE) ? "" : precision;
    if (prune.isEmpty() && quant.isEmpty()) {
      return "dense";
    }
    return prune.isEmpty() ? quant : quant.isEmpty() ? prune : prune + "+" + quant;
  }

  /**
   * Zeroes the {@code floor(sparsity x W)} weights of smallest magnitude among all W weight
   * entries of {@code net} (ties at the threshold go too), in place.
   */
  public static void prune(MultiLayerNetwork net, double sparsity) {
    prune(net, sparsity, sortedMagnitudes(net));
  }

  /** {@link #prune}, given {@link #sortedMagnitudes} of {@code net}'s weights. */
  static void prune(MultiLayerNetwork net, double sparsity, float[] sorted) {
    int k = (int) Math.floor(sparsity * sorted.length);
    if (k <= 0) {
      return;
    }
    // --- the global threshold: the k-th smallest magnitude over every weight matrix
    float threshold = sorted[k - 1];
    // --- zero every entry at or below it
    for (INDArray w : weights(net)) {
      float[] v = values(w);
      for (int i = 0; i < v.length; i++) {
        if (Math.abs(v[i]) <= threshold) {
          v[i] = 0f;
        }
      }
      w.assign(Nd4j.create(v, w.shape(), 'c'));
    }
  }

  /** The magnitudes of every weight entry of {@code net}, ascending. */
  static float[] sortedMagnitudes(MultiLayerNetwork net) {
    List<INDArray> ws = weights(net);
    float[] all = new float[Math.toIntExact(ws.stream().mapToLong(INDArray::length).sum())];
    int at = 0;
    for (INDArray w : ws) {
      for (float v : values(w)) {
        all[at++] = Math.abs(v);
      }
    }
    Arrays.sort(all);
    return all;
  }

  /** Rounds every weight matrix of {@code net} to 8-bit levels of its own scale, in place. */
  public static void quantizeInt8(MultiLayerNetwork net) {
    for (INDArray w : weights(net)) {
      float[] v = values(w);
      float max = 0f;
      for (float x : v) {
        max = Math.max(max, Math.abs(x));
      }
      if (max == 0f) {
        continue;
      }
      float scale = max / 127f;
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.max(-127, Math.min(127, Math.round(v[i] / scale))) * scale;
      }
      w.assign(Nd4j.create(v, w.shape(), 'c'));
    }
  }

  /**
   * Views of every weight parameter of {@code net}: all parameters except biases and gains.
   * DL4J names weights with an upper-case first letter ({@code W}, an LSTM's {@code RW}) and
   * biases {@code b}; the transformer's layers follow it (weight matrices {@code Wqkv, Wo, W1,
   * W2}, position table {@code W}; LayerNorm gains and biases in lower case).
   */
  public static List<INDArray> weights(MultiLayerNetwork net) {
    List<INDArray> out = new ArrayList<>();
    for (Layer l : net.getLayers()) {
      for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
        if (!e.getKey().equals(DefaultParamInitializer.BIAS_KEY)
            && Character.isUpperCase(e.getKey().charAt(0))) {
          out.add(e.getValue());
        }
      }
    }
    return out;
  }

  /** {weight entries, non-zero weight entries} of {@code net}. */
  public static long[] counts(MultiLayerNetwork net) {
    long total = 0;
    long nonzero = 0;
    for (INDArray w : weights(net)) {
      for (float v : values(w)) {
        total++;
        nonzero += v != 0f ? 1 : 0;
      }
    }
    return new long[] {total, nonzero};
  }

  private static float[] values(INDArray w) {
    return w.dup('c').data().asFloat();
  }
}
