package org.overparam.cli;

import org.apache.spark.sql.SparkSession;

/**
 * A Spark session for one command: started here and stopped at the end, unless the JVM already
 * has one (an embedding program's), which is used and left running.
 */
final class OwnedSpark implements AutoCloseable {
  final SparkSession spark;
  private final boolean owned;

  private OwnedSpark(SparkSession spark, boolean owned) {
    this.spark = spark;
    this.owned = owned;
  }

  /** Checks the master (see {@link SparkSessions}) and starts or joins the session. */
  static OwnedSpark start(String masterOption, String appName) {
    boolean existing = SparkSession.getDefaultSession().isDefined()
        && !SparkSession.getDefaultSession().get().sparkContext().isStopped();
    if (existing) {
      return new OwnedSpark(SparkSession.getDefaultSession().get(), false);
    }
    String m = SparkSessions.master(masterOption);
    SparkSessions.checkReachable(m);
    return new OwnedSpark(SparkSessions.start(m, appName), true);
  }

  @Override
  public void close() {
    if (owned) {
      spark.stop();
    }
  }
}
