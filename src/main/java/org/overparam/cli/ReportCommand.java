package org.overparam.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.overparam.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code overparam report}: one HTML page with PNG charts per experiment. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Draw the analysis tables: writes <results>/report/<experiment>/index.html "
        + "with PNG charts.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--results", defaultValue = "results", description = "Results root "
      + "(local folder or any Hadoop URI; default: ${DEFAULT-VALUE}).")
  String results;

  @Option(names = "--experiment", description = "Report only this experiment (default: all "
      + "analysed).")
  String experiment;

  @Option(names = "--master", description = "Spark master (default: spark-submit's, else "
      + "local[*]).")
  String master;

  @Override
  public Integer call() {
    List<String> experiments = Report.check(results, experiment);
    try (OwnedSpark s = OwnedSpark.start(master, "overparam report")) {
      Report.write(s.spark, results, experiments, System.out);
    }
    return 0;
  }
}
