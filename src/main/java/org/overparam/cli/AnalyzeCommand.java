package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.analysis.Analysis;
import org.overparam.analysis.Inputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code overparam analyze}: writes the analysis tables from the metrics and runs tables. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Aggregate the metrics over seeds and locate double descent and scaling laws; "
        + "writes Parquet tables under <results>/analysis.")
final class AnalyzeCommand implements Callable<Integer> {
  @Option(names = "--results", defaultValue = "results", description = "Results root "
      + "(local folder or any Hadoop URI; default: ${DEFAULT-VALUE}).")
  String results;

  @Option(names = "--experiment", description = "Analyse only this experiment (default: all).")
  String experiment;

  @Option(names = "--metrics-csv", paramLabel = "FILE", description = "Read the metrics from "
      + "this CSV file or folder (header row, metrics table columns) instead of "
      + "<results>/metrics.")
  String metricsCsv;

  @Option(names = "--bootstrap", defaultValue = "200", paramLabel = "N", description =
      "Bootstrap resamples of each scaling fit, for its intervals (0: none; default: "
          + "${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the bootstrap "
      + "resampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--lock-wait", defaultValue = "600", paramLabel = "SECONDS", description =
      "How long to wait for another analysis of the same results root before giving up "
          + "(default: ${DEFAULT-VALUE}).")
  long lockWait;

  @Option(names = "--master", description = "Spark master (default: spark-submit's, else "
      + "local[*]).")
  String master;

  @Override
  public Integer call() {
    // The inputs' files and columns are checked before Spark starts.
    Inputs in = Inputs.check(results, experiment, metricsCsv);
    Analysis.Options options = new Analysis.Options(bootstrap, seed, lockWait * 1000);
    try (OwnedSpark s = OwnedSpark.start(master, "overparam analyze")) {
      Analysis.run(s.spark, in, options, System.out);
    }
    return 0;
  }
}
