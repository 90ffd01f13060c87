package io.asockio.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Typed, validated reads from one JSON object; every error names the full key path. */
final class JsonFields {

  private final JsonObject json;
  private final String path;

  JsonFields(JsonObject json, String path) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  void rejectUnknown(Set<String> known) {
    Set<String> unknown = new TreeSet<>(json.fieldNames());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      String name = unknown.iterator().next();
      throw new ConfigException(key(name), "unknown key (known here: " + String.join(", ", new TreeSet<>(known)) + ")");
    }
  }

  /** The value of {@code key}, read and checked as it describes (its default when absent). */
  <T> T read(Key<T> key) {
    return key.read(this);
  }

  /** Whether {@code key} is present. */
  boolean has(Key<?> key) {
    return has(key.name);
  }

  /** The key path of {@code key}, for error messages. */
  String key(Key<?> key) {
    return key(key.name);
  }

  /** The raw JSON value, or null. */
  Object raw(String name) {
    return json.getValue(name);
  }

  double decimal(String name, double defaultValue, double min, double max) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number)) {
      throw new ConfigException(key(name), "expected a number, got " + describe(value));
    }
    double d = ((Number) value).doubleValue();
    if (d < min || d > max) {
      throw new ConfigException(key(name), "expected " + min + ".." + max + ", got " + d);
    }
    return d;
  }

  /** A list of non-empty strings, or null when absent. */
  List<String> strings(String name) {
    JsonArray array = array(name);
    if (array == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object v = array.getValue(i);
      if (!(v instanceof String) || ((String) v).isBlank()) {
        throw new ConfigException(key(name) + "[" + i + "]", "expected a non-empty string, got "
            + (v == null ? "null" : describe(v)));
      }
      out.add((String) v);
    }
    return out;
  }

  boolean has(String name) {
    return json.getValue(name) != null;
  }

  String string(String name, String defaultValue) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof String)) {
      throw new ConfigException(key(name), "expected a string, got " + describe(value));
    }
    return (String) value;
  }

  String requiredString(String name) {
    String value = string(name, null);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key(name), "required, expected a non-empty string");
    }
    return value;
  }

  long number(String name, long defaultValue, long min, long max) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    long n;
    if (value instanceof Number && !(value instanceof Double || value instanceof Float)) {
      n = ((Number) value).longValue();
    } else if (value instanceof Number && ((Number) value).doubleValue() == Math.rint(((Number) value).doubleValue())) {
      n = ((Number) value).longValue();
    } else {
      throw new ConfigException(key(name), "expected an integer, got " + describe(value));
    }
    if (n < min || n > max) {
      throw new ConfigException(key(name), "expected " + min + ".." + max + ", got " + n);
    }
    return n;
  }

  int integer(String name, int defaultValue, int min, int max) {
    return (int) number(name, defaultValue, min, max);
  }

  boolean bool(String name, boolean defaultValue) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean)) {
      throw new ConfigException(key(name), "expected true or false, got " + describe(value));
    }
    return (Boolean) value;
  }

  <E extends Enum<E>> E enumValue(String name, Class<E> type, E defaultValue) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(constant.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(key(name), "expected one of " + allowed + ", got \"" + value + "\"");
  }

  JsonObject object(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject)) {
      throw new ConfigException(key(name), "expected an object, got " + describe(value));
    }
    return (JsonObject) value;
  }

  JsonArray array(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray)) {
      throw new ConfigException(key(name), "expected an array, got " + describe(value));
    }
    return (JsonArray) value;
  }

  static String describe(Object value) {
    if (value instanceof String) {
      return "the string \"" + value + "\"";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + value;
  }
}
