package org.overparam.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads an experiment file strictly: unknown keys, wrong types and bad values are errors. */
public final class ExperimentFile {
  private ExperimentFile() {}

  /** A strict YAML mapper: snake_case keys, no unknown keys, no silent type coercion. */
  public static ObjectMapper yamlMapper() {
    ObjectMapper m = new ObjectMapper(new YAMLFactory());
    m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    m.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    m.coercionConfigDefaults()
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String,
        CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.String,
        CoercionAction.TryConvert);
    return m;
  }

  /**
   * Largest experiment file read, in bytes (1 MiB). A real one is a few KB; a larger file is a
   * mistake (a data file given in its place) and is refused before a byte of it is read.
   */
  public static final long MAX_BYTES = 1 << 20;

  /**
   * Reads and validates {@code file}; every failure is a {@link ConfigException} of one line.
   * The file must be at most {@link #MAX_BYTES} of UTF-8 (a leading byte-order mark is allowed)
   * holding one YAML document; anchors and aliases are resolved.
   */
  public static ExperimentConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("experiment file " + file + ": not found");
    }
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw tooLarge(file, size);
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) MAX_BYTES + 1); // the file may have grown since
      }
    } catch (IOException e) {
      throw new ConfigException("experiment file " + file + ": cannot read: " + e.getMessage());
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(file, bytes.length);
    }
    return parse(utf8(bytes, file.toString()), file.toString());
  }

  private static ConfigException tooLarge(Path file, long size) {
    return new ConfigException("experiment file " + file + ": " + size + " bytes, larger than "
        + "the limit of " + MAX_BYTES + " bytes (1 MiB) for an experiment file");
  }

  /** Strict UTF-8: the first malformed or unmappable byte is named by its offset and line. */
  static String utf8(byte[] bytes, String origin) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new ConfigException(String.format("experiment file %s: not UTF-8: byte 0x%02x at "
          + "offset %d (line %d)", origin, bytes[at] & 0xff, at, line));
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Parses YAML text; {@code origin} names it in errors. */
  public static ExperimentConfig parse(String yaml, String origin) {
    if (yaml.isBlank()) {
      throw new ConfigException("experiment file " + origin + ": is empty");
    }
    JsonNode tree;
    try {
      tree = YamlTree.read(yaml);
    } catch (ConfigException e) {
      throw new ConfigException("experiment file " + origin + ": " + e.getMessage(), e);
    }
    // A file of comments only is empty; a list or a scalar is not an experiment.
    if (tree == null || tree.isNull()) {
      throw new ConfigException("experiment file " + origin + ": is empty");
    }
    if (!tree.isObject()) {
      throw new ConfigException("experiment file " + origin + ": must be a mapping of keys "
          + "to values, not " + (tree.isArray() ? "a list" : "a single value"));
    }
    try {
      ExperimentConfig c = yamlMapper().treeToValue(tree, ExperimentConfig.class);
      if (c == null) {
        throw new ConfigException("experiment file " + origin + ": is empty");
      }
      return c;
    } catch (JsonProcessingException e) {
      throw new ConfigException("experiment file " + origin + ": " + describe(e));
    }
  }

  private static String describe(JsonProcessingException e) {
    String at = e instanceof JsonMappingException jm ? path(jm) : "";
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : " (known: " + u.getKnownPropertyIds()
          .stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
      return join(at) + "unknown key" + known;
    }
    if (e instanceof InvalidTypeIdException t) {
      return join(at) + "kind: '" + t.getTypeId() + "' is not a known kind";
    }
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      Throwable c = v.getCause();
      String msg = c.getMessage() == null ? c.toString() : c.getMessage();
      // Our records say "field: problem"; prefix the parent path so it reads model.widths: ...
      String parent = at.isEmpty() ? "" : at + ".";
      return parent + firstLine(msg);
    }
    if (e instanceof MismatchedInputException m) {
      String target = m.getTargetType() == null ? "value" : simple(m.getTargetType());
      return join(at) + "wrong type, expected " + target;
    }
    return join(at) + firstLine(e.getOriginalMessage());
  }

  private static String simple(Class<?> t) {
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "an integer";
    }
    if (t == Double.class || t == double.class) {
      return "a number";
    }
    if (t == String.class) {
      return "a string";
    }
    if (java.util.Collection.class.isAssignableFrom(t)) {
      return "a list";
    }
    if (t == com.fasterxml.jackson.databind.node.ObjectNode.class) {
      return "a mapping"; // a section its record reads itself (OptimizerGrid)
    }
    return "a mapping (" + t.getSimpleName() + ")";
  }

  private static String join(String at) {
    return at.isEmpty() ? "" : at + ": ";
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
