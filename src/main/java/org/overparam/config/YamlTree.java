package org.overparam.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML text to a Jackson tree, so that the strict binding of {@link ExperimentFile} sees plain
 * JSON values. SnakeYAML composes the document, which resolves anchors and aliases ({@code &lr
 * 0.01} ... {@code *lr}, of scalars, lists and mappings alike); jackson-dataformat-yaml does not
 * (it reads an alias as the string of its name).
 *
 * <p>Scalars are typed as jackson-dataformat-yaml types them: YAML 1.1's implicit resolution for
 * plain scalars, except that only {@code true}/{@code false} (any case style) are booleans
 * ({@code yes}, {@code on} stay strings); quoted scalars are strings; explicit standard tags
 * ({@code !!str}, {@code !!int}, ...) are honoured. Refused, each with its line: a second
 * document, a duplicate key, a key that is not a scalar, a merge key ({@code <<}), a custom tag,
 * an alias of a node that contains itself, and a tree that expands to more than {@link
 * #MAX_NODES} values through aliases.
 */
final class YamlTree {
  /** Values a file may expand to through aliases; a real experiment has a few hundred. */
  static final int MAX_NODES = 1_000_000;

  private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);
  private static final Set<String> TRUE = Set.of("true", "True", "TRUE");
  private static final Set<String> FALSE = Set.of("false", "False", "FALSE");

  private final Map<Node, JsonNode> done = new IdentityHashMap<>();
  private final Map<Node, Long> sizes = new IdentityHashMap<>();
  private final Set<Node> open = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private long expanded;

  private YamlTree() {}

  /**
   * The tree of the only document of {@code yaml}, or null when it holds none (empty, or
   * comments only). Every failure is a {@link ConfigException} whose message starts with the
   * line (and column) it concerns where one is known.
   */
  static JsonNode read(String yaml) {
    LoaderOptions o = new LoaderOptions();
    o.setAllowDuplicateKeys(false);
    o.setAllowRecursiveKeys(false);
    o.setMaxAliasesForCollections(1000);
    o.setCodePointLimit(Integer.MAX_VALUE); // ExperimentFile limits the size in bytes
    List<Node> docs = new ArrayList<>();
    try {
      for (Node n : new Yaml(o).composeAll(new StringReader(yaml))) {
        docs.add(n);
      }
    } catch (MarkedYAMLException e) {
      throw new ConfigException(syntax(e));
    } catch (YAMLException e) {
      throw new ConfigException(firstLine(e.getMessage()));
    }
    if (docs.size() > 1) {
      throw new ConfigException("holds " + docs.size() + " YAML documents (the second starts at "
          + "line " + line(docs.get(1).getStartMark()) + "); one experiment per file");
    }
    if (docs.isEmpty()) {
      return null;
    }
    return new YamlTree().tree(docs.get(0));
  }

  private JsonNode tree(Node n) {
    JsonNode seen = done.get(n);
    if (seen != null) {
      count(sizes.get(n));
      return seen;
    }
    if (!open.add(n)) {
      throw new ConfigException("line " + line(n.getStartMark()) + ": an alias refers to a "
          + "value that contains it");
    }
    long before = expanded;
    JsonNode out;
    if (n instanceof ScalarNode s) {
      count(1);
      out = scalar(s);
    } else if (n instanceof SequenceNode s) {
      checkTag(n, Tag.SEQ);
      count(1);
      ArrayNode a = F.arrayNode();
      for (Node v : s.getValue()) {
        a.add(tree(v));
      }
      out = a;
    } else if (n instanceof MappingNode m) {
      checkTag(n, Tag.MAP);
      count(1);
      ObjectNode obj = F.objectNode();
      for (NodeTuple t : m.getValue()) {
        Node k = t.getKeyNode();
        if (k.getTag().equals(Tag.MERGE)) {
          throw new ConfigException("line " + line(k.getStartMark()) + ": merge keys (<<) are "
              + "not supported; alias a whole value instead (key: *name)");
        }
        if (!(k instanceof ScalarNode ks)) {
          throw new ConfigException("line " + line(k.getStartMark()) + ": a key must be a "
              + "plain word, not a list or mapping");
        }
        String key = ks.getValue();
        if (obj.has(key)) {
          throw new ConfigException("line " + line(k.getStartMark()) + ": duplicate key '" + key
              + "'");
        }
        obj.set(key, tree(t.getValueNode()));
      }
      out = obj;
    } else {
      throw new ConfigException("line " + line(n.getStartMark()) + ": unsupported YAML node");
    }
    open.remove(n);
    done.put(n, out);
    sizes.put(n, expanded - before);
    return out;
  }

  private void count(long n) {
    expanded += n;
    if (expanded > MAX_NODES) {
      throw new ConfigException("expands to more than " + MAX_NODES + " values through its "
          + "aliases");
    }
  }

  private static void checkTag(Node n, Tag expected) {
    if (!n.getTag().equals(expected)) {
      throw new ConfigException("line " + line(n.getStartMark()) + ": tag " + n.getTag()
          + " is not supported");
    }
  }

  /** A scalar as jackson-dataformat-yaml would read it. */
  private static JsonNode scalar(ScalarNode s) {
    Tag tag = s.getTag();
    String v = s.getValue();
    if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP) || tag.equals(Tag.BINARY)) {
      return F.textNode(v);
    }
    if (tag.equals(Tag.NULL)) {
      return F.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      if (TRUE.contains(v)) {
        return F.booleanNode(true);
      }
      if (FALSE.contains(v)) {
        return F.booleanNode(false);
      }
      return s.isPlain() ? F.textNode(v) : badScalar(s, "a boolean");
    }
    if (tag.equals(Tag.INT)) {
      BigInteger i = integer(v);
      if (i == null) {
        return s.isPlain() ? F.textNode(v) : badScalar(s, "an integer");
      }
      if (i.bitLength() < 32) {
        return F.numberNode(i.intValue());
      }
      return i.bitLength() < 64 ? F.numberNode(i.longValue()) : F.numberNode(i);
    }
    if (tag.equals(Tag.FLOAT)) {
      JsonNode d = floating(v);
      if (d == null) {
        return s.isPlain() ? F.textNode(v) : badScalar(s, "a number");
      }
      return d;
    }
    throw new ConfigException("line " + line(s.getStartMark()) + ": tag " + tag
        + " is not supported");
  }

  private static JsonNode badScalar(ScalarNode s, String what) {
    throw new ConfigException("line " + line(s.getStartMark()) + ": '" + s.getValue()
        + "' is tagged " + s.getTag() + " but is not " + what);
  }

  /** YAML 1.1 integers: decimal, 0x hex, 0b binary, 0 octal, with '_' separators; else null. */
  static BigInteger integer(String text) {
    String v = text.replace("_", "");
    int sign = 1;
    if (v.startsWith("-") || v.startsWith("+")) {
      sign = v.charAt(0) == '-' ? -1 : 1;
      v = v.substring(1);
    }
    try {
      BigInteger i;
      if (v.startsWith("0x")) {
        i = new BigInteger(v.substring(2), 16);
      } else if (v.startsWith("0b")) {
        i = new BigInteger(v.substring(2), 2);
      } else if (v.length() > 1 && v.startsWith("0")) {
        i = new BigInteger(v.substring(1), 8);
      } else {
        i = new BigInteger(v);
      }
      return sign < 0 ? i.negate() : i;
    } catch (NumberFormatException e) {
      return null; // e.g. YAML 1.1's base-60 1:30
    }
  }

  /** YAML 1.1 floats, with '_' separators, .inf and .nan; else null. */
  static JsonNode floating(String text) {
    String v = text.replace("_", "");
    String lower = v.toLowerCase(java.util.Locale.ROOT);
    switch (lower) {
      case ".inf", "+.inf":
        return F.numberNode(Double.POSITIVE_INFINITY);
      case "-.inf":
        return F.numberNode(Double.NEGATIVE_INFINITY);
      case ".nan":
        return F.numberNode(Double.NaN);
      default:
        break;
    }
    try {
      new BigDecimal(v); // refuses what Double.parseDouble would also accept, like "1d"
      return F.numberNode(Double.parseDouble(v));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** One line: the problem, where it is, and for a tab a word on what to do. */
  private static String syntax(MarkedYAMLException e) {
    Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
    String where = m == null ? "" : "line " + line(m) + ", column " + (m.getColumn() + 1) + ": ";
    if (problem != null && problem.contains("\\t(TAB)")) {
      return where + "tab character; YAML indents and separates with spaces, not tabs";
    }
    return where + firstLine(problem);
  }

  private static int line(Mark m) {
    return m == null ? 0 : m.getLine() + 1;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid YAML";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
