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
    subcommands = {TrainCommand.class,
        FitScalingCommand.class,
        AnalyzeCommand.class,
        ReportCommand.class})
public final class Main {
  public static final int EXIT_BAD_INPUT = 2;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("overparam: error: " + ex.getMessage());
      err.flush();
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
