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
import org.overparam.results.Columns;
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
 *
 * <p>A results root that holds more than one analysed experiment (several experiment files
 * trained into one {@code --results}) also gets a page of its own, {@code
 * <results>/report/index.html}: a link to each experiment's page, then their scaling laws and
 * compression side by side ({@link ScalingSection#compare}, {@link CompressionSection#compare}),
 * so that two model families trained on the same data can be compared at a glance. Every
 * report rewrites it from all the experiments analysed so far.
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

  /**
   * Writes the report of each experiment, then the results root's page when the root holds
   * more than one analysed experiment; returns the experiments' index.html paths.
   */
  public static List<String> write(SparkSession spark, String results, List<String> experiments,
      PrintStream out) {
    List<String> pages = new ArrayList<>();
    java.util.Map<String, ReportInputs> read = new java.util.HashMap<>();
    for (String e : experiments) {
      ReportFiles files = new ReportFiles(spark, results, e);
      ReportInputs in = new ReportInputs(files);
      Page page = page(in, SECTIONS);
      String index = files.write("index.html", page.html().getBytes(StandardCharsets.UTF_8));
      out.println("overparam: report: " + e + ": " + index + " (" + page.images().size()
          + " charts)");
      pages.add(index);
      read.put(e, in);
    }
    writeRoot(spark, results, read, out);
    return pages;
  }

  /**
   * Writes {@code <results>/report/index.html} when the root holds more than one analysed
   * experiment; returns its path, or null. The tables of the experiments in {@code read} are
   * those their pages just read; the others' are read now. Experiments whose tables do not
   * pass {@link AnalysisFolder#verify} keep the root from having a page, which is said, but
   * fail nothing: their own pages are refused when asked for.
   */
  static String writeRoot(SparkSession spark, String results,
      java.util.Map<String, ReportInputs> read, PrintStream out) {
    List<String> all;
    try {
      all = check(results, null);
    } catch (ConfigException e) {
      out.println("overparam: report: no page of the results root: " + e.getMessage());
      return null;
    }
    if (all.size() < 2) {
      return null;
    }
    ReportFiles files = ReportFiles.root(spark, results);
    Page page = rootPage(results, all.stream().map(e -> read.getOrDefault(e, new ReportInputs(
        new ReportFiles(spark, results, e)))).toList(), new ReportInputs(files));
    String index = files.write("index.html", page.html().getBytes(StandardCharsets.UTF_8));
    out.println("overparam: report: " + all.size() + " experiments side by side: " + index
        + " (" + page.images().size() + " charts)");
    return index;
  }

  /**
   * The results root's page: a link to each experiment's page with its model families, then
   * the experiments' scaling laws and compression side by side; {@code root} is where its
   * charts go.
   */
  static Page rootPage(String results, List<ReportInputs> experiments, ReportInputs root) {
    StringBuilder html = new StringBuilder();
    html.append("<h2>Experiments</h2>\n<ul>\n");
    for (ReportInputs in : experiments) {
      String e = Html.esc(in.experiment());
      List<String> families = in.table(Catalog.CURVES).stream().filter(r -> java.util.Arrays
              .asList(r.schema().fieldNames()).contains(Columns.FAMILY.name()))
          .map(r -> r.<String>getAs(Columns.FAMILY.name())).filter(java.util.Objects::nonNull)
          .distinct().sorted().toList();
      html.append("<li><a href=\"").append(e).append("/index.html\">").append(e).append("</a>")
          .append(families.isEmpty() ? "" : " (" + Html.esc(String.join(", ", families)) + ")")
          .append("</li>\n");
    }
    html.append("</ul>\n");
    ReportInputs.Fragment scaling = root.fragment();
    ScalingSection.compare(experiments, scaling);
    ReportInputs.Fragment compression = root.fragment();
    CompressionSection.compare(experiments, compression);
    List<String> images = new ArrayList<>();
    for (Section.Rendered r : List.of(scaling.done(), compression.done())) {
      html.append(r.html());
      images.addAll(r.images());
    }
    String title = "results root " + results;
    return new Page(shell(title, html.toString()), images);
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
    for (Section s : sections) {
      Section.Rendered r = s.render(in);
      html.append(r.html());
      images.addAll(r.images());
    }
    return new Page(shell(in.experiment(), html.toString()), images);
  }

  /** A whole page: the head, {@code title} as its title and heading, then {@code body}. */
  private static String shell(String title, String body) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>overparam: " + Html.esc(title) + "</title>\n<style>"
        + "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        + "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;"
        + "padding:2px 6px;text-align:right}img{max-width:100%}</style></head><body>\n"
        + "<h1>" + Html.esc(title) + "</h1>\n" + body + "</body></html>\n";
  }
}
