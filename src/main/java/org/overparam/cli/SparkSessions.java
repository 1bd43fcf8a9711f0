package org.overparam.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.overparam.config.ConfigException;
import org.overparam.train.spark.SparkSettings;

/** Starts (or joins) the Spark session, after checking that its master can be reached. */
final class SparkSessions {
  private SparkSessions() {}

  /** The forms {@link #master} accepts, as its error message lists them. */
  static final String EXPECTED = "expected local[N], spark://host:port, yarn or k8s://...";

  private static final Pattern LOCAL =
      Pattern.compile("local(?:\\[(\\*|[0-9]+)(?:\\s*,\\s*([0-9]+))?\\])?");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile(
      "local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*\\]");
  private static final Pattern HOST_PORT = Pattern.compile(
      "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
          + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*):([0-9]{1,5})");

  /**
   * The master to use: {@code --master}, else spark-submit's ({@code spark.master}), else
   * {@code local[*]}; refused unless it is one of the forms Spark 3.5 runs:
   *
   * <ul>
   *   <li>{@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}, {@code
   *       local[*,F]}: N threads (at least 1), F attempts per task (at least 1);
   *   <li>{@code local-cluster[N,C,M]}: N workers of C cores and M MiB (Spark's test cluster;
   *       each at least 1);
   *   <li>{@code spark://host:port[,host:port...]}: a standalone master (or several, with
   *       standby masters), each port 1..65535;
   *   <li>{@code yarn};
   *   <li>{@code k8s://[http[s]://]host[:port][/path]}: a Kubernetes API server.
   * </ul>
   *
   * Mesos ({@code mesos://}) is refused: deprecated since Spark 3.2, removed in Spark 4, and
   * never tested with this program. So are Spark 2's {@code yarn-client} and {@code
   * yarn-cluster}.
   */
  static String master(String option) {
    String m = option != null ? option : new SparkConf().get("spark.master", "local[*]");
    String name = option != null ? "--master" : "spark.master";
    String why = problem(m);
    if (why != null) {
      throw new ConfigException(name + " " + m + ": " + why);
    }
    return m;
  }

  /** Why {@code m} is not a master URL this program can use, or null if it is one. */
  static String problem(String m) {
    String bad = "not a Spark master URL (" + EXPECTED + ")";
    if (m.startsWith("mesos://")) {
      return "Mesos is not supported (deprecated since Spark 3.2, removed in Spark 4; "
          + EXPECTED + ")";
    }
    Matcher local = LOCAL.matcher(m);
    if (local.matches()) {
      boolean ok = (local.group(1) == null || local.group(1).equals("*")
          || atLeastOne(local.group(1))) && (local.group(2) == null || atLeastOne(local.group(2)));
      return ok ? null : bad;
    }
    Matcher cluster = LOCAL_CLUSTER.matcher(m);
    if (cluster.matches()) {
      return atLeastOne(cluster.group(1)) && atLeastOne(cluster.group(2))
          && atLeastOne(cluster.group(3)) ? null : bad;
    }
    if (m.startsWith("spark://")) {
      return hostPorts(m).isEmpty() ? bad : null;
    }
    if (m.equals("yarn")) {
      return null;
    }
    if (m.startsWith("k8s://")) {
      return kubernetes(m.substring("k8s://".length())) ? null : bad;
    }
    return bad;
  }

  private static boolean atLeastOne(String digits) {
    try {
      return Integer.parseInt(digits) >= 1;
    } catch (NumberFormatException e) {
      return false; // too many digits for an int
    }
  }

  /** The hosts and ports of a spark:// URL; empty unless every one of them is well formed. */
  static List<InetSocketAddress> hostPorts(String master) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String hp : master.substring("spark://".length()).split(",", -1)) {
      Matcher x = HOST_PORT.matcher(hp);
      if (!x.matches()) {
        return List.of();
      }
      int port = Integer.parseInt(x.group(2));
      if (port < 1 || port > 65535) {
        return List.of();
      }
      String host = x.group(1).startsWith("[")
          ? x.group(1).substring(1, x.group(1).length() - 1) : x.group(1);
      out.add(InetSocketAddress.createUnresolved(host, port));
    }
    return out;
  }

  /** Whether {@code rest} (after k8s://) names an API server as Spark reads it. */
  private static boolean kubernetes(String rest) {
    // As Spark reads it: a scheme, if any, must be http or https; without one, https.
    if (rest.contains("://") && !rest.startsWith("http://") && !rest.startsWith("https://")) {
      return false;
    }
    String url = rest.contains("://") ? rest : "https://" + rest;
    try {
      URI u = new URI(url);
      return u.getHost() != null && (u.getPort() == -1 || (u.getPort() >= 1
          && u.getPort() <= 65535)) && u.getQuery() == null && u.getFragment() == null
          && u.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Fails fast, before Spark starts, if a standalone master does not answer. */
  static void checkReachable(String master) {
    if (!master.startsWith("spark://")) {
      return;
    }
    for (InetSocketAddress a : hostPorts(master)) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), 3000);
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
