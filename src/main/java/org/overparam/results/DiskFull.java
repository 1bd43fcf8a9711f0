package org.overparam.results;

import org.overparam.config.ConfigException;

/** Recognises a write that failed because the disk (or a quota) is full. */
public final class DiskFull {
  private DiskFull() {}

  /**
   * A one-line {@link ConfigException} naming {@code writing} if {@code e} or one of its causes
   * says the disk or a quota is full, else null.
   */
  public static ConfigException of(Throwable e, String writing) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage()) + " " + c.getClass().getSimpleName();
      if (m.contains("No space left on device") || m.contains("Disk quota exceeded")
          || m.contains("QuotaExceededException")) {
        return new ConfigException("disk full writing " + writing + " (" + m.lines()
            .filter(l -> l.contains("No space") || l.contains("quota") || l.contains("Quota"))
            .findFirst().orElse("no space left").trim() + "); free space and run again: "
            + "nothing already recorded was changed");
      }
    }
    return null;
  }
}
