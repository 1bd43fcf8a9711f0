package org.overparam.analysis;

import static org.overparam.results.Columns.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.overparam.config.ConfigException;
import org.overparam.results.RecordedRuns;
import org.overparam.results.ResultsLayout;

/**
 * A results root that {@code overparam train} wrote (it holds the {@code _OVERPARAM} marker):
 * each experiment's runs as {@link RecordedRuns} defines them, checked file by file. Only the
 * files of whole recorded runs are read, named one by one, and each row gets its run's
 * configuration id by a broadcast join; what is left out is counted in {@link #recorded}.
 *
 * @param metricsPath the metrics table folder
 * @param experiment the one experiment to analyse, or null for all
 * @param recorded what each experiment's folders hold
 * @param compressionPath the compression table folder, or null if no recorded run has a
 *     compression file
 */
record StoreInputs(String metricsPath, String experiment, List<RecordedRuns> recorded,
    String compressionPath) implements Inputs.Source {

  StoreInputs {
    Inputs.requireName(experiment);
    recorded = List.copyOf(recorded);
  }

  /**
   * Checks a results root: each experiment's runs (runs files of another experiment refused),
   * then the columns of the files that will be read.
   */
  static StoreInputs check(String results, String experiment, Configuration conf) {
    Path root = new Path(results);
    Path metrics = new Path(root, ResultsLayout.METRICS);
    List<String> names = new ArrayList<>();
    if (experiment != null) {
      if (!ParquetFooters.exists(ResultsLayout.partition(root, ResultsLayout.RUNS, experiment),
          conf) && !ParquetFooters.exists(ResultsLayout.partition(root, ResultsLayout.METRICS,
          experiment), conf)) {
        throw new ConfigException("metrics table " + metrics + ": no experiment '" + experiment
            + "' there");
      }
      names.add(experiment);
    } else {
      SortedSet<String> found = new TreeSet<>();
      for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) {
        Path dir = new Path(root, table);
        if (ParquetFooters.exists(dir, conf)) {
          found.addAll(Inputs.experimentFolders(dir, conf, "results table"));
        }
      }
      names.addAll(found);
    }
    List<RecordedRuns> recorded = names.parallelStream()
        .map(e -> RecordedRuns.check(root, e, conf)).toList();
    List<Path> compressionFiles = new ArrayList<>();
    boolean any = false;
    for (RecordedRuns r : recorded) {
      r.refuseForeign();
      for (RecordedRuns.Run run : r.recorded().values()) {
        if (run.metricsFile() != null) {
          ParquetFooters.checkSchema(run.metricsSchema(), run.metricsFile(), Inputs.METRICS,
              "metrics");
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
    ParquetFooters.checkAll(compressionFiles, Inputs.COMPRESSION, "compression", conf);
    return new StoreInputs(metrics.toString(), experiment, recorded,
        compressionFiles.isEmpty() ? null : new Path(root, ResultsLayout.COMPRESSION).toString());
  }

  private Stream<RecordedRuns.Run> runsRecorded() {
    return recorded.stream().flatMap(r -> r.recorded().values().stream());
  }

  /**
   * Reads exactly the files {@code file} names of the recorded runs, with their experiment
   * column, and joins each row's configuration id on (experiment, run_id): an inner join, so
   * only rows of recorded runs stay.
   */
  private Dataset<Row> readRecorded(SparkSession spark, String table,
      Function<RecordedRuns.Run, Path> file) {
    Dataset<Row> rows = spark.read().option("basePath", table).parquet(runsRecorded()
        .map(file).filter(Objects::nonNull).map(Path::toString).toArray(String[]::new));
    return rows.join(functions.broadcast(configs(spark)),
        scala.collection.JavaConverters.asScalaBuffer(List.of(EXPERIMENT.name(), RUN_ID.name()))
            .toSeq());
  }

  /** The (experiment, run_id, config) table of the recorded runs. */
  private Dataset<Row> configs(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (RecordedRuns r : recorded) {
      for (RecordedRuns.Run run : r.recorded().values()) {
        rows.add(RowFactory.create(r.experiment(), run.runId(), run.configId()));
      }
    }
    return spark.createDataFrame(rows, DataTypes.createStructType(
        Stream.of(EXPERIMENT, RUN_ID, CONFIG)
            .map(c -> DataTypes.createStructField(c.name(), DataTypes.StringType, false))
            .toList()));
  }

  @Override
  public Dataset<Row> metrics(SparkSession spark) {
    return readRecorded(spark, metricsPath, RecordedRuns.Run::metricsFile);
  }

  @Override
  public List<String> experiments(SparkSession spark) {
    return recorded.stream().filter(r -> r.recorded().values().stream()
        .anyMatch(x -> x.metricsFile() != null)).map(RecordedRuns::experiment).toList();
  }

  @Override
  public Dataset<Row> compression(SparkSession spark) {
    return compressionPath == null ? null
        : readRecorded(spark, compressionPath, RecordedRuns.Run::compressionFile);
  }

  /** The runs rows of the recorded and the failed runs, from the checked runs files. */
  @Override
  public Dataset<Row> runs(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (RecordedRuns r : recorded) {
      for (RecordedRuns.Run run : Stream.concat(r.recorded().values().stream(),
          r.failed().stream()).toList()) {
        rows.add(RowFactory.create(r.experiment(), run.runId(), run.status(), run.message(),
            run.data()));
      }
    }
    return spark.createDataFrame(rows, DataTypes.createStructType(
        Stream.of(EXPERIMENT, RUN_ID, STATUS, MESSAGE, DATA)
            .map(c -> DataTypes.createStructField(c.name(), DataTypes.StringType, false))
            .toList()));
  }
}
