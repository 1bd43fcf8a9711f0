package org.overparam.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.CompressionConfig;
import org.overparam.data.Examples;
import org.overparam.model.Gemm;

/**
 * Compresses a trained network without retraining and evaluates each variant on the test set:
 * magnitude pruning at each configured sparsity (one threshold over all weight matrices, biases
 * untouched), and optionally 8-bit weights (symmetric, one scale per matrix: q = round(w / s)
 * clamped to [-127, 127] with s = max|w| / 127, then dequantised to q x s), alone and after each
 * pruning. The trained network itself is never modified: the variants are written, one after
 * another, into one copy of it.
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

  /**
   * Every variant of {@code net}: sparsity 0 and each configured one, times each precision. The
   * weights are read once and every pruning threshold found in one go; each variant is written
   * from them in one pass into a single copy of the network, which is then evaluated.
   */
  public static List<CompressionResult> evaluate(MultiLayerNetwork net, CompressionConfig c,
      INDArray xTest, Examples test) {
    List<Double> sparsities = new ArrayList<>(List.of(0.0));
    sparsities.addAll(c.sparsities());
    List<String> precisions = c.quantizeInt8() ? List.of(NONE, INT8) : List.of(NONE);
    List<CompressionResult> out = new ArrayList<>();
    MultiLayerNetwork v = net.clone();
    List<INDArray> trained = weights(net);
    List<INDArray> target = weights(v);
    // each matrix's values in the order its copy holds them, if that is one contiguous float
    // block (DL4J's 'f'-order weights), so that a variant is written straight into the copy;
    // else in 'c' order, written through a staging array
    int count = trained.size();
    float[][] original = new float[count][];
    float[][] variant = new float[count][];
    INDArray[] staged = new INDArray[count];
    for (int i = 0; i < count; i++) {
      INDArray t = target.get(i);
      char order = t.dataType() == DataType.FLOAT ? Gemm.layout(t) : 0;
      original[i] = trained.get(i).dup(order == 0 ? 'c' : order).data().asFloat();
      variant[i] = new float[original[i].length];
      staged[i] = order != 0 ? t : Nd4j.create(DataType.FLOAT, t.shape(), 'c');
    }
    long total = Arrays.stream(original).mapToLong(w -> w.length).sum();
    float[] thresholds = thresholds(original, sparsities);
    for (int si = 0; si < sparsities.size(); si++) {
      double s = sparsities.get(si);
      for (String q : precisions) {
        long t0 = System.nanoTime();
        float threshold = thresholds[si];
        boolean int8 = q.equals(INT8);
        long nonzero = 0;
        for (int i = 0; i < original.length; i++) {
          nonzero += compress(original[i], variant[i], threshold, int8);
          if (threshold < 0 && !int8) {
            target.get(i).assign(trained.get(i)); // unchanged, in the network's own type
          } else {
            new FloatPointer(staged[i].data().addressPointer()).put(variant[i]);
            if (staged[i] != target.get(i)) {
              target.get(i).assign(staged[i]);
            }
          }
        }
        double[] e = Evaluator.evaluate(v, xTest, test);
        out.add(new CompressionResult(name(s, q), s, 1.0 - (double) nonzero / total, q, total,
            nonzero, e[0], e[1], (System.nanoTime() - t0) / 1e9));
      }
    }
    return out;
  }

  /**
   * The pruning threshold of each sparsity s over all entries of {@code weights} (W of them):
   * the k-th smallest magnitude, k = {@code floor(s W)}, as a sort of all W magnitudes would
   * place it; -1, which no magnitude is at or below, where k is 0. Without sorting: the bits of
   * a float with its sign cleared order as its magnitude does (NaNs last, as a sort puts them),
   * so one pass counts the entries by their top 16 bits and only the few buckets that hold an
   * asked rank are gathered and sorted.
   */
  static float[] thresholds(float[][] weights, List<Double> sparsities) {
    long total = Arrays.stream(weights).mapToLong(w -> w.length).sum();
    int[] counts = new int[1 << 16];
    for (float[] w : weights) {
      for (float x : w) {
        counts[magnitudeBits(x) >>> 15]++;
      }
    }
    // the bucket of each rank asked, and the rank within it
    float[] out = new float[sparsities.size()];
    int[] bucketOf = new int[out.length];
    long[] rankIn = new long[out.length];
    int[] gathered = new int[counts.length];
    Arrays.fill(gathered, -1);
    List<int[]> buckets = new ArrayList<>();
    for (int i = 0; i < out.length; i++) {
      long k = (long) Math.floor(sparsities.get(i) * total);
      out[i] = -1f;
      bucketOf[i] = -1;
      if (k <= 0) {
        continue;
      }
      long below = 0;
      int b = 0;
      while (below + counts[b] < k) {
        below += counts[b++];
      }
      bucketOf[i] = b;
      rankIn[i] = k - below;
      if (gathered[b] < 0) {
        gathered[b] = buckets.size();
        buckets.add(new int[counts[b]]);
      }
    }
    int[] filled = new int[buckets.size()];
    for (float[] w : weights) {
      for (float x : w) {
        int bits = magnitudeBits(x);
        int g = gathered[bits >>> 15];
        if (g >= 0) {
          buckets.get(g)[filled[g]++] = bits;
        }
      }
    }
    buckets.forEach(Arrays::sort);
    for (int i = 0; i < out.length; i++) {
      if (bucketOf[i] >= 0) {
        out[i] = Float.intBitsToFloat(buckets.get(gathered[bucketOf[i]])[(int) rankIn[i] - 1]);
      }
    }
    return out;
  }

  /** {@code |x|} as its bits: non-negative, ordered as the magnitudes are. */
  private static int magnitudeBits(float x) {
    return Float.floatToRawIntBits(x) & 0x7fffffff;
  }

  /**
   * One weight matrix's variant, written to {@code out}: every entry of magnitude at or below
   * {@code threshold} zeroed, then, for {@code int8}, each rounded to 8-bit levels of the
   * matrix's own scale (q = round(w / s) clamped to [-127, 127], s = max|w| / 127, written back
   * as q s; a matrix of zeros stays as it is). Returns the entries left non-zero.
   */
  static long compress(float[] w, float[] out, float threshold, boolean int8) {
    float max = 0f;
    for (int i = 0; i < w.length; i++) {
      float x = Math.abs(w[i]) <= threshold ? 0f : w[i];
      out[i] = x;
      max = Math.max(max, Math.abs(x));
    }
    if (int8 && max != 0f) {
      float scale = max / 127f;
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.max(-127, Math.min(127, Math.round(out[i] / scale))) * scale;
      }
    }
    long nonzero = 0;
    for (float x : out) {
      nonzero += x != 0f ? 1 : 0;
    }
    return nonzero;
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
    List<INDArray> ws = weights(net);
    float[][] values = new float[ws.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = values(ws.get(i));
    }
    float threshold = thresholds(values, List.of(sparsity))[0];
    if (threshold < 0) {
      return; // nothing to prune
    }
    for (int i = 0; i < values.length; i++) {
      compress(values[i], values[i], threshold, false);
      ws.get(i).assign(Nd4j.create(values[i], ws.get(i).shape(), 'c'));
    }
  }

  /** Rounds every weight matrix of {@code net} to 8-bit levels of its own scale, in place. */
  public static void quantizeInt8(MultiLayerNetwork net) {
    for (INDArray w : weights(net)) {
      float[] v = values(w);
      compress(v, v, -1f, true);
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
