package org.overparam.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * DL4J's softmax output layer with the cross-entropy loss, one softmax a training step.
 *
 * <p>A training step of DL4J 1.0.0-M2's {@code MultiLayerNetwork} asks its output layer twice
 * for the same numbers: {@code backpropGradient} computes {@code z = x W + b}, the softmax
 * {@code p} and the gradient {@code p - q}, then {@code computeScore} computes {@code z} and
 * {@code p} again for the loss {@code -sum q log p}; each time as a chain of small ND4J ops
 * over the {@code [minibatch, classes]} outputs (a copy, the softmax, two clipping passes, a
 * log, a product, a sum; a subtraction, a column sum). For a small model that is a third of
 * the step. Here the backward pass computes {@code z} once and takes the softmax, the loss and
 * both gradients of the logits in one pass over its rows in double precision; the score is
 * the loss it kept. Same numbers as DL4J's layer: the softmax clipped to {@code [eps, 1 - eps]}
 * for the loss only ({@code LossMCXENT}'s {@code softmaxClipEps}), the gradient unclipped,
 * the loss summed over the minibatch and divided by its size.
 *
 * <p>Anything else (dropout, weight noise, masks, class weights, another loss or activation,
 * a score asked for without that backward pass) takes DL4J's own path.
 */
public class SoftmaxOutputLayer extends OutputLayer {
  /** The loss of the last short backward pass, summed over its rows, and what it was of. */
  private double loss;
  private INDArray lossOf;
  private INDArray lossLabels;
  /** Backward passes that took the short path, and scores taken from them (for tests). */
  private long shortBackwards;
  private long keptScores;

  public SoftmaxOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
      LayerWorkspaceMgr mgr) {
    INDArray z = Affine.forwardIfPlain(layerConf(), hasLayerNorm(), hasBias(), maskArray, input,
        params, mgr);
    return z != null ? new Pair<>(z, z) : super.preOutputWithPreNorm(training, forBackprop, mgr);
  }

  private LossMCXENT plainLoss() {
    return layerConf().getLossFn() instanceof LossMCXENT l && l.getClass() == LossMCXENT.class
        && l.getWeights() == null && layerConf().getActivationFn() instanceof ActivationSoftmax
        ? l : null;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    lossOf = null;
    LossMCXENT lossFn = plainLoss();
    INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
    if (lossFn == null || labels == null
        || !Affine.plain(layerConf(), hasLayerNorm(), hasBias(), maskArray, input, w)
        || labels.rank() != 2 || labels.size(0) != input.size(0)
        || labels.size(1) != w.size(1)) {
      return super.backpropGradient(epsilon, mgr); // and DL4J's errors for wrong shapes
    }
    shortBackwards++;
    INDArray z = preOutput2d(true, mgr);
    int n = (int) z.size(0);
    int k = (int) z.size(1);
    double[] zs = rowMajor(z);
    double[] q = rowMajor(labels);
    double[] bias = new double[k];
    double sum = lossAndDelta(zs, 0, n, k, q, null, 0, lossFn.getSoftmaxClipEps(), bias, 0);
    INDArray delta = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {n,
        k}, 'c');
    delta.data().setData(zs);

    // dL/dW = x^T delta and dL/db = the column sums of delta, into the gradient views
    Gradient ret = new DefaultGradient();
    INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
    Gemm.product(input, delta, weightGrad, true, false);
    ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
    INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
    for (int c = 0; c < k; c++) {
      biasGrad.putScalar(c, bias[c]);
    }
    ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);

    // dL/dx = delta W^T, as DL4J computes it
    INDArray epsNext = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
        new long[] {w.size(0), n}, 'f');
    Gemm.product(w, delta, epsNext, false, true);
    epsNext = epsNext.transpose();

    loss = sum;
    lossOf = input;
    lossLabels = labels;
    return new Pair<>(ret, epsNext);
  }

  @Override
  public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr mgr) {
    if (!training || lossOf == null || lossOf != input || lossLabels != labels) {
      lossOf = null;
      return super.computeScore(fullNetRegTerm, training, mgr);
    }
    keptScores++;
    lossOf = null;
    score = (conf().isMiniBatch() ? loss / getInputMiniBatchSize() : loss) + fullNetRegTerm;
    return score;
  }

  /**
   * The softmax cross-entropy of {@code rows} rows of {@code k} logits, {@code z[zOff + r k +
   * c]}, in one pass a row: p = softmax(z) (the largest logit subtracted), the loss {@code -sum q
   * log(clip(p))} summed over the rows and returned, z overwritten by the logits' gradient
   * {@code p - q}, which is also added to {@code bias[bOff + c]} (the bias gradient). Row r's
   * targets are row {@code rowOf[from + r]} of {@code q} ({@code [?, k]}, row-major), or row r
   * when {@code rowOf} is null. {@code clip}: {@code LossMCXENT}'s softmaxClipEps, for the loss
   * only.
   */
  static double lossAndDelta(double[] z, int zOff, int rows, int k, double[] q, int[] rowOf,
      int from, double clip, double[] bias, int bOff) {
    double sum = 0;
    for (int r = 0, o = zOff; r < rows; r++, o += k) {
      int t = (rowOf == null ? r : rowOf[from + r]) * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, z[o + c]);
      }
      double total = 0;
      for (int c = 0; c < k; c++) {
        z[o + c] = Math.exp(z[o + c] - max);
        total += z[o + c];
      }
      for (int c = 0; c < k; c++) {
        double p = z[o + c] / total;
        double qc = q[t + c];
        if (qc != 0) {
          sum -= qc * Math.log(clip > 0 ? Math.min(Math.max(p, clip), 1 - clip) : p);
        }
        z[o + c] = p - qc;
        bias[bOff + c] += z[o + c];
      }
    }
    return sum;
  }

  /** The values of a 2-d array, row after row. */
  private static double[] rowMajor(INDArray a) {
    INDArray c = a.ordering() == 'c' && !a.isView() && a.data().length() == a.length() ? a
        : a.dup('c');
    return c.data().asDouble();
  }

  long shortBackwards() {
    return shortBackwards;
  }

  long keptScores() {
    return keptScores;
  }

  @Override
  public void clear() {
    super.clear();
    lossOf = null;
    lossLabels = null;
  }
}
