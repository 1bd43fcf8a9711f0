package org.overparam.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.overparam.results.Columns.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.overparam.config.ConfigException;
import org.overparam.results.ColumnType;
import org.overparam.results.RecordedRuns;
import org.overparam.results.ResultsLayout;
import org.overparam.results.ResultsStore;

/**
 * The tables analysis reads, checked before any Spark job: the metrics table (Parquet under
 * {@code <results>/metrics}, or a CSV file or folder with the same columns) and, when present,
 * the runs table under {@code <results>/runs}. Only the columns below are read; others are
 * ignored. A missing column or one of the wrong kind is a one-line {@link ConfigException}
 * naming the file and the column.
 *
 * @param results results root; analysis tables go under {@code <results>/analysis}
 * @param metricsPath the metrics table: a Parquet folder, or a CSV file or folder
 * @param csv whether {@code metricsPath} is CSV
 * @param experiment the one experiment to analyse, or null for all
 * @param runsPath the runs table folder, or null if there is none
 * @param hasStatus whether the metrics table has a {@code status} column
 * @param hasExperiment whether the metrics table has an {@code experiment} column or partition
 * @param compressionPath the compression table folder, or null if there is none (or the metrics
 *     are read from CSV)
 * @param recorded for a results root that {@code overparam train} wrote (it holds the
 *     {@code _OVERPARAM} marker), what each experiment's folders hold, checked file by file:
 *     only whole recorded runs are read, each with its configuration id; null for tables that
 *     other tools wrote (every row is read, all of one configuration)
 */
public record Inputs(String results, String metricsPath, boolean csv, String experiment,
    String runsPath, boolean hasStatus, boolean hasExperiment, String compressionPath,
    List<RecordedRuns> recorded) {

  /** Metrics columns analysis needs, each read as (cast to) its type. */
  static final List<org.overparam.results.Column> METRICS = List.of(RUN_ID, DEPTH, WIDTH, PARAMS,
      TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT, SEED, EPOCH, TRAIN_LOSS, TRAIN_ERROR,
      TEST_LOSS, TEST_ERROR);
  /** Runs columns analysis needs. */
  static final List<org.overparam.results.Column> RUNS = List.of(RUN_ID, STATUS, MESSAGE);
  /** Compression columns analysis needs. */
  static final List<org.overparam.results.Column> COMPRESSION = List.of(RUN_ID, FAMILY, DEPTH,
      WIDTH, PARAMS, TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT, VARIANT, SPARSITY,
      QUANTIZATION, ACHIEVED_SPARSITY, TEST_ERROR, TEST_LOSS);

  public Inputs {
    if (experiment != null && !experiment.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
      throw new ConfigException("--experiment '" + experiment + "': not an experiment name");
    }
  }

  /**
   * Checks the inputs of {@code overparam analyze} without starting Spark.
   *
   * @param results results root
   * @param experiment one experiment, or null for all
   * @param metricsCsv a CSV metrics table to read instead of {@code <results>/metrics}, or null
   */
  public static Inputs check(String results, String experiment, String metricsCsv) {
    Configuration conf = new Configuration();
    if (metricsCsv != null) {
      return checkCsv(results, experiment, metricsCsv, conf);
    }
    if (exists(new Path(results, ResultsStore.MARKER), conf)) {
      return checkStore(results, experiment, conf);
    }
    Path metrics = new Path(results, ResultsLayout.METRICS);
    List<Path> files = parquetFiles(metrics, experiment, conf);
    boolean status = checkAll(files, METRICS, "metrics", conf);
    Path runs = new Path(results, ResultsLayout.RUNS);
    String runsPath = null;
    if (exists(runs, conf)) {
      checkAll(parquetFiles(runs, experiment, conf), RUNS, "runs", conf);
      runsPath = runs.toString();
    }
    Path compression = new Path(results, ResultsLayout.COMPRESSION);
    String compressionPath = null;
    if (exists(experiment == null ? compression
        : ResultsLayout.partition(new Path(results), ResultsLayout.COMPRESSION, experiment),
        conf)) {
      List<Path> parts = parquetFiles(compression, experiment, conf);
      if (!parts.isEmpty()) {
        checkAll(parts, COMPRESSION, "compression", conf);
        compressionPath = compression.toString();
      }
    }
    return new Inputs(results, metrics.toString(), false, experiment, runsPath, status, true,
        compressionPath, null);
  }

  /**
   * Checks a results root that overparam wrote: each experiment's runs as {@link RecordedRuns}
   * defines them (files of another experiment refused), then the columns of the files that
   * will be read.
   */
  private static Inputs checkStore(String results, String experiment, Configuration conf) {
    Path root = new Path(results);
    Path metrics = new Path(root, ResultsLayout.METRICS);
    List<String> names = new ArrayList<>();
    if (experiment != null) {
      if (!exists(ResultsLayout.partition(root, ResultsLayout.RUNS, experiment), conf)
          && !exists(ResultsLayout.partition(root, ResultsLayout.METRICS, experiment), conf)) {
        throw new ConfigException("metrics table " + metrics + ": no experiment '" + experiment
            + "' there");
      }
      names.add(experiment);
    } else {
      java.util.SortedSet<String> found = new java.util.TreeSet<>();
      for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) {
        found.addAll(partitions(new Path(root, table), conf));
      }
      names.addAll(found);
    }
    List<RecordedRuns> recorded = names.parallelStream()
        .map(e -> RecordedRuns.check(root, e, conf)).toList();
    List<Path> compressionFiles = new ArrayList<>();
    boolean status = true;
    boolean any = false;
    for (RecordedRuns r : recorded) {
      r.refuseForeign();
      for (RecordedRuns.Run run : r.recorded().values()) {
        if (run.metricsFile() != null) {
          status &= checkSchema(run.metricsSchema(), run.metricsFile(), METRICS, "metrics");
          any = true;
        }
        if (run.compressionFile() != null) {
          compressionFiles.add(run.compressionFile());
        }
      }
    }
    if (!any) {
      throw new ConfigException("metrics table " + metrics + (experiment == null ? "" :
          "/experiment=" + experiment) + ": holds no recorded runs with metrics");
    }
    checkAll(compressionFiles, COMPRESSION, "compression", conf);
    return new Inputs(results, metrics.toString(), false, experiment,
        new Path(root, ResultsLayout.RUNS).toString(), status, true,
        compressionFiles.isEmpty() ? null : new Path(root, ResultsLayout.COMPRESSION).toString(),
        recorded);
  }

  /** The experiments of a table folder: its {@code experiment=} subfolders. */
  private static List<String> partitions(Path table, Configuration conf) {
    List<String> out = new ArrayList<>();
    try {
      FileSystem fs = table.getFileSystem(conf);
      if (fs.exists(table)) {
        for (FileStatus st : fs.listStatus(table)) {
          String n = st.getPath().getName();
          if (st.isDirectory() && n.startsWith(ResultsLayout.PARTITION + "=")) {
            out.add(n.substring(ResultsLayout.PARTITION.length() + 1));
          }
        }
      }
    } catch (IOException e) {
      throw new ConfigException("results table " + table + ": cannot list: " + e.getMessage());
    }
    return out;
  }

  /**
   * The run id -> configuration id table of the recorded runs, with experiment, to join on
   * (run_id, experiment); null for tables other tools wrote.
   */
  private Dataset<Row> configs(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (RecordedRuns r : recorded) {
      for (RecordedRuns.Run run : r.recorded().values()) {
        rows.add(org.apache.spark.sql.RowFactory.create(r.experiment(), run.runId(),
            run.configId()));
      }
    }
    return spark.createDataFrame(rows, DataTypes.createStructType(List.of(
        DataTypes.createStructField(EXPERIMENT.name(), DataTypes.StringType, false),
        DataTypes.createStructField(RUN_ID.name(), DataTypes.StringType, false),
        DataTypes.createStructField(CONFIG.name(), DataTypes.StringType, false))));
  }

  /** Reads exactly {@code files} of a table under {@code base}, with their experiment column. */
  private static Dataset<Row> readFiles(SparkSession spark, String base, List<Path> files) {
    return spark.read().option("basePath", base)
        .parquet(files.stream().map(Path::toString).toArray(String[]::new));
  }

  /** Joins the configuration id to rows of recorded runs (an inner join: only theirs stay). */
  private Dataset<Row> withConfig(SparkSession spark, Dataset<Row> rows) {
    return rows.join(org.apache.spark.sql.functions.broadcast(configs(spark)),
        scala.collection.JavaConverters.asScalaBuffer(List.of(EXPERIMENT.name(), RUN_ID.name()))
            .toSeq());
  }

  /** The metrics rows, the needed columns cast to their kinds, plus experiment and status. */
  public Dataset<Row> metrics(SparkSession spark) {
    Dataset<Row> raw;
    if (recorded != null) {
      raw = withConfig(spark, readFiles(spark, metricsPath, recorded.stream()
          .flatMap(r -> r.recorded().values().stream()).map(RecordedRuns.Run::metricsFile)
          .filter(java.util.Objects::nonNull).toList()));
    } else if (csv) {
      raw = spark.read().option("header", "true").option("mode", "FAILFAST").csv(metricsPath);
    } else if (experiment != null) {
      raw = spark.read().option("basePath", metricsPath)
          .parquet(metricsPath + "/experiment=" + experiment);
    } else {
      raw = spark.read().parquet(metricsPath);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(hasExperiment ? col(EXPERIMENT.name()).cast("string").as(EXPERIMENT.name())
        : lit(experiment).as(EXPERIMENT.name()));
    cols.add(recorded != null ? col(CONFIG.name()) : lit("").as(CONFIG.name()));
    METRICS.forEach(c -> cols.add(col(c.name()).cast(c.type().spark()).as(c.name())));
    cols.add(hasStatus ? col(STATUS.name()).cast("string").as(STATUS.name())
        : lit("completed").as(STATUS.name()));
    Dataset<Row> out = raw.select(cols.toArray(Column[]::new));
    if (csv && experiment != null && hasExperiment) {
      out = out.filter(col(EXPERIMENT.name()).equalTo(experiment));
    }
    if (csv) {
      checkCsvValues(raw, out);
    }
    // A results store holds one small file per run; thousands of scan tasks would each pay
    // for a shuffle write of their own, so they are merged into a few per core.
    int tasks = 4 * spark.sparkContext().defaultParallelism();
    return out.rdd().getNumPartitions() > tasks ? out.coalesce(tasks) : out;
  }

  /**
   * The experiments of the metrics table: its {@code experiment=} folders (Parquet), or its
   * distinct experiment values (CSV, one Spark job).
   */
  public List<String> experiments(SparkSession spark) {
    if (recorded != null) {
      return recorded.stream().filter(r -> r.recorded().values().stream()
          .anyMatch(x -> x.metricsFile() != null)).map(RecordedRuns::experiment).toList();
    }
    if (experiment != null && !csv) {
      return List.of(experiment);
    }
    List<String> out = new ArrayList<>();
    if (csv) {
      metrics(spark).select(EXPERIMENT.name()).distinct().collectAsList()
          .forEach(r -> out.add(r.getString(0)));
      return out;
    }
    Path p = new Path(metricsPath);
    try {
      for (FileStatus st : p.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .listStatus(p)) {
        String n = st.getPath().getName();
        String prefix = ResultsLayout.PARTITION + "=";
        if (st.isDirectory() && n.startsWith(prefix)) {
          out.add(n.substring(prefix.length()));
        }
      }
    } catch (IOException e) {
      throw new ConfigException("metrics table " + p + ": cannot list: " + e.getMessage());
    }
    return out;
  }

  /**
   * The compression rows, the needed columns cast to their kinds, plus experiment; null if there
   * is no compression table.
   */
  public Dataset<Row> compression(SparkSession spark) {
    if (compressionPath == null) {
      return null;
    }
    Dataset<Row> raw;
    if (recorded != null) {
      raw = withConfig(spark, readFiles(spark, compressionPath, recorded.stream()
          .flatMap(r -> r.recorded().values().stream())
          .map(RecordedRuns.Run::compressionFile).filter(java.util.Objects::nonNull).toList()));
    } else {
      raw = experiment == null ? spark.read().parquet(compressionPath)
          : spark.read().option("basePath", compressionPath)
              .parquet(compressionPath + "/experiment=" + experiment);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(col(EXPERIMENT.name()).cast("string").as(EXPERIMENT.name()));
    cols.add(recorded != null ? col(CONFIG.name()) : lit("").as(CONFIG.name()));
    COMPRESSION.forEach(c -> cols.add(col(c.name()).cast(c.type().spark()).as(c.name())));
    return raw.select(cols.toArray(Column[]::new));
  }

  /**
   * The runs rows (experiment, run_id, status, message, data), or null if there is no runs
   * table.
   */
  public Dataset<Row> runs(SparkSession spark) {
    if (runsPath == null) {
      return null;
    }
    if (recorded != null) {
      List<Row> rows = new ArrayList<>();
      for (RecordedRuns r : recorded) {
        for (RecordedRuns.Run run : r.recorded().values()) {
          rows.add(org.apache.spark.sql.RowFactory.create(r.experiment(), run.runId(),
              run.status(), run.message(), run.data()));
        }
        for (RecordedRuns.Run run : r.failed()) {
          rows.add(org.apache.spark.sql.RowFactory.create(r.experiment(), run.runId(),
              run.status(), run.message(), run.data()));
        }
      }
      return spark.createDataFrame(rows, DataTypes.createStructType(
          java.util.stream.Stream.of(EXPERIMENT, RUN_ID, STATUS, MESSAGE, DATA)
              .map(c -> DataTypes.createStructField(c.name(), DataTypes.StringType, false))
              .toList()));
    }
    Dataset<Row> raw = experiment == null ? spark.read().parquet(runsPath)
        : spark.read().option("basePath", runsPath).parquet(runsPath + "/experiment=" + experiment);
    if (raw.columns().length == 0 || !Arrays.asList(raw.columns()).contains(EXPERIMENT.name())) {
      return null;
    }
    // The data source names the unit of the loss (a text corpus: bits per character).
    Column data = Arrays.asList(raw.columns()).contains(DATA.name())
        ? col(DATA.name()).cast("string") : lit("");
    return raw.select(col(EXPERIMENT.name()).cast("string"), col(RUN_ID.name()),
        col(STATUS.name()), col(MESSAGE.name()), data.as(DATA.name()));
  }

  // ---- Parquet: every file's footer names its columns.

  private static List<Path> parquetFiles(Path table, String experiment, Configuration conf) {
    Path dir = experiment == null ? table
        : new Path(table, ResultsLayout.PARTITION + "=" + experiment);
    if (!exists(dir, conf)) {
      throw new ConfigException(experiment == null
          ? "metrics table " + table + ": not found (run overparam train first, or give "
              + "--metrics-csv)"
          : "metrics table " + table + ": no experiment '" + experiment + "' there");
    }
    List<Path> out = new ArrayList<>();
    try {
      FileSystem fs = dir.getFileSystem(conf);
      collect(fs, dir, out);
      out.sort(null);
    } catch (IOException e) {
      throw new ConfigException("metrics table " + dir + ": cannot list: " + e.getMessage());
    }
    if (out.isEmpty() && table.getName().equals(ResultsLayout.METRICS)) {
      throw new ConfigException("metrics table " + dir + ": holds no Parquet files");
    }
    return out;
  }

  private static void collect(FileSystem fs, Path dir, List<Path> out) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (st.isDirectory()) {
        collect(fs, st.getPath(), out);
      } else if (name.endsWith(".parquet")) {
        out.add(st.getPath());
      }
    }
  }

  /**
   * Checks every file's columns, footers read in parallel (a results store holds one file per
   * run); the first bad file in path order is reported. Returns whether all have a
   * {@code status} column.
   */
  private static boolean checkAll(List<Path> files, List<org.overparam.results.Column> need,
      String table, Configuration conf) {
    List<Object> outcomes = files.parallelStream().map(f -> {
      try {
        return (Object) checkParquet(f, need, table, conf);
      } catch (ConfigException e) {
        return e;
      }
    }).toList();
    boolean all = true;
    for (Object o : outcomes) {
      if (o instanceof ConfigException e) {
        throw e;
      }
      all &= (Boolean) o;
    }
    return all;
  }

  /** Checks one file's columns; returns whether it has a {@code status} column. */
  private static boolean checkParquet(Path file, List<org.overparam.results.Column> need,
      String table, Configuration conf) {
    MessageType schema;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      schema = r.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(table + " file " + file + ": not a readable Parquet file ("
          + firstLine(e.getMessage()) + ")");
    }
    return checkSchema(schema, file, need, table);
  }

  /** Checks one file's schema; returns whether it has a {@code status} column. */
  private static boolean checkSchema(MessageType schema, Path file,
      List<org.overparam.results.Column> need, String table) {
    for (org.overparam.results.Column c : need) {
      if (!schema.containsField(c.name())) {
        throw new ConfigException(table + " file " + file + ": missing column " + c.name());
      }
      Type t = schema.getType(c.name());
      if (!t.isPrimitive() || !fits(t.asPrimitiveType().getPrimitiveTypeName(), c.type())) {
        throw new ConfigException(table + " file " + file + ": column " + c.name() + " is "
            + (t.isPrimitive() ? t.asPrimitiveType().getPrimitiveTypeName() : "a group")
            + ", expected " + c.type().docName());
      }
    }
    return schema.containsField(STATUS.name());
  }

  /** Whether a file's column of type {@code t} can be read as {@code want} (widening casts). */
  private static boolean fits(PrimitiveTypeName t, ColumnType want) {
    return switch (want) {
      case STRING -> t == PrimitiveTypeName.BINARY;
      case INT, LONG -> t == PrimitiveTypeName.INT32 || t == PrimitiveTypeName.INT64;
      case DOUBLE -> t == PrimitiveTypeName.DOUBLE || t == PrimitiveTypeName.FLOAT
          || t == PrimitiveTypeName.INT32 || t == PrimitiveTypeName.INT64;
      case BOOLEAN, TIMESTAMP -> t == want.parquet();
    };
  }

  // ---- CSV: the header names the columns; values are checked once Spark reads them.

  private static Inputs checkCsv(String results, String experiment, String csvPath,
      Configuration conf) {
    Path p = new Path(csvPath);
    Path file;
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new ConfigException("metrics file " + csvPath + ": not found");
      }
      file = p;
      if (fs.getFileStatus(p).isDirectory()) {
        List<FileStatus> parts = Arrays.stream(fs.listStatus(p))
            .filter(s -> s.isFile() && !s.getPath().getName().startsWith(".")
                && !s.getPath().getName().startsWith("_") && s.getLen() > 0)
            .toList();
        if (parts.isEmpty()) {
          throw new ConfigException("metrics file " + csvPath + ": folder holds no CSV files");
        }
        file = parts.get(0).getPath();
      }
      List<String> header = header(fs, file);
      for (org.overparam.results.Column c : METRICS) {
        if (!header.contains(c.name())) {
          throw new ConfigException("metrics file " + file + ": missing column " + c.name());
        }
      }
      boolean hasExperiment = header.contains(EXPERIMENT.name());
      if (!hasExperiment && experiment == null) {
        throw new ConfigException("metrics file " + file + ": missing column experiment (or "
            + "give --experiment to name the experiment of every row)");
      }
      return new Inputs(results, csvPath, true, experiment, null, header.contains(STATUS.name()),
          hasExperiment, null, null);
    } catch (IOException e) {
      throw new ConfigException("metrics file " + csvPath + ": cannot read: " + e.getMessage());
    }
  }

  private static List<String> header(FileSystem fs, Path file) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file),
        StandardCharsets.UTF_8))) {
      String line = r.readLine();
      if (line == null || line.isBlank()) {
        throw new ConfigException("metrics file " + file + ": is empty (expected a header line)");
      }
      return Arrays.stream(line.split(",", -1)).map(s -> s.trim().replace("\"", "")).toList();
    }
  }

  /** Fails, naming the column, on the first CSV value that is not of its column's kind. */
  private void checkCsvValues(Dataset<Row> raw, Dataset<Row> typed) {
    Column bad = lit(false);
    for (org.overparam.results.Column c : METRICS) {
      if (c.type() != ColumnType.STRING) {
        bad = bad.or(col(c.name()).isNotNull().and(col(c.name()).cast(c.type().spark())
            .isNull()));
      }
    }
    List<Row> first = raw.filter(bad).limit(1).collectAsList();
    if (first.isEmpty()) {
      return;
    }
    Row r = first.get(0);
    for (org.overparam.results.Column c : METRICS) {
      Object v = r.getAs(c.name());
      if (c.type() != ColumnType.STRING && v != null && !parses(v.toString(), c.type())) {
        throw new ConfigException("metrics file " + metricsPath + ": column " + c.name()
            + ": '" + v + "' is not " + (c.type() == ColumnType.DOUBLE ? "a number"
            : "an integer"));
      }
    }
  }

  private static boolean parses(String s, ColumnType k) {
    try {
      if (k == ColumnType.DOUBLE) {
        Double.parseDouble(s.trim());
      } else {
        Long.parseLong(s.trim());
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean exists(Path p, Configuration conf) {
    try {
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new ConfigException(p + ": cannot read: " + e.getMessage());
    }
  }

  private static String firstLine(String s) {
    return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
  }
}
