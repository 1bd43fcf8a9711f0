package org.overparam.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.overparam.analysis.AnalysisFolder;
import org.overparam.config.ConfigException;
import org.overparam.results.Catalog;
import org.overparam.results.ResultsLayout;

/**
 * {@code overparam report}: one HTML page per experiment, {@code
 * <results>/report/<experiment>/index.html}, with PNG charts beside it, drawn from the analysis
 * tables only: test and train error and loss against parameters with the interpolation threshold
 * and peak marked, width-by-epoch heat maps of test error, scaling fits, a table of fitted
 * coefficients, compression against model size (when the experiment compressed its models),
 * distillation students against the same widths trained on labels alone (when it has students),
 * test error against parameters one line per value of each lever with how it moved the peak, and
 * a few sentences on where the threshold and peak fell. The page is a shell around its
 * {@link Section}s, asked in order; they read the tables through one {@link ReportInputs}.
 */
public final class Report {
  /** The sections of every page, in the order shown. */
  static final List<Section> SECTIONS = List.of(new RunsSection(), new ConfigurationsSection(),
      new FindingsSection(), new ModelWiseSection(), new LeversSection(), new EpochWiseSection(),
      new ScalingSection(), new CompressionSection(), new DistillationSection());

  private Report() {}

  /**
   * Checks, without Spark, that the analysis tables exist (for {@code experiment}, or any);
   * returns the experiments to report on.
   */
  public static List<String> check(String results, String experiment) {
    Path curves = new Path(new Path(results, ResultsLayout.ANALYSIS), Catalog.CURVES.name());
    List<String> found = new ArrayList<>();
    try {
      FileSystem fs = curves.getFileSystem(new Configuration());
      if (fs.exists(curves)) {
        for (FileStatus st : fs.listStatus(curves)) {
          String n = st.getPath().getName();
          String prefix = ResultsLayout.PARTITION + "=";
          if (st.isDirectory() && n.startsWith(prefix)) {
            found.add(n.substring(prefix.length()));
          }
        }
      }
    } catch (IOException e) {
      throw new ConfigException("analysis tables " + curves + ": cannot read: " + e.getMessage());
    }
    found.sort(null);
    if (found.isEmpty()) {
      throw new ConfigException("analysis tables " + curves.getParent() + ": not found (run "
          + "overparam analyze first)");
    }
    if (experiment != null) {
      if (!found.contains(experiment)) {
        throw new ConfigException("--experiment " + experiment + ": not analysed in "
            + curves.getParent() + " (found: " + String.join(", ", found) + ")");
      }
      found = List.of(experiment);
    }
    // Every table drawn must come from the one analysis that the manifest names.
    AnalysisFolder.verify(results, found, new Configuration());
    return found;
  }

  /** Writes the report of each experiment; returns the index.html paths. */
  public static List<String> write(SparkSession spark, String results, List<String> experiments,
      PrintStream out) {
    List<String> pages = new ArrayList<>();
    for (String e : experiments) {
      ReportFiles files = new ReportFiles(spark, results, e);
      Page page = page(new ReportInputs(files), SECTIONS);
      String index = files.write("index.html", page.html().getBytes(StandardCharsets.UTF_8));
      out.println("overparam: report: " + e + ": " + index + " (" + page.images().size()
          + " charts)");
      pages.add(index);
    }
    return pages;
  }

  /**
   * One experiment's page: its HTML and the charts its sections saved beside it.
   *
   * @param html the whole of index.html
   * @param images the PNG files, in the order shown
   */
  record Page(String html, List<String> images) {}

  /** The page shell around what each of {@code sections} renders, in order. */
  static Page page(ReportInputs in, List<Section> sections) {
    StringBuilder html = new StringBuilder();
    List<String> images = new ArrayList<>();
    html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>overparam: ").append(Html.esc(in.experiment())).append("</title>\n<style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;")
        .append("padding:2px 6px;text-align:right}img{max-width:100%}</style></head><body>\n")
        .append("<h1>").append(Html.esc(in.experiment())).append("</h1>\n");
    for (Section s : sections) {
      Section.Rendered r = s.render(in);
      html.append(r.html());
      images.addAll(r.images());
    }
    html.append("</body></html>\n");
    return new Page(html.toString(), images);
  }
}
