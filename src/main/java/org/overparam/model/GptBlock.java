package org.overparam.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One pre-LayerNorm transformer block on {@code [batch, context, width]}:
 * {@code x + Drop(Attn(LN1(x)))}, then {@code h + Drop(Mlp(LN2(h)))}, where Attn is causal
 * multi-head self-attention (a fused query/key/value projection, {@code heads} heads of
 * {@code width / heads} dimensions, scores scaled by {@code 1 / sqrt(width / heads)}, position t
 * attending to positions {@code <= t} only, an output projection) and Mlp a {@code 4 x width}
 * GELU layer (GPT-2's tanh form of GELU) and its projection back. Drop is residual dropout, in
 * training only. Forward and backward passes are written out in {@link Impl}.
 *
 * <p>The causal mask adds {@code -1e9} to the scores of later positions before the softmax,
 * which makes their weights exactly 0 in single and double precision: what a position outputs
 * does not depend, bit for bit, on the tokens after it.
 *
 * <p>Initialisation (GPT-2's): weights N(0, 0.02^2), the two projections into the residual
 * stream N(0, (0.02 / sqrt(2 x depth))^2), biases 0, LayerNorm gains 1. Parameter names start
 * with an upper-case letter for weight matrices ({@code Wqkv, Wo, W1, W2}) and a lower-case one
 * for vectors (biases and LayerNorm gains), which are neither weight-decayed nor pruned; none has
 * an underscore, which DL4J's updater reads as the end of the layer's name.
 */
public class GptBlock extends TokenLayer {
  static final double INIT_STD = 0.02;
  /** Added to the attention scores of positions a query may not see. */
  static final double MASKED = -1e9;

  private int heads;
  private int depth;

  /** For DL4J's JSON configuration reader. */
  public GptBlock() {}

  /**
   * @param width model width
   * @param heads attention heads, a divisor of {@code width}
   * @param context tokens per window
   * @param depth blocks in the model (scales the initialisation of the residual projections)
   * @param dropout residual dropout probability
   */
  public GptBlock(int width, int heads, int context, int depth, double dropout) {
    super(width, context, dropout);
    if (width % heads != 0) {
      throw new IllegalArgumentException("width " + width + " is not a multiple of " + heads
          + " heads");
    }
    this.heads = heads;
    this.depth = depth;
  }

  public int getHeads() {
    return heads;
  }

  public int getDepth() {
    return depth;
  }

  /** Parameters of one block of width {@code d}: {@code 12 d^2 + 13 d}. */
  public static long params(long d) {
    return 2 * (2 * d)          // two LayerNorms, gain and bias
        + d * 3 * d + 3 * d     // query, key, value
        + d * d + d             // attention output
        + d * 4 * d + 4 * d     // MLP in
        + 4 * d * d + d;        // MLP out
  }

  @Override
  public void defineParameters(SDLayerParams p) {
    long d = width;
    p.addBiasParam("ln1g", d);
    p.addBiasParam("ln1b", d);
    p.addWeightParam("Wqkv", d, 3 * d);
    p.addBiasParam("bqkv", 3 * d);
    p.addWeightParam("Wo", d, d);
    p.addBiasParam("bo", d);
    p.addBiasParam("ln2g", d);
    p.addBiasParam("ln2b", d);
    p.addWeightParam("W1", d, 4 * d);
    p.addBiasParam("b1", 4 * d);
    p.addWeightParam("W2", 4 * d, d);
    p.addBiasParam("b2", d);
  }

  @Override
  public void initializeParameters(Map<String, INDArray> params) {
    double residual = INIT_STD / Math.sqrt(2.0 * depth);
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      switch (e.getKey()) {
        case "Wqkv", "W1" -> normal(e.getValue(), INIT_STD);
        case "Wo", "W2" -> normal(e.getValue(), residual);
        case "ln1g", "ln2g" -> e.getValue().assign(1);
        default -> e.getValue().assign(0);
      }
    }
  }

  @Override
  TokenLayerImpl impl(NeuralNetConfiguration conf, DataType dataType) {
    return new Impl(conf, dataType);
  }

  /** The block's forward and backward passes; see the class comment for what they compute. */
  private final class Impl extends TokenLayerImpl {
    private final double scale = 1.0 / Math.sqrt((double) width / heads);
    private INDArray causal;
    // kept by forward for backward
    private long batch;
    private Norm norm1;
    private Norm norm2;
    private INDArray a1;
    private INDArray q;
    private INDArray k;
    private INDArray v;
    private INDArray probs;
    private INDArray merged;
    private INDArray a2;
    private INDArray hidden;
    private INDArray sigmoid;
    private INDArray gelu;
    private INDArray maskAttn;
    private INDArray maskMlp;

    Impl(NeuralNetConfiguration conf, DataType dataType) {
      super(conf, dataType);
    }

    private INDArray p(String name) {
      return paramTable.get(name);
    }

    @Override
    INDArray forward(INDArray x, boolean training) {
      batch = x.size(0);
      long n = batch * context;
      INDArray rows = x.reshape(n, width);
      // --- causal self-attention
      norm1 = normalise(rows);
      a1 = affine(norm1, row(p("ln1g")), row(p("ln1b")));
      INDArray qkv = mm(a1, false, p("Wqkv"), false).addiRowVector(row(p("bqkv")));       // [n, 3d]
      INDArray perHead = heads(qkv);                                         // [3, B*h, T, hd]
      q = part(perHead, 0);
      k = part(perHead, 1);
      v = part(perHead, 2);
      INDArray scores = Nd4j.matmul(q, k, false, true, false).muli(scale)    // [B*h, T, T]
          .addi(causalMask(scores(q)));
      probs = Nd4j.exec(new SoftMax(scores, scores, 2))[0];
      merged = merge(Nd4j.matmul(probs, v));                                 // [n, d]
      INDArray attn = mm(merged, false, p("Wo"), false).addiRowVector(row(p("bo")));
      maskAttn = mask(attn, dropout, training);
      INDArray x1 = rows.add(maskAttn == null ? attn : attn.muli(maskAttn));
      // --- MLP
      norm2 = normalise(x1);
      a2 = affine(norm2, row(p("ln2g")), row(p("ln2b")));
      hidden = mm(a2, false, p("W1"), false).addiRowVector(row(p("b1")));   // [n, 4d]
      // GELU, tanh form: 0.5 h (1 + tanh(u)), u = c (h + 0.044715 h^3), computed as
      // h sigmoid(2u), the same function: ND4J's sigmoid costs 0.4x its tanh
      sigmoid = Transforms.sigmoid(hidden.mul(hidden).muli(GELU_CUBIC).addi(1).muli(hidden)
          .muli(2 * GELU_C), false);
      gelu = sigmoid.mul(hidden);
      INDArray out = mm(gelu, false, p("W2"), false).addiRowVector(row(p("b2")));
      maskMlp = mask(out, dropout, training);
      return x1.addi(maskMlp == null ? out : out.muli(maskMlp)).reshape(batch, context, width);
    }

    @Override
    INDArray backward(INDArray dy) {
      long n = batch * context;
      INDArray dx1 = dy.reshape(n, width);
      // --- MLP
      INDArray dOut = maskMlp == null ? dx1 : dx1.mul(maskMlp);
      mmInto(gelu, true, dOut, false, gradTable.get("W2"));
      columnSums(dOut, gradTable.get("b2"));
      INDArray dGelu = mm(dOut, false, p("W2"), true);
      // d gelu / dh = s + 2c h s (1 - s) (1 + 3 x 0.044715 h^2), s = sigmoid(2u)
      INDArray slope = sigmoid.rsub(1).muli(sigmoid).muli(hidden)
          .muli(hidden.mul(hidden).muli(3 * GELU_CUBIC).addi(1)).muli(2 * GELU_C)
          .addi(sigmoid);
      INDArray dHidden = dGelu.muli(slope);
      mmInto(a2, true, dHidden, false, gradTable.get("W1"));
      columnSums(dHidden, gradTable.get("b1"));
      INDArray dA2 = mm(dHidden, false, p("W1"), true);
      dx1 = dx1.add(normaliseBackward(norm2, row(p("ln2g")), dA2, gradTable.get("ln2g"),
          gradTable.get("ln2b")));
      // --- attention
      INDArray dAttn = maskAttn == null ? dx1 : dx1.mul(maskAttn);
      mmInto(merged, true, dAttn, false, gradTable.get("Wo"));
      columnSums(dAttn, gradTable.get("bo"));
      INDArray dHeads = split(mm(dAttn, false, p("Wo"), true));              // [B*h, T, hd]
      INDArray dProbs = Nd4j.matmul(dHeads, v, false, true, false);          // [B*h, T, T]
      // the query, key and value gradients, written where one copy makes [n, 3d] of them
      INDArray dPerHead = Nd4j.createUninitialized(dataType, 3, scores(q), context,
          width / heads);                                                     // [3, B*h, T, hd]
      Nd4j.matmul(probs, dHeads, part(dPerHead, 2), true, false, false);
      // softmax: dS = P * (dP - sum(dP * P)) over the keys, then the scale
      INDArray dScores = dProbs.subi(dProbs.mul(probs).sum(true, 2)).muli(probs).muli(scale);
      Nd4j.matmul(dScores, k, part(dPerHead, 0), false, false, false);
      Nd4j.matmul(dScores, q, part(dPerHead, 1), true, false, false);
      INDArray dQkv = mergeHeads(dPerHead);                                  // [n, 3d]
      mmInto(a1, true, dQkv, false, gradTable.get("Wqkv"));
      columnSums(dQkv, gradTable.get("bqkv"));
      INDArray dA1 = mm(dQkv, false, p("Wqkv"), true);
      return dx1.addi(normaliseBackward(norm1, row(p("ln1g")), dA1, gradTable.get("ln1g"),
          gradTable.get("ln1b"))).reshape(batch, context, width);
    }

    /**
     * {@code [n, 3d]} (query, key and value of every position) as {@code [3, B*h, T, hd]}: each
     * head's rows of each window, in one copy.
     */
    private INDArray heads(INDArray qkv) {
      long hd = width / heads;
      return qkv.reshape(batch, context, 3, heads, hd).permute(2, 0, 3, 1, 4).dup('c')
          .reshape(3, batch * heads, context, hd);
    }

    /** {@code [3, B*h, T, hd]}'s part {@code i} (0 query, 1 key, 2 value): a view. */
    private INDArray part(INDArray perHead, int i) {
      return perHead.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(),
          NDArrayIndex.all());
    }

    /** {@link #heads}'s inverse: {@code [3, B*h, T, hd]} back to {@code [n, 3d]}, one copy. */
    private INDArray mergeHeads(INDArray perHead) {
      long hd = width / heads;
      return perHead.reshape(3, batch, heads, context, hd).permute(1, 3, 0, 2, 4).dup('c')
          .reshape(batch * context, 3L * width);
    }

    /** {@code [n, d]} as {@code [B*h, T, hd]}: each head's rows of each window. */
    private INDArray split(INDArray rows) {
      long hd = width / heads;
      return rows.reshape(batch, context, heads, hd).permute(0, 2, 1, 3).dup('c')
          .reshape(batch * heads, context, hd);
    }

    /** {@code [B*h, T, hd]} back to {@code [n, d]}. */
    private INDArray merge(INDArray perHead) {
      long hd = width / heads;
      return perHead.reshape(batch, heads, context, hd).permute(0, 2, 1, 3).dup('c')
          .reshape(batch * context, width);
    }

    private long scores(INDArray q) {
      return q.size(0);
    }

    /** The causal mask broadcast over {@code groups} heads x windows: {@code [groups, T, T]}. */
    private INDArray causalMask(long groups) {
      if (causal == null || causal.size(0) != groups || causal.dataType() != dataType) {
        INDArray one = causalPattern(dataType);
        causal = Nd4j.createUninitializedDetached(dataType, groups, context, context);
        for (long g = 0; g < groups; g++) {
          causal.get(NDArrayIndex.point(g), NDArrayIndex.all(), NDArrayIndex.all()).assign(one);
        }
      }
      return causal;
    }
  }

  static final double GELU_C = Math.sqrt(2 / Math.PI);
  static final double GELU_CUBIC = 0.044715;

  /** {@code [T, T]}: 0 where key position {@code <=} query position, {@link #MASKED} after. */
  private INDArray causalPattern(DataType type) {
    double[] m = new double[context * context];
    for (int q = 0; q < context; q++) {
      for (int k = q + 1; k < context; k++) {
        m[q * context + k] = MASKED;
      }
    }
    return Nd4j.create(m, new long[] {context, context}, type);
  }
}
