package org.overparam.data;

/** A data file that is missing, truncated or not what it claims to be. */
public class DataException extends RuntimeException {
  public DataException(String message) {
    super(message);
  }
}
