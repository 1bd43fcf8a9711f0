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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.overparam.config.ConfigException;
import org.overparam.results.ColumnType;

/**
 * A CSV metrics table ({@code --metrics-csv}: a file, or a folder of part files with one header
 * each) with the metrics table's columns. The header is checked before Spark starts; values are
 * checked once Spark reads them, the first one not of its column's kind named. Every row is of
 * one configuration (""); there are no runs or compression tables.
 *
 * @param metricsPath the CSV file or folder
 * @param experiment the one experiment to analyse, or null for all
 * @param hasStatus whether the header names a {@code status} column (else every row is read as
 *     completed)
 * @param hasExperiment whether the header names an {@code experiment} column (else every row is
 *     of {@code experiment})
 */
record CsvInputs(String metricsPath, String experiment, boolean hasStatus, boolean hasExperiment)
    implements Inputs.Source {

  CsvInputs {
    Inputs.requireName(experiment);
  }

  /** Checks the header of the CSV file (or of a folder's first part file) at {@code csvPath}. */
  static CsvInputs check(String experiment, String csvPath, Configuration conf) {
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
      for (org.overparam.results.Column c : Inputs.METRICS) {
        if (!header.contains(c.name())) {
          throw new ConfigException("metrics file " + file + ": missing column " + c.name());
        }
      }
      boolean hasExperiment = header.contains(EXPERIMENT.name());
      if (!hasExperiment && experiment == null) {
        throw new ConfigException("metrics file " + file + ": missing column experiment (or "
            + "give --experiment to name the experiment of every row)");
      }
      return new CsvInputs(csvPath, experiment, header.contains(STATUS.name()), hasExperiment);
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

  /** The rows, after checking every value of the needed columns (one Spark job). */
  @Override
  public Dataset<Row> metrics(SparkSession spark) {
    Dataset<Row> raw = spark.read().option("header", "true").option("mode", "FAILFAST")
        .csv(metricsPath);
    Dataset<Row> out = raw.withColumn(CONFIG.name(), lit(""));
    if (!hasExperiment) {
      out = out.withColumn(EXPERIMENT.name(), lit(experiment));
    } else if (experiment != null) {
      out = out.filter(col(EXPERIMENT.name()).equalTo(experiment));
    }
    if (!hasStatus) {
      out = out.withColumn(STATUS.name(), lit("completed"));
    }
    checkValues(raw);
    return out;
  }

  /** Fails, naming the column, on the first CSV value that is not of its column's kind. */
  private void checkValues(Dataset<Row> raw) {
    Column bad = lit(false);
    for (org.overparam.results.Column c : Inputs.METRICS) {
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
    for (org.overparam.results.Column c : Inputs.METRICS) {
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

  /** The distinct experiments of the rows (one Spark job over the checked rows). */
  @Override
  public List<String> experiments(SparkSession spark) {
    List<String> out = new ArrayList<>();
    metrics(spark).select(col(EXPERIMENT.name()).cast("string")).distinct().collectAsList()
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  @Override
  public Dataset<Row> compression(SparkSession spark) {
    return null;
  }

  @Override
  public Dataset<Row> runs(SparkSession spark) {
    return null;
  }
}
