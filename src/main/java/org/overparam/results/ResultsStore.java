package org.overparam.results;

import static org.overparam.results.Columns.RUN_ID;
import static org.overparam.results.Columns.STATUS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.overparam.config.ConfigException;
import org.overparam.train.Checkpoints;
import org.overparam.train.RunResult;
import org.overparam.train.RunSink;
import org.overparam.train.RunStatus;

/**
 * A results root on any Hadoop file system (local folders included):
 *
 * laid out as {@link ResultsLayout} says.
 *
 * <p>A run is finished when its runs row says completed or diverged; that row is written after
 * its metrics and compression files, all atomically, so rerunning a sweep skips finished runs and
 * rewrites the files of any other run whole, never adding a duplicate row. A finished run's
 * checkpoints are deleted after its runs row is written. Before a sweep, {@link #repair} checks
 * every recorded run as {@link RecordedRuns} defines it and takes back the runs row of any run
 * whose files are not whole, so the sweep trains it again.
 *
 * <p>Sweeps of different experiments write to disjoint folders. Two sweeps of the same experiment
 * may run at once without a lock: each run's files are named by its run id, so both write the
 * same (run, epoch) keys; a run is looked up again just before it starts, so little work is done
 * twice; the first finished record of a run stands and later ones are dropped, so the files of a
 * finished run are written once; and where two writes do race, each rename replaces a whole file.
 */
public final class ResultsStore implements RunSink {
  public static final String MARKER = "_OVERPARAM";
  private static final String PROBE = ".write-probe-";

  private final Path root;
  private final Provenance provenance;
  private final Configuration conf;
  private final CheckpointStore checkpoints;

  private ResultsStore(Path root, Provenance provenance, Configuration conf) {
    this.root = root;
    this.provenance = provenance;
    this.conf = conf;
    this.checkpoints = new CheckpointStore(root);
  }

  /**
   * Opens {@code root} for writing, creating it if needed. Refuses, with a one-line
   * {@link ConfigException}, a root that is a file, is not writable, or already holds files that
   * overparam did not write.
   */
  public static ResultsStore open(String root) {
    Configuration conf = new Configuration();
    Path p = new Path(root);
    try {
      FileSystem fs = p.getFileSystem(conf);
      p = fs.makeQualified(p);
      Path marker = new Path(p, MARKER);
      if (fs.exists(p)) {
        if (!fs.getFileStatus(p).isDirectory()) {
          throw new ConfigException("results root " + root + ": is a file, not a folder");
        }
        // Another sweep's write probe may be there for an instant: it does not make a root foreign.
        FileStatus[] entries = fs.listStatus(p, x -> !x.getName().startsWith(PROBE)
            && !x.getName().startsWith("." + PROBE));
        if (entries.length > 0 && !fs.exists(marker)) {
          throw new ConfigException("results root " + root + ": holds files not written by "
              + "overparam (no " + MARKER + " marker); choose an empty folder or an overparam one");
        }
      }
      fs.mkdirs(p);
      fs.setWriteChecksum(false);
      Path probe = new Path(p, PROBE + java.util.UUID.randomUUID());
      fs.create(probe, false).close();
      fs.delete(probe, false);
      if (!fs.exists(marker)) {
        try (FSDataOutputStream out = fs.create(marker, false)) {
          out.write("overparam results root, layout 1\n".getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
          // another sweep opening the same new root wrote it first
        } catch (IOException e) {
          // HDFS refuses to create a file that another writer is still writing with
          // AlreadyBeingCreatedException, not FileAlreadyExistsException: the marker is there.
          if (!fs.exists(marker)) {
            throw e;
          }
        }
      }
    } catch (ConfigException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
          .orElse(e.toString());
      throw new ConfigException("results root " + root + ": not writable (" + why + ")");
    }
    return new ResultsStore(p, null, conf);
  }

  /** The same store, stamping {@code p} on the runs it writes. */
  public ResultsStore withProvenance(Provenance p) {
    return new ResultsStore(root, p, conf);
  }

  public Path root() {
    return root;
  }

  public Path metricsDir() {
    return new Path(root, ResultsLayout.METRICS);
  }

  public Path runsDir() {
    return new Path(root, ResultsLayout.RUNS);
  }

  private Path file(String table, String experiment, String runId) {
    return ResultsLayout.runFile(root, table, experiment, runId);
  }

  /** What {@code experiment}'s folders hold, file by file (see {@link RecordedRuns}). */
  public RecordedRuns check(String experiment) {
    return RecordedRuns.check(root, experiment, conf);
  }

  /**
   * Prepares {@code experiment} for a sweep: refuses runs files of another experiment; takes
   * back the runs row of every run whose files are not whole (so the sweep retrains it), and
   * removes temporary files that interrupted writes left; says what it did on {@code out}.
   *
   * @return the check after the repair
   */
  public RecordedRuns repair(String experiment, java.io.PrintStream out) {
    RecordedRuns found = RecordedRuns.check(root, experiment, conf, true);
    found.refuseForeign();
    for (RecordedRuns.Problem p : found.broken()) {
      out.println("overparam: run " + p.runId() + " is not whole (" + p + "): training it "
          + "again");
      delete(file(ResultsLayout.RUNS, experiment, p.runId()));
    }
    for (RecordedRuns.Problem p : found.strays()) {
      out.println("overparam: ignoring " + p.file() + ": it " + p.why() + " (a copy?)");
    }
    if (!found.uncommitted().isEmpty()) {
      out.println("overparam: " + found.uncommitted().size() + " metrics file(s) of "
          + experiment + " have no finished runs row (a sweep in flight, or one stopped "
          + "between writes): not counted as recorded");
    }
    for (String table : List.of(ResultsLayout.METRICS, ResultsLayout.RUNS,
        ResultsLayout.COMPRESSION)) {
      int n = AtomicFiles.deleteStaleTemps(ResultsLayout.partition(root, table, experiment),
          conf);
      if (n > 0) {
        out.println("overparam: removed " + n + " temporary file(s) of interrupted writes "
            + "under " + ResultsLayout.partition(root, table, experiment));
      }
    }
    return found.broken().isEmpty() ? found : check(experiment);
  }

  @Override
  public Set<String> finishedRunIds(String experiment) {
    Set<String> out = new HashSet<>();
    Path dir = ResultsLayout.partition(root, ResultsLayout.RUNS, experiment);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return out;
      }
      for (FileStatus st : fs.listStatus(dir, x -> x.getName().endsWith(".parquet")
          && !x.getName().startsWith("."))) {
        String id = finishedId(st.getPath());
        if (id != null) {
          out.add(id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Override
  public boolean isFinished(String experiment, String runId) {
    Path f = file(ResultsLayout.RUNS, experiment, runId);
    try {
      return f.getFileSystem(conf).exists(f) && runId.equals(finishedId(f));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run id of a runs file whose run finished, else null. */
  private String finishedId(Path runsFile) {
    for (Group g : ParquetFiles.read(runsFile, conf)) {
      if (!g.getString(STATUS.name(), 0).equals(RunStatus.FAILED.label())) {
        return g.getString(RUN_ID.name(), 0);
      }
    }
    return null;
  }

  /**
   * The rows of one run's file in {@code table} ({@link ResultsLayout#METRICS},
   * {@link ResultsLayout#RUNS}...) as committed; empty when the run has no such file.
   */
  public List<Group> runRows(String table, String experiment, String runId) {
    Path f = file(table, experiment, runId);
    try {
      return f.getFileSystem(conf).exists(f) ? ParquetFiles.read(f, conf) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void tidy(String experiment, Set<String> finished) {
    for (String runId : checkpoints.runIds(experiment)) {
      if (finished.contains(runId)) {
        checkpoints.delete(experiment, runId);
      }
    }
  }

  @Override
  public Checkpoints checkpoints() {
    return checkpoints;
  }

  @Override
  public void write(RunResult r) {
    String exp = r.spec().experiment();
    // The first finished record of a run stands: files of finished runs are written once, so a
    // reader is never handed a file that is being replaced, and a failed attempt never replaces
    // a finished run.
    if (isFinished(exp, r.runId())) {
      checkpoints.delete(exp, r.runId());
      return;
    }
    // Metrics first, then the runs row that commits them, then the checkpoints go.
    Path metrics = file(ResultsLayout.METRICS, exp, r.runId());
    if (r.status() == RunStatus.FAILED || r.epochs().isEmpty()) {
      delete(metrics);
    } else {
      ParquetFiles.writeAtomically(metrics, MetricsTable.SCHEMA, MetricsTable.rows(r), conf);
    }
    Path compression = file(ResultsLayout.COMPRESSION, exp, r.runId());
    if (r.compression().isEmpty()) {
      delete(compression);
    } else {
      ParquetFiles.writeAtomically(compression, CompressionTable.SCHEMA,
          CompressionTable.rows(r), conf);
    }
    Provenance p = provenance == null ? Provenance.of("", "") : provenance;
    ParquetFiles.writeAtomically(file(ResultsLayout.RUNS, exp, r.runId()), RunsTable.SCHEMA,
        List.of(RunsTable.row(r, p)), conf);
    if (r.status() != RunStatus.FAILED) {
      checkpoints.delete(exp, r.runId());
    }
  }

  private void delete(Path p) {
    try {
      p.getFileSystem(conf).delete(p, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
