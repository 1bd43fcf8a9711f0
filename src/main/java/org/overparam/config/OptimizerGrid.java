package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The {@code optimizer:} section of an experiment file. Each of {@code kind},
 * {@code learning_rate} and {@code batch_size} is one value or a list of values, and a list is a
 * grid axis: every run gets one {@link OptimizerConfig}, one point of the cross product
 * ({@link #configs}). {@code learning_rate} may also be a mapping from each listed kind to its
 * own rate or list of rates ({@code {sgd: 0.05, adam: 0.001}}), since a rate good for one
 * optimiser is rarely good for the other. {@code momentum} is one value for every run (SGD's;
 * Adam ignores it).
 *
 * <p>A file that gives single values describes exactly one {@link OptimizerConfig}, the same one
 * (and so the same run ids) as before lists were allowed. Each failure names the field, with
 * the index of the value in a list ({@code batch_size[1]: must be > 0, got 0}) or the kind of a
 * mapping ({@code learning_rate.adam[0]}).
 *
 * @param kinds the optimisers, in file order
 * @param learningRates each kind's learning rates, in file order, keyed in the order of kinds
 * @param momentum SGD momentum (Nesterov), the same for every run
 * @param batchSizes examples per step, in file order
 * @param referenceWidth the width the learning rates hold at, the same for every run, or null:
 *     see {@link OptimizerConfig#referenceWidth}
 * @param schedule the rate's schedule, the same for every run, or null for a constant rate: see
 *     {@link OptimizerConfig#schedule}
 */
public record OptimizerGrid(List<String> kinds, Map<String, List<Double>> learningRates,
    double momentum, List<Integer> batchSizes, Integer referenceWidth, String schedule)
    implements Serializable {

  private static final Set<String> KEYS = new TreeSet<>(List.of("kind", "learning_rate",
      "momentum", "batch_size", "reference_width", "schedule"));

  public OptimizerGrid {
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("kind: grid is empty; give at least one value");
    }
    if (batchSizes.isEmpty()) {
      throw new IllegalArgumentException("batch_size: grid is empty; give at least one value");
    }
    kinds = List.copyOf(kinds);
    batchSizes = List.copyOf(batchSizes);
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (String k : kinds) {
      List<Double> r = learningRates.get(k);
      if (r == null || r.isEmpty()) {
        throw new IllegalArgumentException("learning_rate: none for kind " + k);
      }
      rates.put(k, List.copyOf(r));
    }
    if (!kinds.containsAll(learningRates.keySet())) {
      throw new IllegalArgumentException("learning_rate: rates for kinds " + learningRates.keySet()
          + " that optimizer.kind " + kinds + " does not list");
    }
    learningRates = Collections.unmodifiableMap(rates);
    schedule = OptimizerConfig.schedule(schedule);
    // Every point of the grid is a valid optimizer; its constructor says which field is not.
    configs(kinds, learningRates, momentum, batchSizes, referenceWidth, schedule);
  }

  /** The defaults: one {@link OptimizerConfig} of default values. */
  public static OptimizerGrid defaults() {
    return of(new OptimizerConfig(null, null, null, null));
  }

  /** The grid of one optimizer. */
  public static OptimizerGrid of(OptimizerConfig c) {
    return new OptimizerGrid(List.of(c.kind()), Map.of(c.kind(), List.of(c.learningRate())),
        c.momentum(), List.of(c.batchSize()), c.referenceWidth(), c.schedule());
  }

  /**
   * The optimizers of the grid in grid order: kind, then its learning rates, then batch size,
   * the last varying fastest.
   */
  public List<OptimizerConfig> configs() {
    return configs(kinds, learningRates, momentum, batchSizes, referenceWidth, schedule);
  }

  private static List<OptimizerConfig> configs(List<String> kinds,
      Map<String, List<Double>> rates, double momentum, List<Integer> batchSizes,
      Integer referenceWidth, String schedule) {
    List<OptimizerConfig> out = new ArrayList<>();
    for (String k : kinds) {
      for (double lr : rates.get(k)) {
        for (int b : batchSizes) {
          out.add(new OptimizerConfig(k, lr, momentum, b, referenceWidth, schedule));
        }
      }
    }
    return List.copyOf(out);
  }

  /** The field name of {@code batch_size} value {@code i}: indexed when there are several. */
  public String batchSizeField(int i) {
    return batchSizes.size() == 1 ? "batch_size" : "batch_size[" + i + "]";
  }

  /**
   * Reads the section from the experiment file's tree, strictly: unknown keys, wrong types,
   * empty lists, repeated values and values out of range are errors naming the field (the
   * caller's path, {@code optimizer.}, is prefixed by {@link ExperimentFile}).
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static OptimizerGrid read(ObjectNode node) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(key + ": unknown key (known: "
            + String.join(", ", KEYS) + ")");
      }
    }
    OptimizerConfig d = new OptimizerConfig(null, null, null, null);
    List<String> kinds = values(node.get("kind"), "kind", List.of(d.kind()),
        OptimizerGrid::kind);
    double momentum = present(node.get("momentum"))
        ? number(node.get("momentum"), "momentum") : d.momentum();
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum);
    }
    List<Integer> batches = values(node.get("batch_size"), "batch_size", List.of(d.batchSize()),
        OptimizerGrid::batchSize);
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    JsonNode lr = node.get("learning_rate");
    if (present(lr) && lr.isObject()) {
      for (Iterator<String> it = lr.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!kinds.contains(k)) {
          throw new IllegalArgumentException("learning_rate." + k + ": '" + k + "' is not one "
              + "of the kinds optimizer.kind lists, " + kinds);
        }
      }
      for (String k : kinds) {
        if (!present(lr.get(k))) {
          throw new IllegalArgumentException("learning_rate: gives no rate for kind " + k
              + " (a mapping of rates needs one entry per optimizer.kind)");
        }
        rates.put(k, values(lr.get(k), "learning_rate." + k, List.of(),
            OptimizerGrid::rate));
      }
    } else {
      List<Double> r = values(lr, "learning_rate", List.of(d.learningRate()),
          OptimizerGrid::rate);
      kinds.forEach(k -> rates.put(k, r));
    }
    Integer referenceWidth = null;
    if (present(node.get("reference_width"))) {
      JsonNode w = node.get("reference_width");
      if (!w.isIntegralNumber() || !w.canConvertToInt()) {
        throw wrongType("reference_width", "an integer");
      }
      referenceWidth = w.asInt();
    }
    String schedule = null;
    if (present(node.get("schedule"))) {
      JsonNode v = node.get("schedule");
      if (!v.isTextual()) {
        throw wrongType("schedule", "a string");
      }
      schedule = v.asText();
    }
    return new OptimizerGrid(kinds, rates, momentum, batches, referenceWidth, schedule);
  }

  /**
   * A value or a list of values of {@code field}, each read by {@code one} (given the node and
   * its name: {@code field}, or {@code field[i]} in a list); {@code dflt} when absent.
   */
  private static <T> List<T> values(JsonNode node, String field, List<T> dflt,
      BiFunction<JsonNode, String, T> one) {
    if (!present(node)) {
      return dflt;
    }
    if (!node.isArray()) {
      return List.of(one.apply(node, field));
    }
    if (node.isEmpty()) {
      throw new IllegalArgumentException(field + ": grid is empty; give at least one value");
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(one.apply(node.get(i), field + "[" + i + "]"));
    }
    if (out.stream().distinct().count() != out.size()) {
      throw new IllegalArgumentException(field + ": values repeat: " + out);
    }
    return out;
  }

  private static boolean present(JsonNode n) {
    return n != null && !n.isNull() && !n.isMissingNode();
  }

  private static String kind(JsonNode n, String field) {
    if (!n.isTextual()) {
      throw wrongType(field, "a string");
    }
    if (!OptimizerConfig.KINDS.contains(n.asText())) {
      throw new IllegalArgumentException(field + ": '" + n.asText() + "' is not one of "
          + OptimizerConfig.KINDS);
    }
    return n.asText();
  }

  private static double rate(JsonNode n, String field) {
    double v = number(n, field);
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(field + ": must be a finite number > 0, got " + v);
    }
    return v;
  }

  private static int batchSize(JsonNode n, String field) {
    if (!n.isIntegralNumber()) {
      throw wrongType(field, "an integer");
    }
    if (!n.canConvertToInt() || n.asInt() <= 0) {
      throw new IllegalArgumentException(field + ": must be > 0, got " + n.asText());
    }
    return n.asInt();
  }

  private static double number(JsonNode n, String field) {
    if (!n.isNumber()) {
      throw wrongType(field, "a number");
    }
    return n.asDouble();
  }

  private static IllegalArgumentException wrongType(String field, String expected) {
    return new IllegalArgumentException(field + ": wrong type, expected " + expected);
  }
}
