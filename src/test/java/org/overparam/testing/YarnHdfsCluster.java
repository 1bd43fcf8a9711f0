package org.overparam.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real HDFS and YARN in this JVM: a {@link MiniDFSCluster} (one NameNode, one DataNode) and a
 * {@link MiniYARNCluster} (one ResourceManager, one NodeManager of 6144 MB), set up as Spark's own
 * YARN tests set theirs up, with the client configuration that {@code spark-submit} reads
 * ({@code HADOOP_CONF_DIR}) written to {@link #confDir()}. Containers are real processes
 * (launch_container.sh, then java), so an executor or an application master can be killed like
 * on a real cluster. {@link #close()}, also run by a shutdown hook, stops both and every
 * spark-submit started through {@link #submit}.
 */
public final class YarnHdfsCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Path dir;
  private final Path sparkHome;
  private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
  private final Thread hook = new Thread(this::stopAll, "yarn-hdfs-cluster-stop");
  private MiniDFSCluster dfs;
  private MiniYARNCluster yarn;
  private String nameNode;
  private Path yarnDir;

  private YarnHdfsCluster(Path dir, Path sparkHome) {
    this.dir = dir;
    this.sparkHome = sparkHome;
  }

  /** Starts HDFS, then YARN, and writes the client configuration. */
  public static YarnHdfsCluster start(Path dir) throws Exception {
    YarnHdfsCluster c = new YarnHdfsCluster(dir, StandaloneCluster.sparkHome());
    Runtime.getRuntime().addShutdownHook(c.hook);
    try {
      c.startAll();
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void startAll() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(dir.resolve("spark-conf")); // empty: no stray spark-defaults.conf
    Configuration hconf = new Configuration();
    hconf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    hconf.setInt("dfs.replication", 1);
    dfs = new MiniDFSCluster.Builder(hconf).numDataNodes(1).build();
    dfs.waitActive();
    nameNode = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
    double dfsUp = (System.nanoTime() - t0) / 1e9;

    YarnConfiguration y = new YarnConfiguration();
    y.set("fs.defaultFS", nameNode);
    // The configuration MiniDFSCluster writes names a test-only class here.
    y.set("net.topology.node.switch.mapping.impl", "org.apache.hadoop.net.ScriptBasedMapping");
    y.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    // MiniYARNCluster gives its NodeManagers this much (4096 MB unless set), not NM_PMEM_MB.
    y.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 6144);
    y.setInt(YarnConfiguration.NM_PMEM_MB, 6144);
    y.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 6144);
    y.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    y.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage",
        100.0f);
    // No capacity-scheduler.xml in the minicluster jar: the queue, inline (as Spark's tests do).
    y.set("yarn.scheduler.capacity.root.queues", "default");
    y.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    y.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    y.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    y.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    y.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    y.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    y.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
    y.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
    y.set("yarn.resourcemanager.hostname", "127.0.0.1");
    // Containers run {{JAVA_HOME}}/bin/java; this JVM's environment may have no JAVA_HOME.
    y.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
    // Container logs stay on the node (no aggregation) for the test to read.
    y.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, false);
    String name = "yarn-" + dir.getFileName();
    yarn = new MiniYARNCluster(name, 1, 1, 1);
    yarn.init(y);
    yarn.start();
    yarnDir = yarn.getTestWorkDir().toPath().toAbsolutePath();
    // start() may return before the ResourceManager has put its real port in the configuration.
    Configuration live = yarn.getConfig();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (live.get(YarnConfiguration.RM_ADDRESS, ":0").endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ResourceManager never got a port");
      }
      Thread.sleep(100);
    }
    while (yarn.getResourceManager().getRMContext().getRMNodes().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no NodeManager registered with the ResourceManager");
      }
      Thread.sleep(100);
    }
    writeClientConfiguration(live);
    System.out.printf("yarn+hdfs: NameNode %s (up in %.1fs), ResourceManager %s; both up in %.1fs;"
            + " client configuration in %s, YARN folders in %s%n", nameNode, dfsUp,
        live.get(YarnConfiguration.RM_ADDRESS), (System.nanoTime() - t0) / 1e9, confDir(),
        yarnDir);
  }

  private void writeClientConfiguration(Configuration live) throws IOException {
    Path conf = Files.createDirectories(dir.resolve("hadoop-conf"));
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", nameNode);
    core.set("net.topology.node.switch.mapping.impl", "org.apache.hadoop.net.ScriptBasedMapping");
    write(core, conf.resolve("core-site.xml"));
    Configuration hdfs = new Configuration(false);
    hdfs.set("dfs.replication", "1");
    write(hdfs, conf.resolve("hdfs-site.xml"));
    // Everything the running YARN uses, as Spark's tests write it: the addresses with real ports.
    Configuration site = new Configuration(false);
    for (Map.Entry<String, String> e : live) {
      site.set(e.getKey(), e.getValue());
    }
    site.set("fs.defaultFS", nameNode);
    site.set("net.topology.node.switch.mapping.impl", "org.apache.hadoop.net.ScriptBasedMapping");
    write(site, conf.resolve("yarn-site.xml"));
  }

  private static void write(Configuration c, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      c.writeXml(out);
    }
  }

  /** {@code hdfs://127.0.0.1:PORT}. */
  public String nameNode() {
    return nameNode;
  }

  /** A client of this HDFS. */
  public FileSystem fs() throws IOException {
    return dfs.getFileSystem();
  }

  /** The folder to give as HADOOP_CONF_DIR. */
  public Path confDir() {
    return dir.resolve("hadoop-conf");
  }

  public Path sparkHome() {
    return sparkHome;
  }

  /** Ids of the applications the ResourceManager knows. */
  public Set<String> applicationIds() {
    return yarn.getResourceManager().getRMContext().getRMApps().keySet().stream()
        .map(Object::toString).collect(Collectors.toCollection(TreeSet::new));
  }

  /** An application's state and final status as the ResourceManager reports them. */
  public String state(String appId) {
    RMApp a = yarn.getResourceManager().getRMContext().getRMApps()
        .get(ApplicationId.fromString(appId));
    return a == null ? "unknown" : a.getState() + "/" + a.getFinalApplicationStatus();
  }

  /**
   * Every container's stdout and stderr of {@code appId}, the application master's first
   * (container _000001; in cluster mode the driver's output is there).
   */
  public List<Path> containerLogs(String appId) throws IOException {
    try (Stream<Path> s = Files.walk(yarnDir)) {
      return s.filter(p -> (p.getFileName().toString().equals("stderr")
              || p.getFileName().toString().equals("stdout"))
          && p.toString().contains("/" + appId + "/")).sorted().toList();
    }
  }

  /** All container logs of {@code appId}, joined. */
  public String containerLogText(String appId) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path p : containerLogs(appId)) {
      sb.append("==> ").append(p).append('\n').append(Files.readString(p)).append('\n');
    }
    return sb.toString();
  }

  /**
   * Starts {@code command} (a submit script and its arguments) against this cluster: its Spark,
   * HADOOP_CONF_DIR, an empty SPARK_CONF_DIR, output to {@code <dir>/<name>.log}.
   */
  public Process launch(List<String> command, Map<String, String> env, String name)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log(name).toFile());
    Map<String, String> e = pb.environment();
    e.remove("YARN_CONF_DIR");
    e.put("SPARK_HOME", sparkHome.toString());
    e.put("SPARK_CONF_DIR", dir.resolve("spark-conf").toString());
    e.put("HADOOP_CONF_DIR", confDir().toString());
    e.put("SPARK_LOCAL_IP", "127.0.0.1");
    e.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve(name + "-local")).toString());
    e.putAll(env);
    synchronized (processes) {
      Process p = pb.start();
      processes.add(p);
      return p;
    }
  }

  public Path log(String name) {
    return dir.resolve(name + ".log");
  }

  /** Waits for a launched command; kills it past {@code timeout}. */
  public StandaloneCluster.Submission await(Process p, String name, Duration timeout)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!done) {
      stop(p);
    }
    String out = Files.readString(log(name));
    if (!done) {
      throw new AssertionError(name + " still running after " + timeout + "; killed. Its output:\n"
          + StandaloneCluster.tail(out));
    }
    System.out.printf("%s: exited with %d (waited %.1fs); output in %s%n", name, p.exitValue(),
        (System.nanoTime() - t0) / 1e9, log(name));
    return new StandaloneCluster.Submission(p.exitValue(), log(name), out);
  }

  /** Runs {@code command} to its end (see {@link #launch}). */
  public StandaloneCluster.Submission submit(List<String> command, Map<String, String> env,
      String name, Duration timeout) throws IOException, InterruptedException {
    return await(launch(command, env, name), name, timeout);
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the hook itself
    }
  }

  private synchronized void stopAll() {
    List<Process> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
      processes.clear();
    }
    all.forEach(YarnHdfsCluster::stop);
    if (yarn != null) {
      yarn.stop(); // the NodeManager stops its containers
      yarn = null;
      // Container logs stay; the jars each application localized (~160 MB apiece) go.
      try (Stream<Path> s = Files.list(yarnDir)) {
        for (Path d : s.filter(p -> p.getFileName().toString().contains("-localDir-")).toList()) {
          org.apache.commons.io.FileUtils.deleteQuietly(d.toFile());
        }
      } catch (IOException | RuntimeException e) {
        // only space is lost
      }
    }
    if (dfs != null) {
      dfs.shutdown(true); // and its blocks: every application's jar once more
      dfs = null;
    }
  }

  private static void stop(Process p) {
    List<ProcessHandle> tree = Stream.concat(p.descendants(), Stream.of(p.toHandle())).toList();
    p.destroy();
    try {
      p.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
