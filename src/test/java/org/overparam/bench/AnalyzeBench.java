package org.overparam.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.overparam.analysis.Analysis;
import org.overparam.analysis.Inputs;
import org.overparam.report.Report;

/**
 * Times {@code overparam analyze} (and report) on a synthetic metrics table of many rows.
 *
 * <pre>
 * mvn -q test-compile
 * java -Xmx8g ${spark.opens} -cp target/classes:target/test-classes:$(cat target/classpath.txt) \
 *   org.overparam.bench.AnalyzeBench [rows=10000000] [master=local[2]] [files=8] [dir=tmp] \
 *   [bootstrap=200]
 * </pre>
 *
 * <p>The grid: 20 widths × 5 train sizes × 5 label-noise levels × 4 weight decays × 2 dropouts
 * × 5 seeds = 20,000 runs, each with rows / 20,000 epochs; about 1% of runs diverge half way.
 * Test error falls as a power of width and of train size, has a model-wise peak where
 * parameters ≈ 10 × train size, growing with label noise, shrinking with weight decay, and an
 * epoch-wise bump for the mid-sized models. {@code files}
 * is how many Parquet files hold the table (the training store writes one per run; compacted
 * tables have few). A {@code dir} that already holds a metrics table is analysed as it is.
 */
public final class AnalyzeBench {
  private AnalyzeBench() {}

  public static void main(String[] args) throws IOException {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    String master = args.length > 1 ? args[1] : "local[2]";
    int files = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("analyze-bench");
    int bootstrap = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    SparkSession spark = SparkSession.builder().master(master).appName("analyze-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate();
    try {
      long t0 = System.nanoTime();
      if (Files.isDirectory(dir.resolve("metrics"))) {
        System.out.println("reusing the metrics table under " + dir);
      } else {
        generate(spark, rows, files).write().mode(SaveMode.Overwrite).partitionBy("experiment")
            .parquet(dir.resolve("metrics").toString());
        System.out.printf(Locale.ROOT, "generated %,d rows in %d files under %s in %.1fs%n",
            rows, files, dir, (System.nanoTime() - t0) / 1e9);
      }
      long t1 = System.nanoTime();

      Inputs in = Inputs.check(dir.toString(), null, null);
      long t2 = System.nanoTime();
      double c2 = cpuSeconds();
      Analysis.run(spark, in, new Analysis.Options(bootstrap, 0), System.out);
      long t3 = System.nanoTime();
      double c3 = cpuSeconds();
      Report.write(spark, dir.toString(), Report.check(dir.toString(), null), System.out);
      long t4 = System.nanoTime();
      double c4 = cpuSeconds();
      System.out.printf(Locale.ROOT, "input check %.1fs; analyze %.1fs wall, %.1f CPU-s "
              + "(%.0f rows/s); report %.1fs wall, %.1f CPU-s; master %s; load average %.1f%n",
          (t2 - t1) / 1e9, (t3 - t2) / 1e9, c3 - c2, rows / ((t3 - t2) / 1e9), (t4 - t3) / 1e9,
          c4 - c3, master, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    } finally {
      spark.stop();
    }
  }

  /** CPU seconds this JVM has used (all threads, Spark's included). */
  static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** The synthetic metrics rows, computed by Spark from a row number. */
  static Dataset<Row> generate(SparkSession spark, long rows, int files) {
    long runs = 20_000;
    long epochs = Math.max(1, rows / runs);
    return spark.range(0, runs * epochs, 1, files).selectExpr(
            "id div " + epochs + " as run", "cast(id % " + epochs + " + 1 as int) as epoch")
        .selectExpr("run", "epoch",
            "cast(run % 5 as long) as seed",
            "cast(run div 5 % 20 as int) as wi",
            "cast(array(500, 1000, 2000, 4000, 8000)[int(run div 100 % 5)] as int) as train_size",
            "array(0.0, 0.05, 0.1, 0.2, 0.4)[int(run div 500 % 5)] as label_noise",
            "array(0.0, 1e-4, 1e-3, 1e-2)[int(run div 2500 % 4)] as weight_decay",
            "array(0.0, 0.2)[int(run div 10000 % 2)] as dropout")
        .selectExpr("*", "cast(round(4 * pow(2, wi / 2.0)) as int) as width")
        .selectExpr("*", "cast(width * 795 + 10 as long) as params",
            "ln((width * 795.0 + 10) / (10.0 * train_size)) as x",
            "(hash(run, epoch) % 1000) / 4e5 as jitter",
            "hash(run) % 100 = 0 as diverges")
        .filter(f("not diverges or epoch <= %d", epochs / 2))
        .selectExpr("*",
            "(0.3 + 0.5 * label_noise) * greatest(0.0, least(1.0, -x / 2)) as train_final",
            "0.05 + 0.4 * label_noise * exp(-x * x / 0.8) / (1 + weight_decay * 300) "
                + "+ 0.15 * pow(width, -0.3) + 0.3 * pow(train_size / 500.0, -0.4) "
                + "+ 0.05 * label_noise as test_final")
        .selectExpr("*", f("exp(-epoch / (%d / 25.0)) as decay", epochs),
            f("0.1 * label_noise * exp(-pow((epoch - %d / 4.0) / (%d / 20.0), 2)) "
                + "* exp(-x * x) as bump", epochs, epochs))
        .selectExpr("'bench' as experiment", "concat('r', run) as run_id",
            "'synthetic' as dataset", "'mlp' as family", "1 as depth", "width", "params",
            "6 * params as flops_per_example", "train_size", "label_noise", "weight_decay",
            "dropout", "seed", "'sgd' as optimizer", "0.1 as learning_rate", "128 as batch_size",
            "'per-task' as strategy", f("%d as epochs", epochs), "epoch",
            "2 * (train_final + 0.9 * decay) + 0.05 + jitter as train_loss",
            "least(1.0, train_final + 0.9 * decay + jitter) as train_error",
            "2 * (test_final + 0.5 * decay + bump) + 0.1 + jitter as test_loss",
            "least(1.0, test_final + 0.5 * decay + bump + jitter) as test_error",
            "0.01 as epoch_seconds", "1e5 as samples_per_second", "0.001 as eval_seconds",
            "6.0 * params * train_size * epoch as compute_flops",
            "if(diverges, 'diverged', 'completed') as status");
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
