package org.overparam.results;

import java.io.InputStream;
import java.io.Serializable;
import java.util.Properties;

/**
 * Where a sweep ran: recorded in every row of the runs table.
 *
 * @param gitCommit commit the application jar was built from, with {@code -dirty} appended when
 *     the working tree it was built from had changes not committed
 * @param version application version
 * @param sparkMaster Spark master URL
 * @param sparkAppId Spark application id
 */
public record Provenance(String gitCommit, String version, String sparkMaster, String sparkAppId)
    implements Serializable {

  /** Commit and version from the build's {@code overparam-build.properties}. */
  public static Provenance of(String sparkMaster, String sparkAppId) {
    Properties p = new Properties();
    try (InputStream in = Provenance.class.getResourceAsStream("/overparam-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (java.io.IOException e) {
      // fall through to "unknown"
    }
    return of(p, sparkMaster, sparkAppId);
  }

  /** From the build's properties ({@code git.commit.id}, {@code git.dirty}, {@code version}). */
  static Provenance of(Properties p, String sparkMaster, String sparkAppId) {
    String commit = p.getProperty("git.commit.id", "unknown");
    if (commit.isBlank() || commit.startsWith("${")) {
      commit = "unknown";
    } else if ("true".equals(p.getProperty("git.dirty"))) {
      commit += "-dirty";
    }
    String version = p.getProperty("version", "unknown");
    return new Provenance(commit, version, sparkMaster, sparkAppId);
  }
}
