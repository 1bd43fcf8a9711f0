package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One point of the grid: everything needed to train and evaluate one model, nothing else.
 *
 * @param experiment the experiment's name (not part of the run's identity)
 * @param embedding character embedding size; 0 for families without one (then left out of the
 *     JSON, so their ids do not depend on it)
 * @param heads attention heads per block; 0 for families without attention (then left out of
 *     the JSON likewise)
 * @param trainSize training examples; for a text, predicted tokens
 * @param augmentation largest shift of each training example's random translation per epoch
 *     ({@link DatasetConfig.Shifts}); 0, no augmentation, is left out of the JSON, so runs
 *     without it keep the ids they had before the field existed
 * @param checkpointEvery checkpoint cadence (not part of the run's identity)
 * @param compression compression evaluated after training, or null for none (not part of the
 *     run's identity: it does not change the trained model)
 * @param distillation the teacher of a student run (knowledge distillation), or null for a run
 *     trained on its labels alone (then left out of the JSON, so the ids of such runs do not
 *     depend on it)
 */
public record RunSpec(
    String experiment,
    DatasetConfig dataset,
    String family,
    int depth,
    int width,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int embedding,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int heads,
    int trainSize,
    double labelNoise,
    double weightDecay,
    double dropout,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int augmentation,
    long seed,
    OptimizerConfig optimizer,
    int epochs,
    int evalEvery,
    int checkpointEvery,
    StrategyConfig strategy,
    @JsonInclude(JsonInclude.Include.NON_NULL) CompressionConfig compression,
    @JsonInclude(JsonInclude.Include.NON_NULL) Distillation distillation)
    implements Serializable {

  /** A run without augmentation, trained on its labels alone. */
  public RunSpec(String experiment, DatasetConfig dataset, String family, int depth, int width,
      int embedding, int heads, int trainSize, double labelNoise, double weightDecay,
      double dropout, long seed, OptimizerConfig optimizer, int epochs, int evalEvery,
      int checkpointEvery, StrategyConfig strategy, CompressionConfig compression) {
    this(experiment, dataset, family, depth, width, embedding, heads, trainSize, labelNoise,
        weightDecay, dropout, 0, seed, optimizer, epochs, evalEvery, checkpointEvery, strategy,
        compression, null);
  }

  /** A run trained on its labels alone. */
  public RunSpec(String experiment, DatasetConfig dataset, String family, int depth, int width,
      int embedding, int heads, int trainSize, double labelNoise, double weightDecay,
      double dropout, int augmentation, long seed, OptimizerConfig optimizer, int epochs,
      int evalEvery, int checkpointEvery, StrategyConfig strategy,
      CompressionConfig compression) {
    this(experiment, dataset, family, depth, width, embedding, heads, trainSize, labelNoise,
        weightDecay, dropout, augmentation, seed, optimizer, epochs, evalEvery, checkpointEvery,
        strategy, compression, null);
  }

  /** A run of a family without attention heads, without augmentation. */
  public RunSpec(String experiment, DatasetConfig dataset, String family, int depth, int width,
      int embedding, int trainSize, double labelNoise, double weightDecay, double dropout,
      long seed, OptimizerConfig optimizer, int epochs, int evalEvery, int checkpointEvery,
      StrategyConfig strategy, CompressionConfig compression) {
    this(experiment, dataset, family, depth, width, embedding, 0, trainSize, labelNoise,
        weightDecay, dropout, 0, seed, optimizer, epochs, evalEvery, checkpointEvery, strategy,
        compression);
  }

  /** Whether this run's family predicts every position of its window. */
  @JsonIgnore
  public boolean everyPosition() {
    return ModelConfig.SEQUENCE_FAMILIES.contains(family);
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /** The run's configuration as canonical JSON (sorted keys), as stored in the runs table. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A stable id derived from everything that changes the run's numbers: the first 16 hex digits
   * of SHA-256 over the canonical JSON without the experiment name, checkpoint cadence and
   * compression. A run with weight decay also hashes {@link #WEIGHT_DECAY_ONCE}: such runs were
   * trained with their decay applied twice a step before, so a results store written then
   * holds them under other ids and they are trained again rather than taken as done. A run
   * whose strategy is {@code parameter-averaging} also hashes {@link #OPTIMISER_STATE_AVERAGED}:
   * such runs restarted their optimiser's state at every averaging round before, for the same
   * reason.
   */
  @JsonIgnore
  public String runId() {
    RunSpec key = new RunSpec("", dataset, family, depth, width, embedding, heads, trainSize,
        labelNoise, weightDecay, dropout, augmentation, seed, optimizer, epochs, evalEvery, 0,
        strategy, null, distillation);
    return sha256Hex(key.toJson() + (weightDecay > 0 ? WEIGHT_DECAY_ONCE : "")
        + ("parameter-averaging".equals(strategy.kind()) ? OPTIMISER_STATE_AVERAGED : ""), 8);
  }

  /** What a run with weight decay adds to its id's hash (see {@link #runId()}). */
  private static final String WEIGHT_DECAY_ONCE = "\nweight decay applied once a step";

  /** What a parameter-averaging run adds to its id's hash (see {@link #runId()}). */
  private static final String OPTIMISER_STATE_AVERAGED = "\noptimiser state averaged";

  /** The first {@code bytes} bytes of SHA-256 over {@code text}, in hex. */
  private static String sha256Hex(String text, int bytes) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Fields of a run's JSON that place it in its experiment's grid, name it or schedule it. A
   * run's <em>configuration</em> is everything else: runs that share it differ only in grid
   * position and seed, so analysis may compare and average them; runs of different
   * configurations (another optimiser, learning rate, batch size, augmentation, number of
   * epochs, data set...) are never mixed, so runs with and without augmentation, or trained by
   * SGD and by Adam, are separate curves. Compression is left out as in {@link #runId()}: it
   * does not change the trained model. So is a student's {@code distillation.teacher_run_id},
   * which follows from its grid position and seed (the rest of its {@code distillation} stays:
   * students are a configuration of their own).
   */
  public static final List<String> GRID_FIELDS = List.of("experiment", "seed", "depth", "width",
      "train_size", "label_noise", "weight_decay", "dropout", "checkpoint_every", "compression");

  /** This run's configuration id: see {@link #configId(String)}. */
  @JsonIgnore
  public String configId() {
    return configId(toJson());
  }

  /**
   * The configuration id of a run's canonical JSON (as stored in the runs table's
   * {@code config_json}): the first 8 hex digits of SHA-256 over its {@link #configFields}.
   */
  public static String configId(String json) {
    StringBuilder sb = new StringBuilder();
    configFields(json).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sha256Hex(sb.toString(), 4);
  }

  /**
   * The configuration fields of a run's JSON, flattened to dotted names in sorted order (for
   * example {@code optimizer.learning_rate -> 0.001}), without {@link #GRID_FIELDS}.
   */
  public static SortedMap<String, String> configFields(String json) {
    SortedMap<String, String> out = new TreeMap<>();
    try {
      JsonNode tree = JSON.readTree(json);
      for (String f : GRID_FIELDS) {
        ((ObjectNode) tree).remove(f);
      }
      if (tree.get("distillation") instanceof ObjectNode d) {
        d.remove(Distillation.TEACHER_RUN_ID);
      }
      flatten("", tree, out);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalArgumentException("not a run configuration: " + e.getMessage(), e);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else {
      out.put(prefix, node.isTextual() ? node.asText() : node.toString());
    }
  }

  /** The same run at another width (widths added by {@code refine}). */
  public RunSpec withWidth(int otherWidth) {
    return new RunSpec(experiment, dataset, family, depth, otherWidth, embedding, heads,
        trainSize, labelNoise, weightDecay, dropout, augmentation, seed, optimizer, epochs,
        evalEvery, checkpointEvery, strategy, compression, distillation);
  }

  /** The same run as a student of {@code teacher} (distillation). */
  public RunSpec withDistillation(Distillation teacher) {
    return new RunSpec(experiment, dataset, family, depth, width, embedding, heads, trainSize,
        labelNoise, weightDecay, dropout, augmentation, seed, optimizer, epochs, evalEvery,
        checkpointEvery, strategy, compression, teacher);
  }

  /** A short human label for logs and job descriptions. */
  @JsonIgnore
  public String label() {
    return String.format("%s d=%d w=%d%s%s n=%d noise=%.2f wd=%g drop=%.2f%s %s lr=%s b=%d "
            + "seed=%d%s", family, depth, width, embedding > 0 ? " e=" + embedding : "",
        heads > 0 ? " h=" + heads : "", trainSize, labelNoise, weightDecay, dropout,
        augmentation > 0 ? " aug=" + augmentation : "", optimizer.kind(),
        optimizer.learningRate(), optimizer.batchSize(), seed,
        distillation == null ? "" : String.format(java.util.Locale.ROOT,
            " student of w=%d (T=%s, alpha=%s)", distillation.teacherWidth(),
            distillation.temperature(), distillation.alpha()));
  }
}
