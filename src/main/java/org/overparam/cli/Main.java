package org.overparam.cli;

import java.io.PrintWriter;
import org.overparam.config.ConfigException;
import org.overparam.data.DataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point: {@code overparam <command> ...}; exit 0 done, 1 failed, 2 bad input. */
@Command(name = "overparam", mixinStandardHelpOptions = true, version = "overparam 0.1.0",
    description = "Double descent and scaling laws, measured with real training runs on Spark.",
    subcommands = {TrainCommand.class, AnalyzeCommand.class, ReportCommand.class,
        FitScalingCommand.class})
public final class Main {
  public static final int EXIT_BAD_INPUT = 2;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  public static void main(String[] args) throws org.apache.spark.SparkException {
    int code = run(args);
    if (yarnClusterDriver()) {
      // YARN's application master reports the final status once main returns; System.exit
      // here would run its shutdown hook first, and a sweep that succeeded would be FAILED.
      if (code != 0) {
        throw new org.apache.spark.SparkUserAppException(code); // the master exits with it
      }
      return;
    }
    System.exit(code);
  }

  /** Whether this JVM is YARN's application master running the driver (cluster mode). */
  static boolean yarnClusterDriver() {
    // The application master sets the application's Spark properties as system properties.
    return "cluster".equals(System.getProperty("spark.submit.deployMode"))
        && "yarn".equals(System.getProperty("spark.master"));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    return run(null, null, args);
  }

  /**
   * Runs the command line with picocli's output and error writers replaced where not null, so a
   * caller can capture what a command reports.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setParameterExceptionHandler((ex, a) -> {
      PrintWriter w = ex.getCommandLine().getErr();
      w.println("overparam: error: " + ex.getMessage());
      w.flush();
      return EXIT_BAD_INPUT;
    });
    return cli.execute(args);
  }

  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    boolean verbose = parsed.hasMatchedOption("--verbose")
        || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
    PrintWriter err = cmd.getErr();
    Throwable cause = e;
    while (!(cause instanceof ConfigException || cause instanceof DataException)
        && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    boolean badInput = cause instanceof ConfigException || cause instanceof DataException;
    Throwable shown = badInput ? cause : e;
    String msg = shown.getMessage() == null ? shown.toString() : shown.getMessage();
    err.println("overparam: error: " + msg.lines().findFirst().orElse(msg));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return badInput ? EXIT_BAD_INPUT : 1;
  }
}
