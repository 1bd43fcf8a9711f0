package org.overparam.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.overparam.train.spark.SparkSettings;

/** One real {@code local[2]} Spark session shared by the tests of this JVM. */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession get() {
    if (session == null || session.sparkContext().isStopped()) {
      session = SparkSettings.apply(SparkSession.builder(), new SparkConf())
          .master("local[2]")
          .appName("overparam-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
          .getOrCreate();
    }
    return session;
  }
}
