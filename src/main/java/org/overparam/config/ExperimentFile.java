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

  /** Reads and validates {@code file}; every failure is a {@link ConfigException} of one line. */
  public static ExperimentConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("experiment file " + file + ": not found");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("experiment file " + file + ": cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses YAML text; {@code origin} names it in errors. */
  public static ExperimentConfig parse(String yaml, String origin) {
    if (yaml.isBlank()) {
      throw new ConfigException("experiment file " + origin + ": is empty");
    }
    try {
      // A file of comments only is empty; a list or a scalar is not an experiment.
      JsonNode tree = yamlMapper().readTree(yaml);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        throw new ConfigException("experiment file " + origin + ": is empty");
      }
      if (!tree.isObject()) {
        throw new ConfigException("experiment file " + origin + ": must be a mapping of keys "
            + "to values, not " + (tree.isArray() ? "a list" : "a single value"));
      }
      ExperimentConfig c = yamlMapper().readValue(yaml, ExperimentConfig.class);
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
