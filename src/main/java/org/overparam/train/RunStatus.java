package org.overparam.train;

/** How a run ended. */
public enum RunStatus {
  /** Trained every epoch. */
  COMPLETED,
  /** Loss became NaN or infinite; epochs up to the last finite one are kept. */
  DIVERGED,
  /** Threw; the message says why. */
  FAILED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
