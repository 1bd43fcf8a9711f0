package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overparam.testing.TestSpark;

/** The page: every section's HTML in order inside the shell, written as index.html. */
class ReportTest {
  @Test
  void indexHoldsEverySectionInOrder() throws Exception {
    String results = Analysed.results();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> pages = Report.write(TestSpark.get(), results, Report.check(results, "dd"),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    Path index = Analysed.dir("dd").resolve("index.html");
    assertThat(pages).hasSize(1);
    assertThat(pages.get(0)).endsWith(index.toString());
    String html = Files.readString(index);

    // The page is the shell around what each section renders alone, in order.
    StringBuilder sections = new StringBuilder();
    int charts = 0;
    for (Section s : Report.SECTIONS) {
      Section.Rendered r = s.render(Analysed.inputs("dd"));
      sections.append(r.html());
      charts += r.images().size();
    }
    assertThat(html).startsWith("<!doctype html>\n").contains("<title>overparam: dd</title>")
        .endsWith("<h1>dd</h1>\n" + sections + "</body></html>\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(" + charts + " charts)");

    int at = -1;
    for (String title : List.of("Runs", "Where the threshold and peak fell",
        "Model-wise: error and loss against parameters",
        "Epoch-wise: test error by width and epoch", "Scaling laws")) {
      int next = html.indexOf("<h2>" + title + "</h2>");
      assertThat(next).as(title).isGreaterThan(at);
      at = next;
    }
    assertThat(Report.SECTIONS).extracting(Section::title).containsExactly("Runs",
        "Configurations", "Where the threshold and peak fell",
        "Model-wise: error and loss against parameters",
        "Levers: how each varied field moves the peak",
        "Epoch-wise: test error by width and epoch", "Scaling laws",
        "Compression: how much of each model is needed",
        "Distillation: students against labels alone");
    // No checksum files beside the page.
    try (var files = Files.list(Analysed.dir("dd"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".crc"));
    }
  }

  @Test
  void theRootsPageLinksEachExperimentThenComparesThem() {
    String results = Analysed.results();
    Report.Page page = Report.rootPage(results, List.of(Analysed.inputs("dd"),
        Analysed.inputs("none")), Analysed.root());
    assertThat(page.html()).startsWith("<!doctype html>\n")
        .contains("<title>overparam: results root " + results + "</title>")
        .contains("<h2>Experiments</h2>\n<ul>\n<li><a href=\"dd/index.html\">dd</a> (mlp)</li>\n"
            + "<li><a href=\"none/index.html\">none</a></li>\n</ul>\n<h2>Scaling laws compared</h2>")
        .contains("<h2>Compression compared</h2>").endsWith("</body></html>\n");
    assertThat(page.images()).containsExactly("compare-scaling-1.png");
  }

  @Test
  void aRootOfOneAnalysedExperimentHasNoPageOfItsOwn(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException {
    // The shared root's analysis holds several experiments; this copy keeps dd's curves alone.
    Path analysis = Path.of(Analysed.results(), "analysis");
    try (var files = Files.walk(analysis)) {
      for (Path f : files.toList()) {
        Path to = tmp.resolve("analysis").resolve(analysis.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    try (var others = Files.list(tmp.resolve("analysis/curves"))) {
      for (Path p : others.filter(p -> Files.isDirectory(p)
          && !p.getFileName().toString().equals("experiment=dd"))
          .toList()) {
        org.apache.commons.io.FileUtils.deleteDirectory(p.toFile());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(Report.writeRoot(TestSpark.get(), tmp.toString(), java.util.Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8))).isNull();
    assertThat(tmp.resolve("report/index.html")).doesNotExist();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
