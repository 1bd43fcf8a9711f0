package org.overparam.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1: one Master and several Worker processes started
 * from the Spark distribution that submit/setup installs ({@code bin/spark-class}), on free ports,
 * with every log, work folder and scratch folder under one directory. {@link #close()}, also run
 * by a shutdown hook, stops every process it started and their children (executors, drivers).
 */
public final class StandaloneCluster implements AutoCloseable {
  /** One worker: task slots, memory for executors, extra environment (SPARK_WORKER_OPTS...). */
  public record Worker(int cores, int memoryMb, Map<String, String> env) {}

  /** A finished spark-submit: exit code and everything it printed. */
  public record Submission(int exitCode, Path log, String output) {}

  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path sparkHome;
  private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
  private final List<Path> workDirs = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "standalone-cluster-stop");
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private String masterUrl;
  private int webUiPort;

  private StandaloneCluster(Path dir, Path sparkHome) {
    this.dir = dir;
    this.sparkHome = sparkHome;
  }

  /** Starts a master and {@code workers}, and returns once every worker has registered. */
  public static StandaloneCluster start(Path dir, List<Worker> workers) throws IOException,
      InterruptedException {
    Files.createDirectories(dir.resolve("conf")); // empty: no stray spark-defaults.conf
    StandaloneCluster c = new StandaloneCluster(dir, sparkHome());
    Runtime.getRuntime().addShutdownHook(c.hook);
    long t0 = System.nanoTime();
    try {
      c.startMaster();
      for (int i = 0; i < workers.size(); i++) {
        c.startWorker(i + 1, workers.get(i));
      }
      c.awaitWorkers(workers.size(), t0);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * The Spark distribution: {@code $SPARK_HOME}, else the pyspark of the project's virtual
   * environment ({@code $OVERPARAM_VENV}, else the {@code overparam.venv} system property).
   */
  public static Path sparkHome() throws IOException, InterruptedException {
    String env = System.getenv("SPARK_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String venv = System.getenv("OVERPARAM_VENV");
    if (venv == null || venv.isBlank()) {
      venv = System.getProperty("overparam.venv",
          Path.of(System.getProperty("overparam.root", ".")).resolve(".venv").toString());
    }
    Path python = Path.of(venv, "bin", "python");
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException("no Python environment at " + venv
          + ": run submit/setup (it installs pyspark, the Spark distribution these tests use)");
    }
    Process p = new ProcessBuilder(python.toString(), "-c",
        "import os, pyspark; print(os.path.dirname(pyspark.__file__))")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0 || !Files.isExecutable(Path.of(out, "bin", "spark-class"))) {
      throw new IllegalStateException("no Spark distribution in " + venv + " (" + out
          + "): run submit/setup");
    }
    return Path.of(out);
  }

  public String masterUrl() {
    return masterUrl;
  }

  public String webUi() {
    return "http://127.0.0.1:" + webUiPort;
  }

  /** Work folder of worker {@code i} (1-based): app-*&#47;EXECUTOR/stderr hold executor logs. */
  public Path workDir(int i) {
    return workDirs.get(i - 1);
  }

  /** The master's state, as its web UI serves it at /json. */
  public JsonNode state() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(webUi() + "/json/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  /** Executor stderr files of every application that ran on worker {@code i}. */
  public List<Path> executorLogs(int i) throws IOException {
    try (Stream<Path> s = Files.walk(workDir(i), 3)) {
      return s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList();
    }
  }

  /**
   * Runs {@code command} (a submit script and its arguments) with this cluster's Spark, scratch
   * folders under the cluster's directory, and {@code env}; kills it if it outlives
   * {@code timeout}.
   */
  public Submission submit(List<String> command, Map<String, String> env, String name,
      Duration timeout) throws IOException, InterruptedException {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    environment(pb, dir.resolve(name + "-local"));
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = start(pb);
    boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!done) {
      stop(p);
    }
    String out = Files.readString(log);
    if (!done) {
      throw new AssertionError(name + " still running after " + timeout + "; killed. Its output:\n"
          + tail(out));
    }
    System.out.printf("%s: %s exited with %d after %.1fs; output in %s%n", name,
        Path.of(command.get(0)).getFileName(), p.exitValue(), (System.nanoTime() - t0) / 1e9, log);
    return new Submission(p.exitValue(), log, out);
  }

  @Override
  public void close() {
    stopAll();
    dropApplicationJars();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the hook itself
    }
  }

  /** The last lines of a log, for failure messages. */
  public static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  // ---- start ------------------------------------------------------------------------------

  private void startMaster() throws IOException, InterruptedException {
    int port = freePort();
    webUiPort = freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    ProcessBuilder pb = daemon("org.apache.spark.deploy.master.Master", "master",
        "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--webui-port", String.valueOf(webUiPort));
    Process master = start(pb);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        if ("ALIVE".equals(state().path("status").asText())) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      check(master, "master", deadline);
      Thread.sleep(500);
    }
  }

  private void startWorker(int i, Worker w) throws IOException {
    Path home = dir.resolve("worker-" + i);
    Path work = Files.createDirectories(home.resolve("work"));
    Path local = Files.createDirectories(home.resolve("local"));
    workDirs.add(work);
    ProcessBuilder pb = daemon("org.apache.spark.deploy.worker.Worker", "worker-" + i,
        "--host", "127.0.0.1", "--port", String.valueOf(freePort()),
        "--webui-port", String.valueOf(freePort()),
        "--cores", String.valueOf(w.cores()), "--memory", w.memoryMb() + "m",
        "--work-dir", work.toString(), masterUrl);
    pb.environment().put("SPARK_LOCAL_DIRS", local.toString());
    pb.environment().putAll(w.env());
    start(pb);
  }

  private void awaitWorkers(int n, long t0) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      JsonNode s = state();
      List<JsonNode> alive = new ArrayList<>();
      s.path("workers").forEach(w -> {
        if ("ALIVE".equals(w.path("state").asText())) {
          alive.add(w);
        }
      });
      if (alive.size() >= n) {
        List<String> desc = alive.stream().map(w -> w.path("id").asText() + " ("
            + w.path("cores").asInt() + " core(s), " + w.path("memory").asInt() + " MB"
            + (w.path("resources").isEmpty() ? "" : ", resources " + w.path("resources")) + ")")
            .toList();
        System.out.printf("standalone cluster: master %s (web UI %s), %d workers: %s; up in "
                + "%.1fs; logs in %s%n", masterUrl, webUi(), alive.size(), String.join(", ", desc),
            (System.nanoTime() - t0) / 1e9, dir);
        return;
      }
      synchronized (processes) {
        for (int i = 1; i < processes.size(); i++) {
          check(processes.get(i), "worker-" + i, deadline);
        }
      }
      check(processes.get(0), "master", deadline);
      Thread.sleep(500);
    }
  }

  private ProcessBuilder daemon(String mainClass, String name, String... args) {
    List<String> cmd = new ArrayList<>(List.of(sparkHome.resolve("bin/spark-class").toString(),
        mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    environment(pb, dir.resolve(name + "-local"));
    return pb;
  }

  /** Spark's location, loopback only, and scratch space under this cluster's folder. */
  private void environment(ProcessBuilder pb, Path local) {
    Map<String, String> env = pb.environment();
    for (String k : List.of("SPARK_MASTER_OPTS", "SPARK_WORKER_OPTS", "SPARK_DAEMON_JAVA_OPTS",
        "SPARK_WORKER_DIR", "HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
      env.remove(k);
    }
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_CONF_DIR", dir.resolve("conf").toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", local.toString());
  }

  private Process start(ProcessBuilder pb) throws IOException {
    synchronized (processes) {
      Process p = pb.start();
      processes.add(p);
      return p;
    }
  }

  private void check(Process p, String name, long deadline) throws IOException {
    if (!p.isAlive()) {
      throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n"
          + tail(Files.readString(dir.resolve(name + ".log"))));
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(name + " not ready after " + START_TIMEOUT + "; see "
          + dir.resolve(name + ".log"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  // ---- stop -------------------------------------------------------------------------------

  /** Stops drivers, then workers (which stop their executors), then the master. */
  private void stopAll() {
    List<Process> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
      processes.clear();
    }
    Collections.reverse(all);
    for (Process p : all) {
      stop(p);
    }
  }

  /** SIGTERM to the process, then SIGKILL to whatever is left of its tree after 20 s. */
  private static void stop(Process p) {
    List<ProcessHandle> tree = Stream.concat(p.descendants(), Stream.of(p.toHandle())).toList();
    p.destroy();
    try {
      p.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle h : tree) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // gone or unkillable; nothing more to do
      }
    }
  }

  /** Keeps the executor logs but not each executor's copy of the application jar. */
  private void dropApplicationJars() {
    for (Path work : workDirs) {
      try (Stream<Path> s = Files.walk(work, 3)) {
        for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
          Files.deleteIfExists(jar);
        }
      } catch (IOException | UncheckedIOException e) {
        // only space is lost
      }
    }
  }

  /** A fresh folder for one cluster under target/it-cluster. */
  public static Path freshDir(String name) {
    Path root = Path.of(System.getProperty("overparam.root", ".")).resolve("target/it-cluster");
    try {
      Files.createDirectories(root);
      return Files.createTempDirectory(root, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
