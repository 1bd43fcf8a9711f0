package org.overparam.results;

import java.io.InputStream;
import java.io.Serializable;
import java.util.Properties;

/**
 * Where a sweep ran: recorded in every row of the runs table.
 *
 * @param gitCommit commit the application jar was built from
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
    String commit = p.getProperty("git.commit.id", "unknown");
    if (commit.isBlank() || commit.startsWith("${")) {
      commit = "unknown";
    }
    String version = p.getProperty("version", "unknown");
    return new Provenance(commit, version, sparkMaster, sparkAppId);
  }
}
