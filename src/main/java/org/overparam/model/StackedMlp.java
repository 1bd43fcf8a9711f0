package org.overparam.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.overparam.config.RunSpec;

/**
 * Several MLPs of one shape trained together, one minibatch step for all of them at a time:
 * the members of a stack differ in initialisation, data order, labels, learning rate and weight
 * decay, never in shape. Each member is a network {@link Mlp#build} made ({@link ReluDenseLayer}s,
 * a {@link SoftmaxOutputLayer}, {@link JavaAdam}, optional weight decay); the stack takes its
 * parameters, Adam state and step count from those networks ({@link #of}) and gives them back
 * ({@link #copyInto}), so evaluation, checkpoints and compression see ordinary networks.
 *
 * <p>A step computes what {@code MultiLayerNetwork.fit} computes for each member, in the same
 * order of operations as those layers and DL4J 1.0.0-M2's updater (the gradient summed over the
 * minibatch, divided by its size, Adam, then weight decay {@code += lr * coeff * W}, then
 * {@code params -= update}), without DL4J's per-fit machinery (workspaces, listeners, the
 * layer-by-layer gradient maps, one set of small ops per member). Layout, K members:
 *
 * <pre>
 *   params, grads   [K, P]   row k = member k's parameters in DL4J's flattened order
 *                            (per layer W, column-major [in, out], then b)
 *   state           [K, 2P]  row k = member k's Adam m, then v (DL4J's single updater block)
 *   z[i]            [K, r, units]  layer i's activations for r rows; the last is the logits,
 *                            overwritten by dL/dz
 *   per member:     z[i] = a[i-1] W[i] and the two products of the backward pass, one BLAS GEMM
 *                   each ({@link Gemm}); + b, ReLU, ReLU' and bias gradients, in float as
 *                   Java passes over each live member's rows, in double as one ND4J op each
 *                   across the stack; then per member in float one pass of / r, Adam, decay
 *                   and params - update ({@link JavaAdam#step}), in double DL4J's ops
 * </pre>
 *
 * Equal to each member trained alone within float rounding: 1e-6 a step in float
 * (StackedMlpTest), 1e-9 over four epochs in double (StackedTrainingTest).
 */
public final class StackedMlp {
  private final int size;
  private final int depth;
  private final int[] units; // units[0] = inputs, then each layer's outputs
  private final long params;
  private final DataType type;
  private final long[] wOffset;
  private final long[] bOffset;
  private final INDArray p;
  private final INDArray g;
  private final INDArray state;
  private final INDArray[][] w; // [member][layer] views of p, [in, out] column-major
  private final INDArray[][] gw; // the same of g
  private final INDArray[] pb; // [layer] views [K, out] of p's biases
  private final INDArray[] gb;
  private final INDArray[] pRow;
  private final INDArray[] gRow;
  private final INDArray[] stateRow; // [1, 2P] views of state
  private final GradientUpdater[] updater;
  private final IUpdater[] config;
  private final double[][][] weightDecay; // [member][layer] coefficients, applied in order
  private final int[] iteration;
  private final int[] epoch;
  private final double[] loss;
  private final double clip;
  // float stacks: each member's row of p, g and its m and v in place, for JavaAdam.step; and
  // the whole of p and g, for the element-wise passes in Java
  private final FloatBuffer[][] floatRows;
  private final FloatBuffer pf;
  private final FloatBuffer gf;
  private static final float[] NO_DECAY = {};
  private final JavaAdam.Chunks chunks = new JavaAdam.Chunks();
  private final JavaAdam.Chunks otherChunks = new JavaAdam.Chunks();
  private final Map<Integer, Work> work = new HashMap<>();

  private StackedMlp(List<MultiLayerNetwork> nets) {
    MultiLayerNetwork first = nets.get(0);
    size = nets.size();
    depth = first.getnLayers() - 1;
    units = new int[depth + 2];
    for (int i = 0; i <= depth; i++) {
      INDArray wi = first.getLayer(i).getParam(DefaultParamInitializer.WEIGHT_KEY);
      units[i] = (int) wi.size(0);
      units[i + 1] = (int) wi.size(1);
    }
    params = first.numParams();
    type = first.params().dataType();
    wOffset = new long[depth + 1];
    bOffset = new long[depth + 1];
    long o = 0;
    for (int i = 0; i <= depth; i++) {
      wOffset[i] = o;
      o += (long) units[i] * units[i + 1];
      bOffset[i] = o;
      o += units[i + 1];
    }
    clip = ((LossMCXENT) ((BaseOutputLayer) first
        .getLayer(depth).conf().getLayer()).getLossFn()).getSoftmaxClipEps();
    p = Nd4j.create(type, size, params);
    g = Nd4j.create(type, size, params);
    state = Nd4j.create(type, size, 2 * params);
    w = new INDArray[size][depth + 1];
    gw = new INDArray[size][depth + 1];
    pRow = new INDArray[size];
    gRow = new INDArray[size];
    stateRow = new INDArray[size];
    updater = new GradientUpdater[size];
    config = new IUpdater[size];
    weightDecay = new double[size][][];
    iteration = new int[size];
    epoch = new int[size];
    loss = new double[size];
    pb = new INDArray[depth + 1];
    gb = new INDArray[depth + 1];
    for (int i = 0; i <= depth; i++) {
      pb[i] = p.get(NDArrayIndex.all(), NDArrayIndex.interval(bOffset[i], bOffset[i]
          + units[i + 1]));
      gb[i] = g.get(NDArrayIndex.all(), NDArrayIndex.interval(bOffset[i], bOffset[i]
          + units[i + 1]));
    }
    for (int k = 0; k < size; k++) {
      MultiLayerNetwork net = nets.get(k);
      pRow[k] = p.get(NDArrayIndex.interval(k, k + 1), NDArrayIndex.all());
      gRow[k] = g.get(NDArrayIndex.interval(k, k + 1), NDArrayIndex.all());
      for (int i = 0; i <= depth; i++) {
        w[k][i] = weights(pRow[k], i);
        gw[k][i] = weights(gRow[k], i);
      }
      config[k] = ((BaseLayer) net.getLayer(0).conf().getLayer()).getIUpdater();
      weightDecay[k] = weightDecay(net);
      stateRow[k] = state.get(NDArrayIndex.interval(k, k + 1), NDArrayIndex.all());
      updater[k] = config[k].instantiate(stateRow[k], false);
      pRow[k].assign(net.params());
      stateRow[k].assign(net.getUpdater().getStateViewArray());
      iteration[k] = net.getIterationCount();
      epoch[k] = net.getEpochCount();
    }
    floatRows = type == DataType.FLOAT ? new FloatBuffer[size][] : null;
    pf = floatRows == null ? null : JavaAdam.floats(p, size * params);
    gf = floatRows == null ? null : JavaAdam.floats(g, size * params);
    for (int k = 0; floatRows != null && k < size; k++) {
      int n = Math.toIntExact(params);
      FloatBuffer state = JavaAdam.floats(stateRow[k], 2L * n);
      floatRows[k] = new FloatBuffer[] {JavaAdam.floats(pRow[k], n), JavaAdam.floats(gRow[k], n),
          state.slice(0, n), state.slice(n, n)};
    }
  }

  /**
   * Whether {@code r}'s network is one a stack trains: an MLP with Adam, weight decay or none,
   * no dropout or augmentation, fitted on its own labels, stacking not turned off.
   */
  public static boolean trains(RunSpec r) {
    return r.strategy().stacking() && "mlp".equals(r.family()) && "adam".equals(
        r.optimizer().kind()) && r.dropout() == 0 && r.augmentation() == 0
        && r.distillation() == null;
  }

  /**
   * What runs trained together must share: everything that sets the shapes and the number of
   * steps (data, family, depth, width, examples, minibatch, epochs, evaluation cadence,
   * schedule). Seed, label noise, weight decay and learning rate may differ.
   */
  public static String shapeOf(RunSpec r) {
    return r.dataset().describe() + "|" + r.family() + "|" + r.depth() + "x" + r.width() + "|n="
        + r.trainSize() + "|b=" + r.optimizer().batchSize() + "|e=" + r.epochs() + "/"
        + r.evalEvery() + "|" + r.optimizer().schedule();
  }

  /**
   * A stack of {@code nets}, their parameters, Adam state and step counts copied in.
   *
   * @throws IllegalArgumentException naming what a network has that a stack cannot train
   */
  public static StackedMlp of(List<MultiLayerNetwork> nets) {
    if (nets.isEmpty()) {
      throw new IllegalArgumentException("a stack needs at least one network");
    }
    for (MultiLayerNetwork net : nets) {
      String why = unsupported(net, nets.get(0));
      if (why != null) {
        throw new IllegalArgumentException("cannot stack this network: " + why);
      }
    }
    return new StackedMlp(nets);
  }

  /** Why {@code net} cannot be trained in a stack with {@code first}; null if it can. */
  static String unsupported(MultiLayerNetwork net, MultiLayerNetwork first) {
    int n = net.getnLayers();
    if (n < 2 || n != first.getnLayers()) {
      return "layers " + n + " against " + first.getnLayers();
    }
    if (!net.conf().isMiniBatch()) {
      return "not configured for minibatches";
    }
    if (net.numParams() > Integer.MAX_VALUE / 4) {
      return net.numParams() + " parameters";
    }
    if (net.params().dataType() != first.params().dataType()) {
      return "data type " + net.params().dataType();
    }
    for (int i = 0; i < n; i++) {
      Layer l = net.getLayer(i);
      Class<?> expected = i < n - 1 ? ReluDenseLayer.class : SoftmaxOutputLayer.class;
      if (l.getClass() != expected) {
        return "layer " + i + " is a " + l.getClass().getSimpleName();
      }
      BaseLayer c = (BaseLayer) l.conf().getLayer();
      if (c.getIDropout() != null || c.getWeightNoise() != null
          || (c.getGradientNormalization() != null
              && c.getGradientNormalization() != GradientNormalization.None)) {
        return "layer " + i + " has dropout, weight noise or gradient normalisation";
      }
      if (i < n - 1 && !(c.getActivationFn() instanceof ActivationReLU)) {
        return "layer " + i + " is not ReLU";
      }
      if (!(c.getIUpdater() instanceof JavaAdam)) {
        return "optimizer " + c.getIUpdater().getClass().getSimpleName();
      }
      if (c.getRegularizationBias() != null && !c.getRegularizationBias().isEmpty()) {
        return "bias regularisation";
      }
      List<Regularization> r = c.getRegularization();
      if (r != null && !r.stream().allMatch(x -> x instanceof WeightDecay wd && wd.isApplyLR())) {
        return "regularisation other than weight decay: " + r;
      }
      INDArray wi = l.getParam(DefaultParamInitializer.WEIGHT_KEY);
      INDArray wf = first.getLayer(i).getParam(DefaultParamInitializer.WEIGHT_KEY);
      if (!Arrays.equals(wi.shape(), wf.shape())) {
        return "layer " + i + " shape " + Arrays.toString(wi.shape());
      }
    }
    BaseMultiLayerUpdater<?> u = (BaseMultiLayerUpdater<?>) net.getUpdater();
    if (u.getUpdaterBlocks().size() != 1 || u.getStateViewArray() == null
        || u.getStateViewArray().length() != 2 * net.numParams()) {
      return "more than one updater block";
    }
    LossMCXENT loss = (LossMCXENT) ((BaseOutputLayer)
        net.getLayer(n - 1).conf().getLayer()).getLossFn();
    if (loss.getWeights() != null) {
      return "class weights";
    }
    return null;
  }

  /**
   * Per layer, the coefficients of the weight decays DL4J applies to its weights, in order (one
   * for a layer of {@link Mlp#build}; DL4J would apply each one listed).
   */
  private static double[][] weightDecay(MultiLayerNetwork net) {
    double[][] out = new double[net.getnLayers()][];
    for (int i = 0; i < out.length; i++) {
      List<Regularization> r = ((BaseLayer) net.getLayer(i).conf().getLayer())
          .getRegularization();
      out[i] = r == null ? new double[0] : r.stream()
          .mapToDouble(x -> ((WeightDecay) x).getCoeff().valueAt(0, 0)).toArray();
    }
    return out;
  }

  /** Layer i's weights within one member's row, DL4J's column-major [in, out] view. */
  private INDArray weights(INDArray row, int i) {
    return row.get(NDArrayIndex.point(0), NDArrayIndex.interval(wOffset[i], wOffset[i]
        + (long) units[i] * units[i + 1])).reshape('f', units[i], units[i + 1]);
  }

  public int size() {
    return size;
  }

  /**
   * Multiply-adds of a minibatch's largest product below which a stack trains best on one
   * BLAS thread: splitting smaller products costs more than it saves. Measured on two cores
   * (s an epoch, 8,192 examples, batch 128, stack of one, GEMMs through {@link Gemm}): width
   * 256 (25.7 M multiply-adds) best of four rounds 0.081 on two threads against 0.088 on one,
   * medians within each other's spread; width 64 (6.4 M) 0.033 against 0.037 at best, but on
   * two threads its epochs ranged over 0.031-0.138 s in one benchmark run, against 0.036-0.048
   * on one. Changing the thread count costs milliseconds, so it is chosen once a run.
   */
  public static final long SPLIT_PRODUCT = 20_000_000L;

  /** Whether minibatches of {@code rows} are small enough to train on one thread. */
  public boolean smallAt(int rows) {
    long largest = 0;
    for (int i = 0; i <= depth; i++) {
      largest = Math.max(largest, (long) units[i] * units[i + 1]);
    }
    return largest * rows < SPLIT_PRODUCT;
  }

  /**
   * One minibatch step of every member in {@code live}, each on its own rows.
   *
   * @param x per member, its minibatch's features, {@code [rows, inputs]} (null for a member
   *     not in {@code live})
   * @param y per member, the targets of every training example, row-major {@code [n, classes]}
   * @param order per member, the training example of each minibatch row: row j is example
   *     {@code order[k][from + j]}
   * @param from the minibatch's first row within {@code order}
   * @param rows rows in the minibatch, the same for every member
   * @param live which members step
   */
  public void step(INDArray[] x, double[][] y, int[][] order, int from, int rows,
      BitSet live) {
    Work s = work(rows);
    int classes = units[depth + 1];

    // --- forward: z = a W (one GEMM per member), then + b and ReLU across the stack
    for (int i = 0; i <= depth; i++) {
      for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
        Gemm.product(i == 0 ? x[k] : s.zk[i - 1][k], w[k][i], s.zk[i][k], false, false);
      }
      if (pf != null) {
        biasAndRelu(s, i, rows, live);
      } else {
        Nd4j.exec(new BroadcastAddOp(s.z[i], pb[i], s.z[i], 0, 2));
        if (i < depth) {
          Nd4j.exec(new RectifiedLinear(s.z[i], s.z[i], 0.0));
        }
      }
    }

    // --- output: softmax, loss and dL/dz = p - q per row, in double (SoftmaxOutputLayer's pass)
    double[] z = s.logits;
    double[] bias = s.outputBias;
    Arrays.fill(bias, 0);
    if (pf != null) {
      float[] zf = s.logitsFloat;
      s.zf[depth].get(0, zf, 0, zf.length);
      for (int j = 0; j < zf.length; j++) {
        z[j] = zf[j];
      }
    } else {
      s.z[depth].data().asNioDouble().get(0, z, 0, z.length);
    }
    for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
      loss[k] = SoftmaxOutputLayer.lossAndDelta(z, k * rows * classes, rows, classes, y[k],
          order[k], from, clip, bias, k * classes) / rows;
    }
    if (pf != null) {
      float[] zf = s.logitsFloat;
      for (int j = 0; j < zf.length; j++) {
        zf[j] = (float) z[j];
      }
      s.zf[depth].put(0, zf, 0, zf.length);
      for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
        for (int c = 0; c < classes; c++) {
          gf.put((int) (k * params + bOffset[depth]) + c, (float) bias[k * classes + c]);
        }
      }
    } else {
      s.z[depth].data().setData(z);
      gb[depth].assign(Nd4j.create(bias, new long[] {size, classes}, 'c'));
    }

    // --- backward, output layer down: dW = a^T delta and dx = delta W^T per member; the ReLU
    // derivative and bias gradients across the stack
    for (int i = depth; i >= 0; i--) {
      INDArray[] delta = i == depth ? s.zk[depth] : s.dk[i];
      if (i < depth) {
        ReluDenseLayer.derivative(s.z[i], s.e[i], s.d[i]);
        if (pf != null) {
          biasGradients(s, i, rows, live);
        } else {
          gb[i].assign(s.d[i].sum(1));
        }
      }
      for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
        Gemm.product(i == 0 ? x[k] : s.zk[i - 1][k], delta[k], gw[k][i], true, false);
        if (i > 0) {
          Gemm.product(delta[k], w[k][i], s.ek[i - 1][k], false, true);
        }
      }
    }

    // --- update, as DL4J's: mean gradient, each member's Adam, weight decay, params - update;
    // in float one pass over each member's four rows (JavaAdam.step), layer by layer
    if (floatRows != null) {
      // on two threads for large members when BLAS has them (the other core idles meanwhile)
      boolean split = params >= SPLIT_UPDATE && Nd4j.factory().blas().getMaxThreads() > 1;
      Future<?> upper = split
          ? ForkJoinPool.commonPool().submit(() -> update(live, rows, 1, 2, otherChunks))
          : null;
      update(live, rows, 0, split ? 2 : 1, chunks);
      if (upper != null) {
        try {
          upper.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted in a parameter step", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("parameter step failed", e.getCause());
        }
      }
      for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
        iteration[k]++;
      }
      return;
    }
    g.divi(rows);
    for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
      updater[k].applyUpdater(gRow[k], iteration[k], epoch[k]);
      double lr = config[k].getLearningRate(iteration[k], epoch[k]);
      for (int i = 0; i <= depth; i++) {
        for (double coeff : weightDecay[k][i]) {
          Nd4j.exec(new Axpy(w[k][i], gw[k][i], gw[k][i], coeff * lr));
        }
      }
      iteration[k]++;
    }
    if (live.cardinality() == size) {
      p.subi(g);
    } else {
      for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
        pRow[k].subi(gRow[k]);
      }
    }
  }

  /**
   * Members with at least this many parameters take their parameter step on two threads when
   * BLAS has two or more. The step is memory-bound (32 bytes an element) and one core's loads
   * do not reach the memory's bandwidth: 3.26 M parameters took 6.9-8.1 ms on one thread and
   * 3.9-5.0 on two (alone); width 4096 at two threads, stack of one, 1.17-1.44 s an epoch
   * against 1.29-1.72 (three alternated rounds; width 1024 unchanged, 0.37-0.39 both).
   */
  static final long SPLIT_UPDATE = 1L << 18;

  /**
   * Part {@code part} of {@code parts} of every live member's parameter step, layer by layer:
   * {@link JavaAdam#step} over that share of each weight matrix (with its decay) and, in part
   * 0, the biases. Parts touch disjoint elements, so they may run at once, and each element's
   * arithmetic is the same however the parts are cut.
   */
  private void update(BitSet live, int rows, int part, int parts, JavaAdam.Chunks through) {
    for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
      Adam c = (Adam) config[k];
      double lr = c.getLearningRate(iteration[k], epoch[k]);
      FloatBuffer[] r = floatRows[k];
      for (int i = 0; i <= depth; i++) {
        float[] decay = new float[weightDecay[k][i].length];
        for (int j = 0; j < decay.length; j++) {
          decay[j] = (float) (weightDecay[k][i][j] * lr);
        }
        int in = (int) wOffset[i];
        int n = (int) (bOffset[i] - wOffset[i]);
        int from = in + (int) ((long) n * part / parts);
        int to = in + (int) ((long) n * (part + 1) / parts);
        JavaAdam.step(r[0], r[1], r[2], r[3], from, to - from, rows, decay, c, iteration[k],
            epoch[k], through);
        if (part == 0) {
          JavaAdam.step(r[0], r[1], r[2], r[3], (int) bOffset[i], units[i + 1], rows, NO_DECAY,
              c, iteration[k], epoch[k], through);
        }
      }
    }
  }

  /** {@code z += b}, then ReLU below the output layer, of layer i's rows of every live member. */
  private void biasAndRelu(Work s, int i, int rows, BitSet live) {
    int u = units[i + 1];
    float[] b = s.bias;
    float[] row = s.row;
    boolean relu = i < depth;
    for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
      pf.get((int) (k * params + bOffset[i]), b, 0, u);
      for (int r = 0, o = k * rows * u; r < rows; r++, o += u) {
        s.zf[i].get(o, row, 0, u);
        for (int j = 0; j < u; j++) {
          row[j] = row[j] + b[j];
        }
        if (relu) {
          for (int j = 0; j < u; j++) {
            row[j] = Math.max(row[j], 0f);
          }
        }
        s.zf[i].put(o, row, 0, u);
      }
    }
  }

  /** Layer i's bias gradients of every live member: the sums over rows of its dL/dz. */
  private void biasGradients(Work s, int i, int rows, BitSet live) {
    int u = units[i + 1];
    float[] sum = s.bias;
    float[] row = s.row;
    for (int k = live.nextSetBit(0); k >= 0; k = live.nextSetBit(k + 1)) {
      Arrays.fill(sum, 0, u, 0f);
      for (int r = 0, o = k * rows * u; r < rows; r++, o += u) {
        s.df[i].get(o, row, 0, u);
        for (int j = 0; j < u; j++) {
          sum[j] = sum[j] + row[j];
        }
      }
      gf.put((int) (k * params + bOffset[i]), sum, 0, u);
    }
  }

  /**
   * Member k's training loss of its last step, as DL4J scores it: the mean cross-entropy of the
   * minibatch plus {@code coeff / 2 |W|^2} (here of the weights after the step).
   */
  public double score(int k) {
    double reg = 0;
    for (int i = 0; i <= depth; i++) {
      for (double coeff : weightDecay[k][i]) {
        double norm = w[k][i].norm2Number().doubleValue();
        reg += coeff * 0.5 * norm * norm;
      }
    }
    return loss[k] + reg;
  }

  /** Writes member k's parameters, Adam state and step count into {@code net}. */
  public void copyInto(int k, MultiLayerNetwork net) {
    net.params().assign(pRow[k]);
    net.getUpdater().getStateViewArray().assign(stateRow[k]);
    net.setIterationCount(iteration[k]);
    net.setEpochCount(epoch[k]);
  }

  /** The activations and gradients of one minibatch size (a run has at most two). */
  private Work work(int rows) {
    return work.computeIfAbsent(rows, Work::new);
  }

  private final class Work {
    final INDArray[] z = new INDArray[depth + 1];
    final INDArray[] e = new INDArray[depth];
    final INDArray[] d = new INDArray[depth];
    final INDArray[][] zk = new INDArray[depth + 1][];
    final INDArray[][] ek = new INDArray[depth][];
    final INDArray[][] dk = new INDArray[depth][];
    // the output layer's logits and bias gradients in double; in float stacks, z and d in place
    // and heap rows for the element-wise passes
    final double[] logits;
    final double[] outputBias;
    final float[] logitsFloat;
    final FloatBuffer[] zf = new FloatBuffer[depth + 1];
    final FloatBuffer[] df = new FloatBuffer[depth];
    final float[] row;
    final float[] bias;

    Work(int rows) {
      int widest = 0;
      for (int i = 0; i <= depth; i++) {
        widest = Math.max(widest, units[i + 1]);
        z[i] = Nd4j.create(type, size, rows, units[i + 1]);
        zk[i] = slices(z[i]);
        if (i < depth) {
          e[i] = Nd4j.create(type, size, rows, units[i + 1]);
          d[i] = Nd4j.create(type, size, rows, units[i + 1]);
          ek[i] = slices(e[i]);
          dk[i] = slices(d[i]);
        }
      }
      logits = new double[size * rows * units[depth + 1]];
      outputBias = new double[size * units[depth + 1]];
      boolean floats = type == DataType.FLOAT;
      logitsFloat = floats ? new float[logits.length] : null;
      for (int i = 0; floats && i <= depth; i++) {
        zf[i] = JavaAdam.floats(z[i], z[i].length());
        if (i < depth) {
          df[i] = JavaAdam.floats(d[i], d[i].length());
        }
      }
      row = new float[widest];
      bias = new float[widest];
    }

    private INDArray[] slices(INDArray a) {
      INDArray[] s = new INDArray[size];
      for (int k = 0; k < size; k++) {
        s[k] = a.get(NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all());
      }
      return s;
    }
  }
}
