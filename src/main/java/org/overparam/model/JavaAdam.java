package org.overparam.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * DL4J's {@link Adam}, its update computed in Java instead of libnd4j 1.0.0-M2's
 * {@code adam_updater} op, which took 6.2 ns an element on 12,730 parameters and 5.9 ns on 3.26
 * million (one thread, fresh gradients each call). Same formula and order of float operations
 * as that op, with the same bias correction folded into the step size:
 *
 * <pre>
 *   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
 *   update = m * lr sqrt(1 - b2^(t+1)) / (1 - b1^(t+1)) / (sqrt(v) + eps)
 * </pre>
 *
 * The arrays live off the heap; the loop runs over chunks of {@value #CHUNK} elements copied
 * into small heap arrays, which the JIT compiles to vector instructions (a loop over the
 * off-heap buffers themselves stays scalar: 2.5-2.9 ns an element, against 0.6-0.9 for the
 * chunks, 16,384 to 813,050 elements, one thread). {@link #step} is the same loop with the rest
 * of a parameter step around it, for callers that own the whole update ({@link StackedMlp}).
 *
 * <p>Configured, serialised and checkpointed like DL4J's (it is one, but for the class name in
 * the configuration's JSON); anything but float arrays laid out contiguously takes DL4J's op.
 */
public class JavaAdam extends Adam {
  /** For DL4J's JSON configuration reader. */
  public JavaAdam() {
    super();
  }

  public JavaAdam(double learningRate) {
    super(learningRate);
  }

  public JavaAdam(ISchedule learningRateSchedule) {
    super(learningRateSchedule);
  }

  @Override
  public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
    Updater u = new Updater(this);
    long[] shape = Arrays.copyOf(viewArray.shape(), viewArray.rank());
    shape[1] /= 2; // the view holds m, then v
    u.setStateViewArray(viewArray, shape, viewArray.ordering(), initializeViewArray);
    return u;
  }

  @Override
  public GradientUpdater instantiate(Map<String, INDArray> state, boolean initialize) {
    Updater u = new Updater(this);
    u.setState(state, initialize);
    return u;
  }

  @Override
  public JavaAdam clone() {
    JavaAdam c = new JavaAdam();
    c.setLearningRate(getLearningRate());
    c.setLearningRateSchedule(getLearningRateSchedule());
    c.setBeta1(getBeta1());
    c.setBeta2(getBeta2());
    c.setEpsilon(getEpsilon());
    return c;
  }

  /** DL4J's Adam state handling; the update itself in Java. */
  static final class Updater extends AdamUpdater {
    private final Chunks chunks = new Chunks();

    Updater(Adam config) {
      super(config);
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      INDArray m = getM();
      INDArray v = getV();
      if (!contiguousFloats(gradient, m, v)) {
        super.applyUpdater(gradient, iteration, epoch);
        return;
      }
      int n = (int) gradient.length();
      adam(floats(gradient, n), floats(m, n), floats(v, n), n, getConfig(), iteration, epoch,
          chunks);
    }

    private static boolean contiguousFloats(INDArray g, INDArray m, INDArray v) {
      for (INDArray a : new INDArray[] {g, m, v}) {
        if (a == null || a.dataType() != DataType.FLOAT || a.elementWiseStride() != 1
            || a.length() != g.length() || a.length() > Integer.MAX_VALUE / 4) {
          return false;
        }
      }
      return true;
    }
  }

  /** Elements a chunk of the loops below holds: four arrays of them stay in a core's L1. */
  static final int CHUNK = 2048;

  /** The heap arrays one caller's loops copy chunks through (not for two threads at once). */
  static final class Chunks {
    final float[] g = new float[CHUNK];
    final float[] m = new float[CHUNK];
    final float[] v = new float[CHUNK];
    final float[] p = new float[CHUNK];
  }

  /** The array's first {@code n} floats in place, from its first element (a view's offset included). */
  static FloatBuffer floats(INDArray a, long n) {
    FloatPointer p = new FloatPointer(a.data().addressPointer());
    return p.position(0).limit(n).capacity(n).asBuffer();
  }

  /** The step size of step {@code iteration}: {@code lr sqrt(1 - b2^(t+1)) / (1 - b1^(t+1))}. */
  static float stepSize(Adam c, int iteration, int epoch) {
    float b1 = (float) c.getBeta1();
    float b2 = (float) c.getBeta2();
    float lr = (float) c.getLearningRate(iteration, epoch);
    float t = iteration + 1;
    float b1t = (float) Math.pow(b1, t);
    float b2t = (float) Math.pow(b2, t);
    float step = (float) (lr * (float) Math.sqrt(1.0 - b2t) / (1.0 - b1t));
    if (Float.isNaN(step) || Float.isInfinite(step) || step == 0) {
      step = (float) c.getEpsilon(); // as the op does
    }
    return step;
  }

  /** Adam over {@code n} elements: the moments updated in place, {@code g} replaced by the update. */
  static void adam(FloatBuffer g, FloatBuffer m, FloatBuffer v, int n, Adam c, int iteration,
      int epoch, Chunks w) {
    float step = stepSize(c, iteration, epoch);
    float b1 = (float) c.getBeta1();
    float b2 = (float) c.getBeta2();
    float eps = (float) c.getEpsilon();
    for (int s = 0; s < n; s += CHUNK) {
      int len = Math.min(CHUNK, n - s);
      g.get(s, w.g, 0, len);
      m.get(s, w.m, 0, len);
      v.get(s, w.v, 0, len);
      update(w, len, b1, b2, eps, step);
      g.put(s, w.g, 0, len);
      m.put(s, w.m, 0, len);
      v.put(s, w.v, 0, len);
    }
  }

  /**
   * A whole parameter step over {@code n} elements from {@code from}, in DL4J 1.0.0-M2's order:
   * {@code g /= divisor} (the minibatch's mean), Adam, then {@code update += a p} for each
   * weight-decay factor {@code a} in turn, then {@code p -= update}. One pass over the four
   * arrays where DL4J makes four. {@code g} is only read: DL4J leaves the update there, which
   * no caller of this step reads (the next step's gradients overwrite it), so it is not written
   * back (one of the eight memory streams an element).
   */
  static void step(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, int from, int n,
      float divisor, float[] decay, Adam c, int iteration, int epoch, Chunks w) {
    float step = stepSize(c, iteration, epoch);
    float b1 = (float) c.getBeta1();
    float b2 = (float) c.getBeta2();
    float eps = (float) c.getEpsilon();
    float[] gc = w.g;
    float[] pc = w.p;
    for (int s = from; s < from + n; s += CHUNK) {
      int len = Math.min(CHUNK, from + n - s);
      g.get(s, gc, 0, len);
      m.get(s, w.m, 0, len);
      v.get(s, w.v, 0, len);
      p.get(s, pc, 0, len);
      if (decay.length == 0) {
        descend(w, len, divisor, b1, b2, eps, step);
      } else {
        for (int j = 0; j < len; j++) {
          gc[j] = gc[j] / divisor;
        }
        update(w, len, b1, b2, eps, step);
        for (float a : decay) {
          for (int j = 0; j < len; j++) {
            gc[j] = a * pc[j] + gc[j];
          }
        }
        for (int j = 0; j < len; j++) {
          pc[j] = pc[j] - gc[j];
        }
      }
      m.put(s, w.m, 0, len);
      v.put(s, w.v, 0, len);
      p.put(s, pc, 0, len);
    }
  }

  /**
   * The step without weight decay over one chunk, in one loop: the same operations on each
   * element, in the same order, as the separate passes of {@link #step} (so the same floats),
   * with one load and store of each array instead of several; the update itself is not kept.
   */
  private static void descend(Chunks w, int len, float divisor, float b1, float b2, float eps,
      float step) {
    float[] g = w.g;
    float[] m = w.m;
    float[] v = w.v;
    float[] p = w.p;
    for (int i = 0; i < len; i++) {
      float gi = g[i] / divisor;
      float mi = b1 * m[i] + gi * (1 - b1);
      float vi = b2 * v[i] + gi * gi * (1 - b2);
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] - mi * step / ((float) Math.sqrt(vi) + eps);
    }
  }

  /** Adam's loop over one chunk; every array indexed alike, so that the JIT vectorises it. */
  private static void update(Chunks w, int len, float b1, float b2, float eps, float step) {
    float[] g = w.g;
    float[] m = w.m;
    float[] v = w.v;
    for (int i = 0; i < len; i++) {
      float gi = g[i];
      float mi = b1 * m[i] + gi * (1 - b1);
      float vi = b2 * v[i] + gi * gi * (1 - b2);
      m[i] = mi;
      v[i] = vi;
      g[i] = mi * step / ((float) Math.sqrt(vi) + eps);
    }
  }
}
