package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One point of the grid: everything needed to train and evaluate one model, nothing else.
 *
 * @param experiment the experiment's name (not part of the run's identity)
 * @param embedding character embedding size; 0 for families without one (then left out of the
 *     JSON, so their ids do not depend on it)
 * @param checkpointEvery checkpoint cadence (not part of the run's identity)
 * @param compression compression evaluated after training, or null for none (not part of the
 *     run's identity: it does not change the trained model)
 */
public record RunSpec(
    String experiment,
    DatasetConfig dataset,
    String family,
    int depth,
    int width,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int embedding,
    int trainSize,
    double labelNoise,
    double weightDecay,
    double dropout,
    long seed,
    OptimizerConfig optimizer,
    int epochs,
    int evalEvery,
    int checkpointEvery,
    StrategyConfig strategy,
    @JsonInclude(JsonInclude.Include.NON_NULL) CompressionConfig compression)
    implements Serializable {

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
   * compression.
   */
  @JsonIgnore
  public String runId() {
    RunSpec key = new RunSpec("", dataset, family, depth, width, embedding, trainSize, labelNoise,
        weightDecay, dropout, seed, optimizer, epochs, evalEvery, 0, strategy, null);
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(key.toJson().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A short human label for logs and job descriptions. */
  @JsonIgnore
  public String label() {
    return String.format("%s d=%d w=%d%s n=%d noise=%.2f wd=%g drop=%.2f seed=%d", family, depth,
        width, embedding > 0 ? " e=" + embedding : "", trainSize, labelNoise, weightDecay, dropout,
        seed);
  }
}
