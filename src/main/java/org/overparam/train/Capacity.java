package org.overparam.train;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.overparam.config.ConfigException;
import org.overparam.config.ExperimentConfig;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.model.Models;

/**
 * What an experiment asks of the machine, checked on the driver before Spark starts: how many
 * runs its grid has, and whether its largest models can be trained in the memory there is.
 *
 * <p>The memory check refuses only a model that cannot fit even alone: it estimates the bytes
 * one run needs ({@link #bytesNeeded}) and compares them with the memory one run gets ({@link
 * #available}). Runs trained side by side, and Spark's own use, can still exhaust a ceiling a
 * single run fits under.
 */
public final class Capacity {
  /** Most runs one experiment may have; a real sweep has tens to thousands. */
  public static final long MAX_RUNS = 100_000;

  /** Safety margin on the estimate: allocator slack, evaluation buffers, the network's copy. */
  static final double MARGIN = 1.25;

  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*[0-9]+\\s*,\\s*[0-9]+\\s*,\\s*([0-9]+)\\s*\\]");

  private Capacity() {}

  /** The memory one run may use and where that figure comes from, for the error message. */
  public record Memory(long bytes, String source) {}

  /**
   * Refuses a grid of more than {@link #MAX_RUNS} runs, naming each axis's size, and a
   * {@code refine.max_runs} or {@code distillation} students that would take it past them. Call it before
   * {@link org.overparam.config.Grid#runs}, which would build them all.
   */
  public static void checkGrid(ExperimentConfig c) {
    Map<String, Integer> axes = new LinkedHashMap<>();
    axes.put("optimizer settings", c.optimizer().configs().size());
    axes.put("augmentation", c.augmentation().size());
    axes.put("train_sizes", c.trainSizes().size());
    axes.put("label_noise", c.labelNoise().size());
    axes.put("model.depths", c.model().depths().size());
    axes.put("model.widths", c.model().widths().size());
    axes.put("weight_decay", c.weightDecay().size());
    axes.put("dropout", c.dropout().size());
    axes.put("seeds", c.seeds().size());
    double runs = 1;
    StringBuilder product = new StringBuilder();
    for (Map.Entry<String, Integer> a : axes.entrySet()) {
      runs *= a.getValue();
      product.append(product.length() == 0 ? "" : " x ").append(a.getValue()).append(' ')
          .append(a.getKey());
    }
    if (runs > MAX_RUNS) {
      throw new ConfigException(String.format(Locale.ROOT, "grid: %s = %s runs, more than the "
          + "limit of %,d runs per experiment; split it into several experiments", product,
          runs < 1e15 ? String.format(Locale.ROOT, "%,d", (long) runs)
              : String.format(Locale.ROOT, "%.3g", runs), MAX_RUNS));
    }
    if (c.refine() != null && runs + c.refine().maxRuns() > MAX_RUNS) {
      throw new ConfigException(String.format(Locale.ROOT, "refine.max_runs: %,d added to the "
          + "grid's %,d runs is more than the limit of %,d runs per experiment",
          c.refine().maxRuns(), (long) runs, MAX_RUNS));
    }
    if (c.distillation() != null) {
      double students = runs / c.model().widths().size() * c.distillation().widths().size();
      if (runs + students + (c.refine() == null ? 0 : c.refine().maxRuns()) > MAX_RUNS) {
        throw new ConfigException(String.format(Locale.ROOT, "distillation.widths: %,d "
            + "students added to the grid's %,d runs%s is more than the limit of %,d runs per "
            + "experiment", (long) students, (long) runs, c.refine() == null ? ""
            : " and refine's " + c.refine().maxRuns(), MAX_RUNS));
      }
    }
  }

  /**
   * Refuses the grid if one of its models needs more than {@code available} to train, naming
   * the smallest such width, its parameter count and the bytes needed and available. Each model
   * size is judged by its most demanding run: the largest batch, Adam's two moments rather than
   * SGD's one.
   */
  public static void checkMemory(List<RunSpec> runs, Memory available) {
    Map<String, RunSpec> sizes = new LinkedHashMap<>();
    for (RunSpec r : runs) {
      sizes.merge(r.family() + "/" + r.depth() + "/" + r.width() + "/" + r.embedding() + "/"
          + r.heads(), r, (a, b) -> bytesNeeded(b) > bytesNeeded(a) ? b : a);
    }
    List<RunSpec> tooLarge = new ArrayList<>();
    for (RunSpec r : sizes.values()) {
      if (bytesNeeded(r) > available.bytes()) {
        tooLarge.add(r);
      }
    }
    if (tooLarge.isEmpty()) {
      return;
    }
    tooLarge.sort(Comparator.comparingDouble(Capacity::bytesNeeded));
    RunSpec r = tooLarge.get(0);
    String others = tooLarge.size() == 1 ? "" : String.format(Locale.ROOT,
        " (%d of the grid's %d model sizes do not fit)", tooLarge.size(), sizes.size());
    throw new ConfigException(String.format(Locale.ROOT, "model.widths: width %d at depth %d "
            + "has %,d parameters; training it needs about %s (4-byte parameters, gradients, "
            + "%s state and activations, +%d%%), more than the %s of %s%s", r.width(),
        r.depth(), Models.params(r), bytes(bytesNeeded(r)), r.optimizer().kind(),
        Math.round((MARGIN - 1) * 100), bytes(available.bytes()), available.source(), others));
  }

  /**
   * Estimated bytes to train {@code r}, as a double since a bad grid can exceed a long: 4-byte
   * floats for the parameters, their gradients and the optimiser's state (SGD's momentum: one
   * copy, Adam's moments: two), plus the activations, pre-activations and their gradients of one
   * minibatch, times {@link #MARGIN}.
   */
  public static double bytesNeeded(RunSpec r) {
    double params = Models.params(r);
    int states = r.optimizer().kind().equals("adam") ? 2 : 1;
    double perExample;
    int classes = Datasets.classes(r.dataset());
    int in = r.dataset().featureDim();
    double hidden = (double) r.depth() * r.width();
    if (r.family().equals("charlstm")) {
      // Four gates, the cell and the output of every layer at every step are kept for BPTT.
      perExample = (double) in * (r.embedding() + 6 * hidden) + classes;
    } else if (r.family().equals("gpt")) {
      // Per window position and block: about 20 width-vectors (LayerNorms, queries, keys and
      // values, the 4x MLP before and after GELU, residual sums) and two rows of attention
      // scores per head; the embeddings, final norm and the softmax over the vocabulary once.
      perExample = (double) in * (r.depth() * (20.0 * r.width() + 2.0 * r.heads() * in)
          + 3.0 * r.width() + 2.0 * classes);
    } else if (r.family().equals("charlm")) {
      perExample = (double) in * r.embedding() + hidden + classes;
    } else {
      perExample = in + hidden + classes;
    }
    double activations = 3 * perExample * r.optimizer().batchSize();
    return 4 * (params * (2 + states) + activations) * MARGIN;
  }

  /**
   * The memory one run may use under {@code master}:
   *
   * <ul>
   *   <li>{@code local[...]}: training runs in this JVM, whose ND4J arrays live off the Java heap
   *       up to JavaCPP's limit ({@code -Dorg.bytedeco.javacpp.maxbytes}, by default the heap's
   *       {@code -Xmx}), and no further than the machine's physical memory;
   *   <li>{@code local-cluster[N,C,M]}: a worker's M MiB;
   *   <li>a cluster (standalone, YARN, Kubernetes): an executor's {@code spark.executor.memory}
   *       plus {@code spark.executor.memoryOverhead}, with Spark's defaults where unset (1 GiB,
   *       and the larger of 384 MiB and {@code spark.executor.memoryOverheadFactor}, 0.1, of the
   *       memory).
   * </ul>
   */
  public static Memory available(String master, SparkConf conf) {
    Matcher lc = LOCAL_CLUSTER.matcher(master);
    if (lc.matches()) {
      long mib = Long.parseLong(lc.group(1));
      return new Memory(mib << 20, "a local-cluster worker's " + mib + " MiB");
    }
    if (master.equals("local") || master.startsWith("local[")) {
      long javacpp = org.bytedeco.javacpp.Pointer.maxBytes();
      long physical = physicalBytes();
      if (physical > 0 && (javacpp <= 0 || physical < javacpp)) { // 0: no JavaCPP limit
        return new Memory(physical, "this machine's physical memory");
      }
      return new Memory(javacpp, "the driver's off-heap limit (org.bytedeco.javacpp.maxbytes)");
    }
    long memMib = conf.getSizeAsMb("spark.executor.memory", "1g");
    double factor = conf.getDouble("spark.executor.memoryOverheadFactor", 0.1);
    long overheadMib = conf.contains("spark.executor.memoryOverhead")
        ? conf.getSizeAsMb("spark.executor.memoryOverhead")
        : Math.max(384, (long) (factor * memMib));
    return new Memory((memMib + overheadMib) << 20, "an executor's spark.executor.memory + "
        + "spark.executor.memoryOverhead (" + memMib + " + " + overheadMib + " MiB)");
  }

  private static long physicalBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }

  /** Bytes in binary units: 512 MiB, 4.4 TiB. */
  static String bytes(double b) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return u == 0 ? String.format(Locale.ROOT, "%.0f bytes", b)
        : String.format(Locale.ROOT, b < 10 ? "%.1f %s" : "%.0f %s", b, units[u]);
  }
}
