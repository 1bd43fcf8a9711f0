package org.overparam.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.overparam.config.ConfigException;
import org.overparam.train.spark.SparkSettings;

/** Starts (or joins) the Spark session, after checking that its master can be reached. */
final class SparkSessions {
  private SparkSessions() {}

  /** The master to use: {@code --master}, else spark-submit's, else {@code local[*]}. */
  static String master(String option) {
    if (option != null) {
      return option;
    }
    return new SparkConf().get("spark.master", "local[*]");
  }

  /** Fails fast, before Spark starts, if a standalone master does not answer. */
  static void checkReachable(String master) {
    if (!master.startsWith("spark://")) {
      return;
    }
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      URI u = URI.create("spark://" + hostPort);
      if (u.getHost() == null || u.getPort() < 0) {
        throw new ConfigException("--master " + master + ": not a spark://host:port URL");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 3000);
        return;
      } catch (IOException e) {
        // try the next one
      }
    }
    throw new ConfigException("--master " + master + ": no Spark master answers there");
  }

  static SparkSession start(String master, String appName) {
    return SparkSettings.apply(SparkSession.builder(), new SparkConf())
        .master(master)
        .appName(appName)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate();
  }
}
