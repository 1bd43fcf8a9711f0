package org.overparam.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.overparam.config.ConfigException;
import org.overparam.results.DiskFull;
import org.overparam.results.ResultsLayout;

/**
 * The analysis tables of a results root, replaced as one unit. An analysis writes every table
 * into a staging folder beside them ({@code <results>/_analysis-staging-<id>}, skipped by
 * readers), copies in the partitions of experiments it did not analyse, writes the manifest
 * {@code _ANALYSIS.json} (for each experiment: the analysis that wrote it, when, and the files of
 * each of its tables), and then swaps the staging folder in for {@code <results>/analysis} with
 * two renames. Readers see the old tables or the new ones, never a mix: a killed or disk-full
 * analysis leaves the old folder as it was (the staging folder is removed by the next
 * analysis), and one killed between the two renames is put back by the next.
 *
 * <p>One analysis at a time holds {@code <results>/_analysis.lock} (host, pid, start); another
 * waits for it (up to {@link #LOCK_WAIT_MILLIS} by default) and then refuses, naming the holder. A lock whose
 * process is gone (same host) is taken over.
 *
 * <p>{@link #verify} is the reader's side: {@code report} refuses tables that the manifest does
 * not list for their experiment, i.e. tables of different analyses.
 */
public final class AnalysisFolder implements AutoCloseable {
  static final String MANIFEST = "_ANALYSIS.json";
  static final String LOCK = "_analysis.lock";
  static final String STAGING = "_analysis-staging-";
  static final String OLD = "_analysis-old-";
  /** How long an analysis waits for another to finish, by default. */
  static final long LOCK_WAIT_MILLIS = 10 * 60 * 1000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path root;
  private final Path live;
  private final Path staging;
  private final Path lock;
  private final String id = UUID.randomUUID().toString();
  private boolean committed;

  private AnalysisFolder(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
    this.live = new Path(root, ResultsLayout.ANALYSIS);
    this.staging = new Path(root, STAGING + id);
    this.lock = new Path(root, LOCK);
  }

  /** Takes the lock (waiting for another analysis), tidies what a killed one left. */
  static AnalysisFolder begin(String results, Configuration conf, long waitMillis,
      PrintStream out) {
    try {
      return open(results, conf, waitMillis, out);
    } catch (org.apache.hadoop.fs.FSError e) {
      throw failure(results, new IOException(e.getMessage(), e));
    }
  }

  private static AnalysisFolder open(String results, Configuration conf, long waitMillis,
      PrintStream out) {
    try {
      Path root = new Path(results);
      FileSystem fs = root.getFileSystem(conf);
      root = fs.makeQualified(root);
      AnalysisFolder f = new AnalysisFolder(fs, root);
      fs.mkdirs(root); // a CSV input's results root may not exist yet
      f.acquire(waitMillis, out);
      try {
        f.recover();
        fs.mkdirs(f.staging);
      } catch (IOException | RuntimeException e) {
        f.close();
        throw e;
      }
      return f;
    } catch (IOException e) {
      throw failure(results, e);
    }
  }

  /** Where this analysis writes its tables ({@code <staging>/<table>/experiment=<name>}). */
  String folder() {
    return staging.toString();
  }

  /** The folder readers read, {@code <results>/analysis}. */
  String live() {
    return live.toString();
  }

  /**
   * Makes the staged tables the analysis of {@code analysed}, keeping the other experiments'
   * tables as they were, in one swap.
   */
  void commit(Collection<String> analysed) {
    try {
      ObjectNode manifest = JSON.createObjectNode();
      JsonNode old = readManifest(fs, live);
      // Experiments not analysed now keep their tables and manifest entries.
      if (fs.exists(live)) {
        for (FileStatus table : fs.listStatus(live, p -> !hidden(p.getName()))) {
          if (!table.isDirectory()) {
            continue;
          }
          for (FileStatus part : fs.listStatus(table.getPath())) {
            String e = experimentOf(part.getPath().getName());
            if (part.isDirectory() && e != null && !analysed.contains(e)) {
              FileUtil.copy(fs, part.getPath(), fs, new Path(new Path(staging,
                  table.getPath().getName()), part.getPath().getName()), false, fs.getConf());
            }
          }
        }
      }
      for (String e : new TreeSet<>(listExperiments(staging))) {
        if (!analysed.contains(e) && old != null && old.has(e)) {
          manifest.set(e, old.get(e));
        } else {
          ObjectNode entry = manifest.putObject(e);
          entry.put("analysis_id", analysed.contains(e) ? id : "unrecorded");
          entry.put("written_at", Instant.now().toString());
          ObjectNode tables = entry.putObject("tables");
          listing(staging, e).forEach((t, files) -> {
            var a = tables.putArray(t);
            files.forEach(a::add);
          });
        }
      }
      try (OutputStream o = fs.create(new Path(staging, MANIFEST), true)) {
        o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      }
      // The swap: readers see the old folder until the second rename shows the new one.
      Path old2 = new Path(root, OLD + id);
      if (fs.exists(live) && !fs.rename(live, old2)) {
        throw new IOException("cannot rename " + live + " to " + old2);
      }
      if (!fs.rename(staging, live)) {
        fs.rename(old2, live);
        throw new IOException("cannot rename " + staging + " to " + live);
      }
      committed = true;
      fs.delete(old2, true);
    } catch (IOException e) {
      throw failure(live.toString(), e);
    } catch (org.apache.hadoop.fs.FSError e) {
      throw failure(live.toString(), new IOException(e.getMessage(), e));
    }
  }

  /** Removes the staging folder unless committed, and releases the lock. */
  @Override
  public void close() {
    try {
      if (!committed) {
        fs.delete(staging, true);
      }
    } catch (IOException ignored) {
      // the next analysis removes it
    }
    try {
      fs.delete(lock, false);
    } catch (IOException ignored) {
      // a lock of a process that is gone is taken over
    }
  }

  /**
   * Checks that the analysis tables of each of {@code experiments} are the ones the manifest
   * lists for it: a one-line {@link ConfigException} names the first table that is not.
   */
  public static void verify(String results, Collection<String> experiments,
      Configuration conf) {
    Path live = new Path(results, ResultsLayout.ANALYSIS);
    try {
      FileSystem fs = live.getFileSystem(conf);
      JsonNode manifest = readManifest(fs, live);
      if (manifest == null) {
        throw new ConfigException("analysis tables " + live + ": no " + MANIFEST + " (written "
            + "by an older overparam, or copied by hand); run overparam analyze again");
      }
      for (String e : experiments) {
        JsonNode entry = manifest.get(e);
        if (entry == null) {
          throw new ConfigException("analysis tables " + live + ": experiment " + e + " is not "
              + "in " + MANIFEST + "; run overparam analyze again");
        }
        Map<String, List<String>> expected = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.get("tables").fields();
            it.hasNext(); ) {
          Map.Entry<String, JsonNode> t = it.next();
          List<String> files = new ArrayList<>();
          t.getValue().forEach(n -> files.add(n.asText()));
          expected.put(t.getKey(), files);
        }
        Map<String, List<String>> found = listing(live, e, fs);
        if (!found.equals(expected)) {
          TreeSet<String> tables = new TreeSet<>(found.keySet());
          tables.addAll(expected.keySet());
          String bad = tables.stream().filter(t -> !java.util.Objects.equals(found.get(t),
              expected.get(t))).findFirst().orElse("?");
          throw new ConfigException("analysis tables " + live + ": table " + bad + " of "
              + "experiment " + e + " is not the one analysis " + entry.path("analysis_id")
              .asText() + " wrote (tables of different analyses); run overparam analyze again");
        }
      }
    } catch (IOException ex) {
      throw new ConfigException("analysis tables " + live + ": cannot read: " + ex.getMessage());
    }
  }

  // ---- the lock

  private void acquire(long waitMillis, PrintStream out) throws IOException {
    long deadline = System.currentTimeMillis() + waitMillis;
    long lastSaid = 0;
    String me = holder();
    while (true) {
      if (tryLock(me)) {
        return;
      }
      String held = readLock();
      if (held != null && (gone(held) || (held.isEmpty() && stale()))) {
        fs.delete(lock, false);
        continue;
      }
      long now = System.currentTimeMillis();
      if (now > deadline) {
        throw new ConfigException("results root " + root + ": another analysis holds " + lock
            + " (" + held + "); wait for it, or delete the lock if that process is gone");
      }
      if (now - lastSaid > 30_000) {
        out.println("overparam: analyze: waiting for another analysis of " + root + " ("
            + held + ")");
        lastSaid = now;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for " + lock);
      }
    }
  }

  /**
   * Creates the lock holding {@code me} if no one holds it: with O_EXCL on a local disk (Hadoop's
   * local create checks, then creates), with the NameNode's exclusive create on HDFS.
   */
  private boolean tryLock(String me) throws IOException {
    byte[] bytes = me.getBytes(StandardCharsets.UTF_8);
    java.net.URI u = fs.makeQualified(lock).toUri();
    if ("file".equals(u.getScheme())) {
      java.nio.file.Path p = java.nio.file.Paths.get(u);
      try {
        java.nio.file.Files.write(p, bytes, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      } catch (IOException e) {
        java.nio.file.Files.deleteIfExists(p); // a lock nobody holds would stop every analysis
        throw e;
      }
    }
    OutputStream o;
    try {
      o = fs.create(lock, false);
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(lock)) {
        return false;
      }
      throw e;
    }
    try (OutputStream w = o) {
      w.write(bytes);
      return true;
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      fs.delete(lock, false);
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  /** Whether the lock file is over a minute old (an empty one was left by a killed writer). */
  private boolean stale() {
    try {
      return fs.getFileStatus(lock).getModificationTime() < System.currentTimeMillis() - 60_000;
    } catch (IOException e) {
      return false;
    }
  }

  private static String holder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    return "host=" + host + " pid=" + ProcessHandle.current().pid() + " since="
        + Instant.now();
  }

  private String readLock() {
    try (InputStream in = fs.open(lock)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether the lock's process is gone: same host, no such pid. */
  private static boolean gone(String held) {
    String mine = holder();
    String host = field(held, "host");
    if (host == null || !host.equals(field(mine, "host"))) {
      return false;
    }
    try {
      long pid = Long.parseLong(field(held, "pid"));
      return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String field(String held, String key) {
    for (String kv : held.split(" ")) {
      if (kv.startsWith(key + "=")) {
        return kv.substring(key.length() + 1);
      }
    }
    return null;
  }

  // ---- tidying after a killed analysis

  /** Puts back a folder a killed swap left aside, and removes staging folders. */
  private void recover() throws IOException {
    FileStatus[] left = fs.listStatus(root, p -> p.getName().startsWith(STAGING)
        || p.getName().startsWith(OLD));
    if (!fs.exists(live)) {
      for (FileStatus st : left) {
        if (st.getPath().getName().startsWith(OLD)) {
          fs.rename(st.getPath(), live);
          break;
        }
      }
    }
    for (FileStatus st : fs.listStatus(root, p -> p.getName().startsWith(STAGING)
        || p.getName().startsWith(OLD))) {
      fs.delete(st.getPath(), true);
    }
  }

  // ---- listings

  private static JsonNode readManifest(FileSystem fs, Path folder) throws IOException {
    Path m = new Path(folder, MANIFEST);
    if (!fs.exists(m)) {
      return null;
    }
    try (InputStream in = fs.open(m)) {
      return JSON.readTree(in);
    }
  }

  private List<String> listExperiments(Path folder) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    for (FileStatus table : fs.listStatus(folder, p -> !hidden(p.getName()))) {
      if (table.isDirectory()) {
        for (FileStatus part : fs.listStatus(table.getPath())) {
          String e = experimentOf(part.getPath().getName());
          if (part.isDirectory() && e != null) {
            out.add(e);
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  private Map<String, List<String>> listing(Path folder, String experiment) throws IOException {
    return listing(folder, experiment, fs);
  }

  /** For each table of {@code folder}: the sorted data files of one experiment's partition. */
  private static Map<String, List<String>> listing(Path folder, String experiment,
      FileSystem fs) throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    if (!fs.exists(folder)) {
      return out;
    }
    for (FileStatus table : fs.listStatus(folder, p -> !hidden(p.getName()))) {
      Path part = new Path(table.getPath(), ResultsLayout.PARTITION + "=" + experiment);
      if (table.isDirectory() && fs.exists(part)) {
        List<String> files = new ArrayList<>();
        for (FileStatus f : fs.listStatus(part, p -> !hidden(p.getName()))) {
          files.add(f.getPath().getName());
        }
        files.sort(null);
        out.put(table.getPath().getName(), files);
      }
    }
    return out;
  }

  private static String experimentOf(String partition) {
    String prefix = ResultsLayout.PARTITION + "=";
    return partition.startsWith(prefix) ? partition.substring(prefix.length()) : null;
  }

  private static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  private static RuntimeException failure(String where, IOException e) {
    ConfigException full = DiskFull.of(e, "the analysis under " + where);
    return full != null ? full
        : new java.io.UncheckedIOException("analysis folder " + where + ": " + e.getMessage(), e);
  }
}
