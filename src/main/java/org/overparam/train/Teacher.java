package org.overparam.train;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.Distillation;
import org.overparam.config.RunSpec;
import org.overparam.data.Examples;

/**
 * What a run fits, one row per training example: its one-hot labels, or, for a distillation
 * student ({@link RunSpec#distillation()}), the mixed target distribution
 *
 * <pre>
 *   q = alpha * softmax(z / T) + (1 - alpha) * y
 * </pre>
 *
 * where {@code z} are the teacher's logits on the example (its output layer before the
 * softmax), {@code T} the temperature and {@code y} the one-hot label the example is trained
 * with (flipped, for the noisy fraction). The student is trained as every run is, by the cross
 * entropy of its own softmax {@code p = softmax(s)} at temperature 1:
 *
 * <pre>
 *   L = - sum_c q_c log p_c = alpha * H(softmax(z / T), p) + (1 - alpha) * H(y, p),
 *   dL/ds = p - q
 * </pre>
 *
 * <p>Hinton, Vinyals and Dean (2015) soften the student as well, computing the soft term with
 * {@code softmax(s / T)}, and multiply it by {@code T^2} so that its gradients keep their scale
 * as T changes. Neither is done here, so no T^2 factor is applied: the student's softmax is the
 * one it is evaluated with, and the gradient with respect to its logits is {@code p - q},
 * bounded by 1 whatever T, so T changes what the soft labels say, not the effective learning
 * rate. The soft labels are computed once per run, in double precision, from the teacher's
 * kept network ({@link Checkpoints#finalModel}) on the student's training set, which is the
 * teacher's (same cell and seed); the mix is stored as 4-byte floats. At {@code alpha = 0}
 * the mix is the one-hot labels exactly, so such a student trains bit for bit as the
 * label-only run of its width does.
 */
public final class Teacher {
  private Teacher() {}

  /**
   * The targets {@code spec}'s run fits on {@code train}: {@link Evaluator#labels} for a run
   * trained on labels alone, the mix above for a student, whose teacher's network is read from
   * {@code store}.
   *
   * @throws IllegalStateException when the teacher's network is not kept, or does not fit the
   *     data (the student is then recorded as failed, saying so)
   */
  public static INDArray targets(RunSpec spec, Examples train, Checkpoints store) {
    Distillation d = spec.distillation();
    if (d == null) {
      return Evaluator.labels(train);
    }
    MultiLayerNetwork teacher = store.finalModel(spec.experiment(), d.teacherRunId())
        .orElseThrow(() -> new IllegalStateException("teacher run " + d.teacherRunId()
            + " has no trained model kept in the results root (_models/experiment="
            + spec.experiment() + "/" + d.teacherRunId() + ".zip)"));
    return mix(softLabels(teacher, Evaluator.features(train), d.temperature()), train,
        d.alpha());
  }

  /** {@code softmax(z / T)} of {@code net}'s logits on each row of {@code x}, row by row. */
  public static double[][] softLabels(MultiLayerNetwork net, INDArray x, double temperature) {
    INDArray z = logits(net, x);
    int n = (int) z.size(0);
    int k = (int) z.size(1);
    double[] flat = z.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[][] out = new double[n][k];
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, flat[i * k + c] / temperature);
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        out[i][c] = Math.exp(flat[i * k + c] / temperature - max);
        sum += out[i][c];
      }
      for (int c = 0; c < k; c++) {
        out[i][c] /= sum;
      }
    }
    return out;
  }

  /**
   * {@code alpha * soft + (1 - alpha) * y} for the labels of {@code train}, as the
   * {@code n x classes} float matrix a network is fitted on.
   */
  public static INDArray mix(double[][] soft, Examples train, double alpha) {
    int n = train.count();
    int k = train.classes();
    if (train.steps() != 1 || soft.length != n || n > 0 && soft[0].length != k) {
      throw new IllegalStateException("the teacher's outputs (" + soft.length + " x "
          + (soft.length == 0 ? 0 : soft[0].length) + ") do not fit the student's " + n
          + " examples of " + k + " classes");
    }
    float[] q = new float[n * k];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        double y = train.labels()[i] == c ? 1 : 0;
        q[i * k + c] = (float) (alpha * soft[i][c] + (1 - alpha) * y);
      }
    }
    return Nd4j.create(q, new long[] {n, k}, 'c');
  }

  /**
   * The output layer's input times its weights plus its bias: the logits its softmax turns
   * into the network's outputs (inference mode: no dropout).
   */
  static INDArray logits(MultiLayerNetwork net, INDArray x) {
    Layer[] layers = net.getLayers();
    Layer out = layers[layers.length - 1];
    INDArray w = out.getParam("W");
    if (x.size(1) != layers[0].getParam("W").size(0)) {
      throw new IllegalStateException("the teacher's network reads " + layers[0].getParam("W")
          .size(0) + " features, the student's examples have " + x.size(1));
    }
    INDArray h = x;
    if (layers.length > 1) {
      List<INDArray> acts = net.feedForwardToLayer(layers.length - 2, x, false);
      h = acts.get(acts.size() - 1);
    }
    return h.castTo(w.dataType()).mmul(w).addiRowVector(out.getParam("b"));
  }
}
