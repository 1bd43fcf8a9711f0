package org.overparam.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.overparam.config.RunSpec;
import org.overparam.train.Checkpoints;
import org.overparam.train.EpochMetrics;

/**
 * Checkpoints of unfinished runs, kept under the results root where readers of the tables never
 * look (the leading underscore):
 *
 * <pre>
 * &lt;root&gt;/_checkpoints/experiment=&lt;name&gt;/&lt;run_id&gt;/epoch-NNNNNN.zip   network and optimiser state (DL4J ModelSerializer)
 * &lt;root&gt;/_checkpoints/experiment=&lt;name&gt;/&lt;run_id&gt;/epoch-NNNNNN.json  commit mark: run id, epoch, metrics so far
 * </pre>
 *
 * <p>Both files are written atomically ({@link AtomicFiles}), the JSON after the zip, so a
 * checkpoint exists only once both are whole; older epochs are deleted once a newer one is
 * committed, and the results store deletes the run's folder once its results are written.
 *
 * <p>The per-task strategy saves from the executor that trains the run, the parameter-averaging
 * strategy from the driver. On a cluster the results root must therefore be a file system that
 * the driver and every executor share (HDFS, NFS, S3A): with a local folder, a run retried on
 * another host finds no checkpoint and starts over (its results are still correct).
 *
 * <p>The final network of a distillation teacher (only of the runs {@link #keepingFinal} names:
 * an experiment with a {@code distillation} section names its teachers) is kept apart from the
 * checkpoints, which go once a run is recorded, and stays for every later student:
 *
 * <pre>
 * &lt;root&gt;/_models/experiment=&lt;name&gt;/&lt;run_id&gt;.zip   trained network without optimiser state (DL4J ModelSerializer)
 * </pre>
 *
 * <p>It is written atomically where the teacher trains (an executor per task, the driver by
 * parameter averaging) and read where its students train, so on a cluster it too needs a
 * shared results root.
 */
final class CheckpointStore implements Checkpoints {
  static final String DIR = ResultsLayout.CHECKPOINTS;
  private static final Pattern FILE = Pattern.compile("epoch-(\\d+)\\.(zip|json)");
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  /** The commit mark's content. */
  record Mark(String runId, int epoch, List<EpochMetrics> metrics) {}

  /**
   * Hadoop's default configuration, read once per JVM for every store: a new one parses its XML
   * resources again when first read (11 ms each on a warm JVM, measured), and a store is asked at
   * least twice a run (for its checkpoint where it trains, to delete them where it is recorded).
   * Only read, never set.
   */
  private static final Configuration HADOOP = new Configuration();

  private final String root; // a URI string: Hadoop's Configuration is not serializable
  /** Runs whose final network is kept ({@link #keepingFinal}). */
  private final java.util.HashSet<String> keep;

  CheckpointStore(Path root) {
    this(root.toString(), Set.of());
  }

  private CheckpointStore(String root, Set<String> keep) {
    this.root = root;
    this.keep = new java.util.HashSet<>(keep);
  }

  @Override
  public Checkpoints keepingFinal(Set<String> runIds) {
    Set<String> all = new java.util.HashSet<>(keep);
    all.addAll(runIds);
    return new CheckpointStore(root, all);
  }

  /** Where run {@code runId}'s final network is kept. */
  Path finalFile(String experiment, String runId) {
    return new Path(ResultsLayout.partition(new Path(root), ResultsLayout.MODELS, experiment),
        runId + ".zip");
  }

  @Override
  public void saveFinal(RunSpec spec, MultiLayerNetwork net) {
    if (!keep.contains(spec.runId())) {
      return;
    }
    Path f = finalFile(spec.experiment(), spec.runId());
    try {
      AtomicFiles.write(f, HADOOP, out -> ModelSerializer.writeModel(net, out,
          false));
    } catch (IOException | RuntimeException e) {
      warn("cannot keep the trained model of run " + spec.runId() + " in " + f + " (" + e
          + "); its students will retrain it");
    }
  }

  @Override
  public boolean hasFinal(String experiment, String runId) {
    Path f = finalFile(experiment, runId);
    try {
      return f.getFileSystem(HADOOP).exists(f);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public Optional<MultiLayerNetwork> finalModel(String experiment, String runId) {
    Path f = finalFile(experiment, runId);
    try {
      FileSystem fs = f.getFileSystem(HADOOP);
      if (!fs.exists(f)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(f)) {
        return Optional.of(ModelSerializer.restoreMultiLayerNetwork(in, false));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the trained model " + f + ": "
          + e.getMessage(), e);
    }
  }

  Path runDir(String experiment, String runId) {
    return new Path(ResultsLayout.partition(new Path(root), DIR, experiment), runId);
  }

  @Override
  public Optional<Checkpoint> latest(RunSpec spec) {
    Path dir = runDir(spec.experiment(), spec.runId());
    try {
      FileSystem fs = dir.getFileSystem(HADOOP);
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      // Newest commit mark first; an unreadable one falls back to the one before it.
      List<Integer> marks = new ArrayList<>();
      for (FileStatus st : fs.listStatus(dir)) {
        Matcher m = FILE.matcher(st.getPath().getName());
        if (m.matches() && m.group(2).equals("json")) {
          marks.add(Integer.parseInt(m.group(1)));
        }
      }
      marks.sort(Comparator.reverseOrder());
      for (int epoch : marks) {
        try {
          Checkpoint c = read(fs, dir, epoch, spec);
          System.err.printf("overparam: run %s resumes from its checkpoint after epoch %d/%d%n",
              spec.runId(), c.epoch(), spec.epochs());
          return Optional.of(c);
        } catch (IOException | RuntimeException e) {
          warn("cannot read checkpoint " + file(dir, epoch, "json") + " (" + e + ")");
        }
      }
    } catch (IOException e) {
      warn("cannot list checkpoints in " + dir + " (" + e + "); the run starts over");
    }
    return Optional.empty();
  }

  private Checkpoint read(FileSystem fs, Path dir, int epoch, RunSpec spec) throws IOException {
    Mark mark;
    try (InputStream in = fs.open(file(dir, epoch, "json"))) {
      mark = JSON.readValue(in, Mark.class);
    }
    if (!mark.runId().equals(spec.runId()) || mark.epoch() != epoch
        || epoch >= spec.epochs()) {
      throw new IOException("belongs to run " + mark.runId() + " epoch " + mark.epoch());
    }
    MultiLayerNetwork net;
    try (InputStream in = fs.open(file(dir, epoch, "zip"))) {
      net = ModelSerializer.restoreMultiLayerNetwork(in, true);
    }
    return new Checkpoint(epoch, net, mark.metrics());
  }

  @Override
  public void save(RunSpec spec, Checkpoint c) {
    Path dir = runDir(spec.experiment(), spec.runId());
    try {
      // Network first, then the commit mark that makes it count.
      AtomicFiles.write(file(dir, c.epoch(), "zip"), HADOOP,
          out -> ModelSerializer.writeModel(c.net(), out, true));
      AtomicFiles.write(file(dir, c.epoch(), "json"), HADOOP,
          out -> JSON.writeValue(out, new Mark(spec.runId(), c.epoch(), c.epochs())));
      // Older checkpoints are no longer needed.
      FileSystem fs = dir.getFileSystem(HADOOP);
      for (FileStatus st : fs.listStatus(dir)) {
        Matcher m = FILE.matcher(st.getPath().getName());
        if (m.matches() && Integer.parseInt(m.group(1)) < c.epoch()) {
          fs.delete(st.getPath(), false);
        }
      }
    } catch (IOException | RuntimeException e) {
      warn("cannot save checkpoint of run " + spec.runId() + " after epoch " + c.epoch() + " in "
          + dir + " (" + e + "); training goes on");
    }
  }

  /** Ids of the runs of {@code experiment} that have a checkpoint folder. */
  List<String> runIds(String experiment) {
    Path dir = runDir(experiment, "x").getParent();
    List<String> out = new ArrayList<>();
    try {
      FileSystem fs = dir.getFileSystem(HADOOP);
      if (fs.exists(dir)) {
        for (FileStatus st : fs.listStatus(dir)) {
          if (st.isDirectory()) {
            out.add(st.getPath().getName());
          }
        }
      }
    } catch (IOException e) {
      warn("cannot list checkpoints in " + dir + " (" + e + ")");
    }
    return out;
  }

  /** Removes a finished run's checkpoints, and the experiment's folder once it is empty. */
  void delete(String experiment, String runId) {
    Path dir = runDir(experiment, runId);
    try {
      FileSystem fs = dir.getFileSystem(HADOOP);
      if (fs.exists(dir)) {
        fs.delete(dir, true);
      }
      deleteIfEmpty(fs, dir.getParent());
      deleteIfEmpty(fs, dir.getParent().getParent());
    } catch (IOException e) {
      warn("cannot delete checkpoints in " + dir + " (" + e + ")");
    }
  }

  private static void deleteIfEmpty(FileSystem fs, Path dir) {
    try {
      if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
        fs.delete(dir, false); // fails harmlessly if another writer just added something
      }
    } catch (IOException | RuntimeException ignored) {
      // another sweep is using it
    }
  }

  private static Path file(Path dir, int epoch, String ext) {
    return new Path(dir, String.format("epoch-%06d.%s", epoch, ext));
  }

  private static void warn(String s) {
    System.err.println("overparam: warning: " + s);
  }
}
