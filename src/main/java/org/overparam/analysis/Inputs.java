package org.overparam.analysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.overparam.results.Columns.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.overparam.config.ConfigException;
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
 * <p>Three kinds of input, each checked and read by its own {@link Source}:
 *
 * <ul>
 *   <li>{@link StoreInputs}: a results root that {@code overparam train} wrote (it holds the
 *       {@code _OVERPARAM} marker); only whole recorded runs are read, each with its
 *       configuration id;
 *   <li>{@link TableInputs}: Parquet tables that other tools wrote; every row is read, all of one
 *       configuration ("");
 *   <li>{@link CsvInputs}: a CSV metrics table given with {@code --metrics-csv}.
 * </ul>
 */
public final class Inputs {
  /**
   * Metrics columns analysis needs, each read as (cast to) its type. Two more are read where the
   * table has them: {@code family}, else null, and {@code non_embedding_params}, else (and where
   * null) {@code params}.
   */
  static final List<org.overparam.results.Column> METRICS = List.of(RUN_ID, DEPTH, WIDTH, PARAMS,
      TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT, SEED, EPOCH, TRAIN_LOSS, TRAIN_ERROR,
      TEST_LOSS, TEST_ERROR);
  /** Runs columns analysis needs. */
  static final List<org.overparam.results.Column> RUNS = List.of(RUN_ID, STATUS, MESSAGE);
  /** Compression columns analysis needs. */
  static final List<org.overparam.results.Column> COMPRESSION = List.of(RUN_ID, FAMILY, DEPTH,
      WIDTH, PARAMS, TRAIN_SIZE, LABEL_NOISE, WEIGHT_DECAY, DROPOUT, VARIANT, SPARSITY,
      QUANTIZATION, ACHIEVED_SPARSITY, TEST_ERROR, TEST_LOSS);

  /** One kind of input, checked; reads its rows with the columns {@link Inputs} selects. */
  sealed interface Source permits StoreInputs, TableInputs, CsvInputs {
    /** The metrics table: a Parquet folder, or a CSV file or folder. */
    String metricsPath();

    /** What each experiment's folders hold (a results store only), else null. */
    default List<RecordedRuns> recorded() {
      return null;
    }

    /** The metrics rows: the {@link #METRICS} columns plus experiment, config and status. */
    Dataset<Row> metrics(SparkSession spark);

    /** The experiments that have metrics rows. */
    List<String> experiments(SparkSession spark);

    /** The compression rows with experiment and config, or null without a compression table. */
    Dataset<Row> compression(SparkSession spark);

    /** The runs rows (experiment, run_id, status, message, data), or null without them. */
    Dataset<Row> runs(SparkSession spark);
  }

  private final String results;
  private final Source source;

  private Inputs(String results, Source source) {
    this.results = results;
    this.source = source;
  }

  /**
   * Checks the inputs of {@code overparam analyze} without starting Spark.
   *
   * @param results results root; analysis tables go under {@code <results>/analysis}
   * @param experiment one experiment, or null for all
   * @param metricsCsv a CSV metrics table to read instead of {@code <results>/metrics}, or null
   */
  public static Inputs check(String results, String experiment, String metricsCsv) {
    requireName(experiment);
    Configuration conf = new Configuration();
    Source source;
    if (metricsCsv != null) {
      source = CsvInputs.check(experiment, metricsCsv, conf);
    } else if (ParquetFooters.exists(new Path(results, ResultsStore.MARKER), conf)) {
      source = StoreInputs.check(results, experiment, conf);
    } else {
      source = TableInputs.check(results, experiment, conf);
    }
    return new Inputs(results, source);
  }

  /** Refuses an {@code --experiment} that cannot name a partition folder. */
  static void requireName(String experiment) {
    if (experiment != null && !experiment.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
      throw new ConfigException("--experiment '" + experiment + "': not an experiment name");
    }
  }

  /** The results root; analysis tables go under {@code <results>/analysis}. */
  public String results() {
    return results;
  }

  /** The metrics table: a Parquet folder, or a CSV file or folder. */
  public String metricsPath() {
    return source.metricsPath();
  }

  /**
   * For a results root that {@code overparam train} wrote, what each experiment's folders hold,
   * checked file by file; null for tables that other tools wrote.
   */
  public List<RecordedRuns> recorded() {
    return source.recorded();
  }

  /**
   * The metrics rows, the needed columns cast to their kinds, plus experiment, status, family and
   * non_embedding_params (see {@link #METRICS}).
   */
  public Dataset<Row> metrics(SparkSession spark) {
    Dataset<Row> raw = source.metrics(spark);
    java.util.Set<String> have = java.util.Set.of(raw.columns());
    List<Column> cols = new ArrayList<>();
    cols.add(col(EXPERIMENT.name()).cast("string").as(EXPERIMENT.name()));
    cols.add(col(CONFIG.name()));
    METRICS.forEach(c -> cols.add(col(c.name()).cast(c.type().spark()).as(c.name())));
    cols.add(col(STATUS.name()).cast("string").as(STATUS.name()));
    cols.add((have.contains(FAMILY.name()) ? col(FAMILY.name()) : lit(null))
        .cast(FAMILY.type().spark()).as(FAMILY.name()));
    Column params = col(PARAMS.name()).cast(PARAMS.type().spark());
    cols.add((have.contains(NON_EMBEDDING_PARAMS.name()) ? coalesce(
        col(NON_EMBEDDING_PARAMS.name()).cast(NON_EMBEDDING_PARAMS.type().spark()), params)
        : params).as(NON_EMBEDDING_PARAMS.name()));
    Dataset<Row> out = raw.select(cols.toArray(Column[]::new));
    // A results store holds one small file per run; thousands of scan tasks would each pay
    // for a shuffle write of their own, so they are merged into a few per core.
    int tasks = 4 * spark.sparkContext().defaultParallelism();
    return out.rdd().getNumPartitions() > tasks ? out.coalesce(tasks) : out;
  }

  /**
   * The experiments of the metrics table: those with recorded metrics (a results store), its
   * {@code experiment=} folders (Parquet), or its distinct experiment values (CSV, one Spark
   * job).
   */
  public List<String> experiments(SparkSession spark) {
    return source.experiments(spark);
  }

  /**
   * The compression rows, the needed columns cast to their kinds, plus experiment; null if there
   * is no compression table.
   */
  public Dataset<Row> compression(SparkSession spark) {
    Dataset<Row> raw = source.compression(spark);
    if (raw == null) {
      return null;
    }
    List<Column> cols = new ArrayList<>();
    cols.add(col(EXPERIMENT.name()).cast("string").as(EXPERIMENT.name()));
    cols.add(col(CONFIG.name()));
    COMPRESSION.forEach(c -> cols.add(col(c.name()).cast(c.type().spark()).as(c.name())));
    return raw.select(cols.toArray(Column[]::new));
  }

  /**
   * The runs rows (experiment, run_id, status, message, data), or null if there is no runs
   * table.
   */
  public Dataset<Row> runs(SparkSession spark) {
    return source.runs(spark);
  }

  /**
   * The experiments of a table folder: its {@code experiment=} subfolders, in listing order;
   * {@code what} names the table in the error ("metrics table").
   */
  static List<String> experimentFolders(Path table, Configuration conf, String what) {
    List<String> out = new ArrayList<>();
    String prefix = ResultsLayout.PARTITION + "=";
    try {
      for (FileStatus st : table.getFileSystem(conf).listStatus(table)) {
        String n = st.getPath().getName();
        if (st.isDirectory() && n.startsWith(prefix)) {
          out.add(n.substring(prefix.length()));
        }
      }
    } catch (IOException e) {
      throw new ConfigException(what + " " + table + ": cannot list: " + e.getMessage());
    }
    return out;
  }
}
