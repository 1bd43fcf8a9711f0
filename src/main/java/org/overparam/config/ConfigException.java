package org.overparam.config;

/** A problem with user input, reported as one line naming the field or file; exit code 2. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
