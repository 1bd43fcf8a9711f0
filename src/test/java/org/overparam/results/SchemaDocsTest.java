package org.overparam.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every table's columns are documented once, in a {@code <pre>} block of the doc comment beside
 * the code that writes it; this holds each block to the table's declaration in {@link Catalog}:
 * the same columns, in the same order, of the same types.
 *
 * <p>How a block is read, line by line after its {@code column type meaning} header (an
 * indented line continues the meaning of the one before):
 * <ul>
 *   <li>{@code name[, name...]  type  meaning}: columns of that type. A meaning that says
 *       {@code each with _lo, _hi} adds name_lo and name_hi after each name; one whose clause
 *       after a {@code "; "} starts with name_xxx[, name_yyy] (a single name's companions, as in
 *       {@code final_test_loss_ci95}) adds those, of the same type.
 *   <li>{@code name[, name...]: meaning}: columns documented elsewhere, of the type they have in
 *       the table the meaning names ({@code as in curves}), else in every doc that gives them
 *       one.
 *   <li>{@code first .. last  ...  meaning, as in table}: that table's columns first to last.
 * </ul>
 */
class SchemaDocsTest {
  private static final Path SOURCES = Path.of(System.getProperty("overparam.root", "."), "src",
      "main", "java");
  private static final Pattern COMMENT = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
  private static final Pattern PRE = Pattern.compile("<pre>(.*?)</pre>", Pattern.DOTALL);
  private static final Pattern ANALYSIS_TABLE = Pattern.compile(
      "analysis/([a-z_]+)/experiment=");
  private static final Pattern RESULTS_TABLE = Pattern.compile(
      "The \\{@code ([a-z_]+)\\} table");
  private static final String NAMES = "([a-z0-9_]+(?:, [a-z0-9_]+)*)";
  private static final Pattern TYPED = Pattern.compile("^" + NAMES + "\\s+(\\S+)\\s*(.*)$");
  private static final Pattern UNTYPED = Pattern.compile("^" + NAMES + ": (.*)$");
  private static final Pattern RANGE = Pattern.compile(
      "^([a-z0-9_]+) \\.\\. ([a-z0-9_]+)\\s+\\.\\.\\.\\s+(.*)$");
  private static final Pattern AS_IN = Pattern.compile("as in ([a-z_]+)");
  private static final Pattern EACH_WITH = Pattern.compile("each with (_[a-z0-9]+(?:, _[a-z0-9]+)*)");

  /** A doc line's entry: the names, their type (null: documented elsewhere), its meaning. */
  record Entry(List<String> names, ColumnType type, String meaning, String range) {}

  /** A table's documented columns, read off its doc comment. */
  record Doc(String table, Path file, List<Entry> entries) {}

  private static Map<String, Doc> docs;
  private static final Map<String, List<Column>> resolved = new LinkedHashMap<>();

  @BeforeAll
  static void readDocs() throws IOException {
    docs = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        for (Doc d : docsIn(f)) {
          Doc before = docs.put(d.table(), d);
          assertThat(before).as("table %s documented twice: in %s and %s", d.table(),
              before == null ? null : before.file(), f).isNull();
        }
      }
    }
  }

  @Test
  void everyTableOfTheCatalogIsDocumentedOnceAndEveryDocIsOfOne() {
    assertThat(docs.keySet()).containsExactlyInAnyOrderElementsOf(
        Catalog.ALL.stream().map(Table::name).toList());
  }

  @Test
  void documentedColumnsAreTheDeclaredOnesInOrderWithTheirTypes() {
    List<String> wrong = new ArrayList<>();
    for (Table t : Catalog.ALL) {
      Doc d = docs.get(t.name());
      if (d != null) { // else the test above names it
        String why = firstDifference(columns(t.name()), t.columns());
        if (why != null) {
          wrong.add(t.name() + " (" + d.file() + "): " + why);
        }
      }
    }
    assertThat(wrong).as("doc comments that disagree with the Catalog").isEmpty();
  }

  @Test
  void aMisspeltReorderedOrRetypedColumnIsADifference() {
    String doc = """
        /**
         * The {@code demo} table.
         *
         * <pre>
         * column     type    meaning
         * run_id     string  the run
         * epoch      int     an epoch
         * test_loss  double  a loss; test_loss_sd its spread over seeds
         * </pre>
         */""";
    List<Column> declared = List.of(Columns.RUN_ID, Columns.EPOCH, Columns.TEST_LOSS,
        Columns.TEST_LOSS_SD);
    assertThat(firstDifference(read(doc), declared)).isNull();
    assertThat(firstDifference(read(doc.replace("epoch      int", "epoc       int")), declared))
        .isEqualTo("column 2 documented as epoc int, declared epoch int");
    assertThat(firstDifference(read(doc.replace("epoch      int", "epoch      long")),
        declared)).isEqualTo("column 2 documented as epoch long, declared epoch int");
    assertThat(firstDifference(read(doc.replace(" * run_id     string  the run\n", "")
        .replace(" * test_loss", " * run_id     string  the run\n * test_loss")), declared))
        .isEqualTo("column 1 documented as epoch int, declared run_id string");
    assertThat(firstDifference(read(doc.replace("; test_loss_sd its spread", "")), declared))
        .isEqualTo("column 4 documented as nothing, declared test_loss_sd double");
  }

  private static List<Column> read(String doc) {
    return expand(parse(doc, Path.of("Demo.java")).get(0));
  }

  /** Where two column lists first differ, or null when they are the same. */
  static String firstDifference(List<Column> documented, List<Column> declared) {
    for (int i = 0; i < Math.max(documented.size(), declared.size()); i++) {
      String doc = i < documented.size() ? documented.get(i).toString() : "nothing";
      String decl = i < declared.size() ? declared.get(i).toString() : "nothing";
      if (!doc.equals(decl)) {
        return "column " + (i + 1) + " documented as " + doc + ", declared " + decl;
      }
    }
    return null;
  }

  // ---- reading the doc comments

  private static List<Doc> docsIn(Path file) {
    try {
      return parse(Files.readString(file), file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Doc> parse(String source, Path file) {
    List<Doc> out = new ArrayList<>();
    Matcher c = COMMENT.matcher(source);
    while (c.find()) {
      String comment = c.group(1);
      Matcher pre = PRE.matcher(comment);
      if (!pre.find()) {
        continue;
      }
      List<String> lines = comment.substring(pre.start(1), pre.end(1)).lines()
          .map(l -> l.replaceFirst("^\\s*\\* ?", "")).filter(l -> !l.isBlank()).toList();
      if (lines.isEmpty() || !lines.get(0).matches("column\\s+type\\s+meaning\\s*")) {
        continue; // a block that documents no table
      }
      Matcher name = ANALYSIS_TABLE.matcher(comment);
      Matcher results = RESULTS_TABLE.matcher(comment);
      String table = name.find() ? name.group(1) : results.find() ? results.group(1) : null;
      assertThat(table).as("%s: a column block whose comment names no table", file).isNotNull();
      out.add(new Doc(table, file, entries(lines.subList(1, lines.size()), file)));
    }
    return out;
  }

  private static List<Entry> entries(List<String> lines, Path file) {
    // Join each entry with the indented lines that continue it.
    List<String> joined = new ArrayList<>();
    for (String l : lines) {
      if (Character.isWhitespace(l.charAt(0))) {
        assertThat(joined).as("%s: a continuation line with nothing before it", file)
            .isNotEmpty();
        joined.set(joined.size() - 1, joined.get(joined.size() - 1) + " " + l.strip());
      } else {
        joined.add(l.strip());
      }
    }
    List<Entry> out = new ArrayList<>();
    for (String l : joined) {
      Matcher range = RANGE.matcher(l);
      Matcher typed = TYPED.matcher(l);
      Matcher untyped = UNTYPED.matcher(l);
      if (range.matches()) {
        out.add(new Entry(List.of(range.group(1), range.group(2)), null, range.group(3), "range"));
      } else if (typed.matches() && ColumnType.ofDocName(typed.group(2)) != null) {
        out.add(new Entry(List.of(typed.group(1).split(", ")),
            ColumnType.ofDocName(typed.group(2)), typed.group(3), null));
      } else if (untyped.matches()) {
        out.add(new Entry(List.of(untyped.group(1).split(", ")), null, untyped.group(2), null));
      } else {
        throw new AssertionError(file + ": cannot read the column doc line '" + l + "'");
      }
    }
    return out;
  }

  // ---- from entries to columns

  /** The documented columns of a table, names and types; docs named by "as in" first. */
  private static List<Column> columns(String table) {
    List<Column> known = resolved.get(table);
    if (known != null) {
      return known;
    }
    Doc d = docs.get(table);
    assertThat(d).as("a doc refers to table %s, which has none", table).isNotNull();
    List<Column> out = expand(d);
    resolved.put(table, out);
    return out;
  }

  private static List<Column> expand(Doc d) {
    List<Column> out = new ArrayList<>();
    for (Entry e : d.entries()) {
      if (e.range() != null) {
        List<Column> from = columns(referred(d, e));
        List<String> names = from.stream().map(Column::name).toList();
        int a = names.indexOf(e.names().get(0));
        int b = names.indexOf(e.names().get(1));
        assertThat(a).as("%s: %s not in %s", d.table(), e.names().get(0), referred(d, e))
            .isNotNegative();
        assertThat(b).as("%s: %s not in %s", d.table(), e.names().get(1), referred(d, e))
            .isGreaterThanOrEqualTo(a);
        out.addAll(from.subList(a, b + 1));
      } else if (e.type() == null) {
        for (String n : e.names()) {
          out.add(column(n, typeElsewhere(d, e, n)));
        }
      } else {
        List<String> suffixes = suffixes(e);
        for (String n : e.names()) {
          out.add(column(n, e.type()));
          for (String s : suffixes) {
            out.add(column(n + s, e.type()));
          }
        }
        if (e.names().size() == 1) {
          for (String companion : companions(e.names().get(0), e.meaning())) {
            out.add(column(companion, e.type()));
          }
        }
      }
    }
    return out;
  }

  private static String referred(Doc d, Entry e) {
    Matcher m = AS_IN.matcher(e.meaning());
    assertThat(m.find()).as("%s: '%s' names no table ('as in ...')", d.table(), e.meaning())
        .isTrue();
    return m.group(1);
  }

  /** The type of a column listed without one: in the table named, else in every other doc. */
  private static ColumnType typeElsewhere(Doc d, Entry e, String name) {
    Matcher m = AS_IN.matcher(e.meaning());
    List<ColumnType> types = new ArrayList<>();
    if (m.find() && docs.containsKey(m.group(1))) {
      columns(m.group(1)).stream().filter(c -> c.name().equals(name))
          .forEach(c -> types.add(c.type()));
    } else {
      for (Doc other : docs.values()) {
        for (Entry x : other.entries()) {
          if (x.type() != null && x.names().contains(name) && !types.contains(x.type())) {
            types.add(x.type());
          }
        }
      }
    }
    assertThat(types).as("%s: the type of %s, documented without one", d.table(), name)
        .hasSize(1);
    return types.get(0);
  }

  private static List<String> suffixes(Entry e) {
    Matcher m = EACH_WITH.matcher(e.meaning());
    return m.find() ? List.of(m.group(1).split(", ")) : List.of();
  }

  /** Columns a single-name entry names after a "; ": {@code name_xxx[, name_yyy]}. */
  private static List<String> companions(String name, String meaning) {
    List<String> out = new ArrayList<>();
    Pattern p = Pattern.compile("^(" + Pattern.quote(name) + "_[a-z0-9_]+)(,\\s+|\\b)");
    String[] clauses = meaning.split("; ");
    for (int i = 1; i < clauses.length; i++) {
      String rest = clauses[i];
      for (Matcher m = p.matcher(rest); m.find(); m = p.matcher(rest)) {
        out.add(m.group(1));
        rest = rest.substring(m.end());
        if (m.group(2).isEmpty()) {
          break;
        }
      }
    }
    return out;
  }

  private static Column column(String name, ColumnType type) {
    return new Column(name, type, "documented");
  }
}
