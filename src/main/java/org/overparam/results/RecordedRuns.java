package org.overparam.results;

import static org.overparam.results.Columns.CONFIG_JSON;
import static org.overparam.results.Columns.DATA;
import static org.overparam.results.Columns.EPOCH;
import static org.overparam.results.Columns.EPOCHS_RECORDED;
import static org.overparam.results.Columns.MESSAGE;
import static org.overparam.results.Columns.RUN_ID;
import static org.overparam.results.Columns.STATUS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.overparam.config.ConfigException;
import org.overparam.config.RunSpec;
import org.overparam.train.RunStatus;

/**
 * What an experiment's folders of a results root hold, checked file by file: the one definition
 * of a <em>recorded</em> run, used by {@code train} (to retrain what is not whole) and by
 * analysis (to read only what is).
 *
 * <p>A run is recorded when its runs file is readable, holds one row whose {@code run_id} is
 * the file's name and whose configuration names this experiment, its status is completed or
 * diverged, and its metrics file (if it recorded epochs) is readable, holds exactly
 * {@code epochs_recorded} rows, all of this run. Everything else is counted and named:
 *
 * <ul>
 *   <li>a run whose files are not whole ({@link #broken}): train retrains it;
 *   <li>a file copied under another run's name ({@link #strays}): never read;
 *   <li>a metrics file no runs row commits ({@link #uncommitted}): a run in flight, or one whose
 *       driver died between the two writes; never read;
 *   <li>a runs file of another experiment ({@link #foreign}): train and analysis refuse it.
 * </ul>
 *
 * By default only footers of metrics files are read (row counts, column statistics, schema), so
 * the check costs one small read per file, done in parallel; a {@code deep} check (train's, on
 * files of a few hundred rows) also reads every row, finding corrupt pages and repeated epochs.
 *
 * @param experiment the experiment checked
 * @param recorded whole runs, by run id
 * @param failed runs recorded as failed (no metrics; train tries them again)
 * @param broken runs whose runs row says finished but whose files are not whole
 * @param strays files whose rows name another run than the file's name
 * @param uncommitted metrics files without a runs row of a finished run
 * @param foreign runs files whose configuration names another experiment
 */
public record RecordedRuns(String experiment, Map<String, Run> recorded, List<Run> failed,
    List<Problem> broken, List<Problem> strays, List<Path> uncommitted,
    List<Problem> foreign) {

  /**
   * One recorded run.
   *
   * @param runId its id (the files' name)
   * @param status completed, diverged or failed
   * @param message why it failed or diverged
   * @param data the data source description
   * @param epochsRecorded evaluated epochs in its metrics file
   * @param configJson its configuration, canonical JSON
   * @param configId {@link RunSpec#configId(String)} of it
   * @param metricsFile its metrics file, null if it recorded no epochs
   * @param metricsSchema the metrics file's schema, null without one
   * @param compressionFile its compression file, null if none
   */
  public record Run(String runId, String status, String message, String data,
      int epochsRecorded, String configJson, String configId, Path metricsFile,
      MessageType metricsSchema, Path compressionFile) {}

  /** A file that is not part of a recorded run, and why. */
  public record Problem(String runId, Path file, String why) {
    @Override
    public String toString() {
      return file + ": " + why;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether nothing is wrong: every run file is whole and belongs here. */
  public boolean clean() {
    return broken.isEmpty() && strays.isEmpty() && uncommitted.isEmpty() && foreign.isEmpty();
  }

  /** Throws a one-line {@link ConfigException} naming the first files of another experiment. */
  public void refuseForeign() {
    if (!foreign.isEmpty()) {
      throw new ConfigException("results of experiment " + experiment + ": " + foreign.size()
          + " runs file(s) belong to another experiment (" + foreign.stream().limit(3)
          .map(Problem::toString).collect(Collectors.joining("; ")) + "); move them back");
    }
  }

  /** Lines that count and name what is left out, empty when {@link #clean()}. */
  public List<String> leftOut() {
    List<String> out = new ArrayList<>();
    add(out, broken, "run(s) not whole, left out");
    add(out, strays, "file(s) copied under another run's name, ignored");
    if (!uncommitted.isEmpty()) {
      out.add(uncommitted.size() + " metrics file(s) without a finished runs row (uncommitted), "
          + "ignored: " + uncommitted.stream().limit(3).map(Path::getName)
          .collect(Collectors.joining(", ")) + (uncommitted.size() > 3 ? ", ..." : ""));
    }
    add(out, foreign, "runs file(s) of another experiment");
    return out;
  }

  private static void add(List<String> out, List<Problem> ps, String what) {
    if (!ps.isEmpty()) {
      out.add(ps.size() + " " + what + ": " + ps.stream().limit(3).map(Problem::toString)
          .collect(Collectors.joining("; ")) + (ps.size() > 3 ? "; ..." : ""));
    }
  }

  /**
   * One line per configuration of the recorded runs other than {@code plannedJson}'s (a run
   * spec's JSON), naming how many runs it has and the fields that differ (recorded -> planned);
   * empty when every recorded run shares the planned configuration.
   */
  public List<String> otherConfigurations(String plannedJson) {
    return otherConfigurations(List.of(plannedJson));
  }

  /**
   * As {@link #otherConfigurations(String)} for a file of several configurations (one run
   * spec's JSON of each, as its optimiser or augmentation axes and its distillation students
   * make them): a recorded configuration none of them has is compared with the planned one it
   * differs from in the fewest fields.
   */
  public List<String> otherConfigurations(List<String> plannedJsons) {
    Map<String, String> planned = new java.util.LinkedHashMap<>();
    plannedJsons.forEach(j -> planned.putIfAbsent(RunSpec.configId(j), j));
    Map<String, List<Run>> byConfig = recorded.values().stream()
        .filter(r -> !planned.containsKey(r.configId()))
        .collect(Collectors.groupingBy(Run::configId, TreeMap::new, Collectors.toList()));
    List<String> out = new ArrayList<>();
    byConfig.forEach((id, runs) -> {
      String json = runs.get(0).configJson();
      Map.Entry<String, String> nearest = planned.entrySet().stream()
          .min(java.util.Comparator.comparingInt(p -> changed(json, p.getValue()).size()))
          .orElseThrow();
      out.add(runs.size() + " recorded run(s) of configuration " + id + " (this file's is "
          + (planned.size() == 1 ? "" : "nearest ") + nearest.getKey() + "): "
          + differences(json, nearest.getValue()));
    });
    return out;
  }

  /** "epochs 100 -> 50, optimizer.learning_rate 0.001 -> 0.01": fields of a that b changes. */
  public static String differences(String aJson, String bJson) {
    List<String> diffs = changed(aJson, bJson);
    return diffs.isEmpty() ? "no field differs" : diffs.size() > 6
        ? String.join(", ", diffs.subList(0, 6)) + " and " + (diffs.size() - 6) + " more"
        : String.join(", ", diffs);
  }

  /** The configuration fields of a that b changes, each as "name a-value -> b-value". */
  private static List<String> changed(String aJson, String bJson) {
    Map<String, String> a = RunSpec.configFields(aJson);
    Map<String, String> b = RunSpec.configFields(bJson);
    java.util.SortedSet<String> keys = new java.util.TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<String> diffs = new ArrayList<>();
    for (String k : keys) {
      String x = a.getOrDefault(k, "(none)");
      String y = b.getOrDefault(k, "(none)");
      if (!x.equals(y)) {
        diffs.add(k + " " + x + " -> " + y);
      }
    }
    return diffs;
  }

  /** Checks the files of {@code experiment} under the results root {@code root} (footers). */
  public static RecordedRuns check(Path root, String experiment, Configuration conf) {
    return check(root, experiment, conf, false);
  }

  /** Checks the files of {@code experiment}; {@code deep} also reads every metrics row. */
  public static RecordedRuns check(Path root, String experiment, Configuration conf,
      boolean deep) {
    Path runsDir = ResultsLayout.partition(root, ResultsLayout.RUNS, experiment);
    Path metricsDir = ResultsLayout.partition(root, ResultsLayout.METRICS, experiment);
    Path compressionDir = ResultsLayout.partition(root, ResultsLayout.COMPRESSION, experiment);
    Map<String, Path> metricsFiles = files(metricsDir, conf);
    Map<String, Path> compressionFiles = files(compressionDir, conf);

    List<Object> outcomes = files(runsDir, conf).entrySet().parallelStream()
        .map(e -> checkRun(e.getKey(), e.getValue(), experiment, metricsFiles.get(e.getKey()),
            compressionFiles.get(e.getKey()), conf, deep))
        .toList();
    Map<String, Run> recorded = new TreeMap<>();
    List<Run> failed = new ArrayList<>();
    List<Problem> broken = new ArrayList<>();
    List<Problem> strays = new ArrayList<>();
    List<Problem> foreign = new ArrayList<>();
    for (Object o : outcomes) {
      if (o instanceof Run r) {
        recorded.put(r.runId(), r);
      } else if (o instanceof Failed f) {
        failed.add(f.run());
      } else if (o instanceof Outcome p) {
        switch (p.kind()) {
          case BROKEN -> broken.add(p.problem());
          case STRAY -> strays.add(p.problem());
          case FOREIGN -> foreign.add(p.problem());
        }
      }
    }
    Set<String> claimed = recorded.keySet();
    List<Path> uncommitted = new ArrayList<>();
    for (Map.Entry<String, Path> m : metricsFiles.entrySet()) {
      if (!claimed.contains(m.getKey())) {
        uncommitted.add(m.getValue());
      }
    }
    Comparator<Problem> byFile = Comparator.comparing(p -> p.file().toString());
    broken.sort(byFile);
    strays.sort(byFile);
    foreign.sort(byFile);
    uncommitted.sort(null);
    return new RecordedRuns(experiment, recorded, failed, broken, strays, uncommitted, foreign);
  }

  private static final String HOLDS = "holds rows of run ";

  private enum Kind { BROKEN, STRAY, FOREIGN }

  private record Outcome(Kind kind, Problem problem) {}

  private record Failed(Run run) {}

  private static Object checkRun(String name, Path runsFile, String experiment, Path metrics,
      Path compression, Configuration conf, boolean deep) {
    List<Group> rows;
    try {
      rows = ParquetFiles.read(runsFile, conf);
    } catch (RuntimeException e) {
      return problem(Kind.BROKEN, name, runsFile, "runs file unreadable (" + firstLine(e) + ")");
    }
    if (rows.size() != 1) {
      return problem(Kind.BROKEN, name, runsFile, "runs file holds " + rows.size()
          + " rows, not 1");
    }
    Group g = rows.get(0);
    String runId;
    String status;
    String json;
    int epochs;
    try {
      runId = g.getString(RUN_ID.name(), 0);
      status = g.getString(STATUS.name(), 0);
      json = g.getString(CONFIG_JSON.name(), 0);
      epochs = g.getInteger(EPOCHS_RECORDED.name(), 0);
    } catch (RuntimeException e) {
      return problem(Kind.BROKEN, name, runsFile, "runs file lacks a column (" + firstLine(e)
          + ")");
    }
    if (!runId.equals(name)) {
      return problem(Kind.STRAY, name, runsFile, HOLDS + runId);
    }
    String owner;
    String configId;
    try {
      JsonNode e = JSON.readTree(json).get("experiment");
      owner = e == null ? "" : e.asText();
      configId = RunSpec.configId(json);
    } catch (IOException | RuntimeException e) {
      return problem(Kind.BROKEN, name, runsFile, "config_json is not a run configuration");
    }
    if (!owner.equals(experiment)) {
      return problem(Kind.FOREIGN, name, runsFile, "a run of experiment " + owner);
    }
    String message = text(g, MESSAGE.name());
    String data = text(g, DATA.name());
    if (status.equals(RunStatus.FAILED.label())) {
      return new Failed(new Run(runId, status, message, data, 0, json, configId, null, null,
          null));
    }
    MessageType schema = null;
    if (epochs > 0) {
      if (metrics == null) {
        return problem(Kind.BROKEN, name, runsFile, "its metrics file is missing");
      }
      ParquetMetadata footer;
      try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(metrics,
          conf))) {
        footer = r.getFooter();
      } catch (IOException | RuntimeException e) {
        return problem(Kind.BROKEN, name, metrics, "metrics file unreadable (" + firstLine(e)
            + ")");
      }
      long n = footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
      if (n != epochs) {
        return problem(Kind.BROKEN, name, metrics, "metrics file holds " + n + " rows, the runs "
            + "row records " + epochs + " epochs");
      }
      String other = otherRun(footer, runId);
      if (other != null) {
        return problem(Kind.BROKEN, name, metrics, HOLDS + other);
      }
      schema = footer.getFileMetaData().getSchema();
      if (deep) {
        String why = readsWhole(metrics, runId, conf);
        if (why != null) {
          return problem(Kind.BROKEN, name, metrics, why);
        }
      }
    }
    return new Run(runId, status, message, data, epochs, json, configId,
        epochs > 0 ? metrics : null, schema, compression);
  }

  /** Why every row of a metrics file cannot be read as one run's distinct epochs, or null. */
  private static String readsWhole(Path metrics, String runId, Configuration conf) {
    List<Group> rows;
    try {
      rows = ParquetFiles.read(metrics, conf);
    } catch (RuntimeException e) {
      return "metrics file unreadable (" + firstLine(e) + ")";
    }
    java.util.Set<Integer> epochs = new java.util.HashSet<>();
    for (Group g : rows) {
      if (!g.getString(RUN_ID.name(), 0).equals(runId)) {
        return HOLDS + g.getString(RUN_ID.name(), 0);
      }
      if (!epochs.add(g.getInteger(EPOCH.name(), 0))) {
        return "metrics file repeats epoch " + g.getInteger(EPOCH.name(), 0);
      }
    }
    return null;
  }

  /** A run id other than {@code runId} that the file's run_id statistics show, else null. */
  private static String otherRun(ParquetMetadata footer, String runId) {
    for (BlockMetaData b : footer.getBlocks()) {
      for (ColumnChunkMetaData c : b.getColumns()) {
        if (c.getPath().toDotString().equals(RUN_ID.name())) {
          Statistics<?> s = c.getStatistics();
          if (s != null && s.hasNonNullValue()) {
            String min = ((Binary) s.genericGetMin()).toStringUsingUTF8();
            String max = ((Binary) s.genericGetMax()).toStringUsingUTF8();
            if (!min.equals(runId)) {
              return min;
            }
            if (!max.equals(runId)) {
              return max;
            }
          }
        }
      }
    }
    return null;
  }

  private static Outcome problem(Kind kind, String runId, Path file, String why) {
    return new Outcome(kind, new Problem(runId, file, why));
  }

  private static String text(Group g, String field) {
    try {
      return g.getString(field, 0);
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The {@code *.parquet} files of a folder by base name; hidden and _ files skipped. */
  private static Map<String, Path> files(Path dir, Configuration conf) {
    Map<String, Path> out = new HashMap<>();
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return out;
      }
      for (FileStatus st : fs.listStatus(dir)) {
        String n = st.getPath().getName();
        if (st.isFile() && n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_")) {
          out.put(n.substring(0, n.length() - ".parquet".length()), st.getPath());
        }
      }
    } catch (IOException e) {
      throw new ConfigException("results folder " + dir + ": cannot list (" + firstLine(e)
          + ")");
    }
    return out;
  }

  private static String firstLine(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c && c.getMessage() == null) {
      c = c.getCause();
    }
    String m = c.getMessage() == null ? c.toString() : c.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
