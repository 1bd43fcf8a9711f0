package org.overparam.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A learning rate that falls from {@code initial} to {@code initial x FLOOR} along half a cosine
 * over a run's {@code steps} minibatch steps, then stays there: Chinchilla's schedule (Hoffmann
 * et al. 2022, cosine decay by 10x over the run's token budget, no warm-up here). A run whose
 * schedule fits its own length ends annealed, so its last loss is what its N and D buy, not a
 * constant rate's noise floor. DL4J passes the network's iteration count, which checkpoints keep,
 * so a resumed run goes on where it stopped. Serialised in the network's JSON by class name.
 */
public final class CosineSchedule implements ISchedule {
  /** The last rate, as a fraction of the first. */
  public static final double FLOOR = 0.1;

  @JsonProperty("initial")
  private final double initial;
  @JsonProperty("steps")
  private final int steps;

  /**
   * @param initial the rate at step 0
   * @param steps the run's minibatch steps, all epochs; at least 1
   */
  public CosineSchedule(@JsonProperty("initial") double initial,
      @JsonProperty("steps") int steps) {
    if (!(initial > 0) || steps < 1) {
      throw new IllegalArgumentException("cosine schedule: rate " + initial + ", steps " + steps);
    }
    this.initial = initial;
    this.steps = steps;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    double progress = Math.min(1.0, (double) iteration / steps);
    return initial * (FLOOR + (1 - FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  @Override
  public ISchedule clone() {
    return new CosineSchedule(initial, steps);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosineSchedule c && c.initial == initial && c.steps == steps;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(initial) * 31 + steps;
  }

  @Override
  public String toString() {
    return "CosineSchedule(initial=" + initial + ", steps=" + steps + ")";
  }
}
