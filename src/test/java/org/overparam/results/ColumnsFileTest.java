package org.overparam.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code tests/python/columns.json} lists every table's columns and types as {@link Catalog}
 * declares them, for the Python tests that check the column names the notebooks use. This keeps
 * it current: after a change to the catalog, rewrite it with
 * {@code mvn -o -q test -Dtest=ColumnsFileTest -Doverparam.columns.write=true}.
 */
class ColumnsFileTest {
  static final Path FILE = Path.of(System.getProperty("overparam.root", "."), "tests", "python",
      "columns.json");

  /** The file's text: {"table": {"column": "type", ...}, ...}, tables in catalog order. */
  static String render() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("_about", "Every table's columns and their types, as "
        + "org.overparam.results.Catalog declares them. Generated: ColumnsFileTest keeps it "
        + "current; tests/python/test_column_names.py reads it.");
    for (Table t : Catalog.ALL) {
      ObjectNode table = root.putObject(t.name());
      t.columns().forEach(c -> table.put(c.name(), c.type().docName()));
    }
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  @Test
  void theColumnsFileListsTheCatalog() throws Exception {
    String want = render();
    if (Boolean.getBoolean("overparam.columns.write")) {
      Files.writeString(FILE, want, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "")
        .as("%s is not the catalog's; rewrite it: mvn -o -q test -Dtest=ColumnsFileTest "
            + "-Doverparam.columns.write=true", FILE)
        .isEqualTo(want);
  }
}
