package io.asockio.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One key of a config object, described once: its JSON name, how its value is read and
 * checked (with the default when absent), how it is written back, and, for a nested object
 * or an array of objects, the {@link Section} describing those. Records read their values
 * with {@link JsonFields#read}, write them through their {@link Section}, and the README's
 * key tables are checked against the same description.
 *
 * @param <T> the value's Java type
 */
final class Key<T> {

  /** What the value is, for overrides and documentation. */
  enum Shape { VALUE, OBJECT, OBJECT_ARRAY }

  final String name;
  final Shape shape;
  final Section<?> child;
  private final BiFunction<JsonFields, String, T> reader;
  private final Function<T, Object> writer;

  private Key(String name, Shape shape, Section<?> child, BiFunction<JsonFields, String, T> reader, Function<T, Object> writer) {
    this.name = name;
    this.shape = shape;
    this.child = child;
    this.reader = reader;
    this.writer = writer;
  }

  T read(JsonFields fields) {
    return reader.apply(fields, name);
  }

  /** The JSON form of {@code value}; null means "leave the key out". */
  Object write(T value) {
    return value == null ? null : writer.apply(value);
  }

  // ---- kinds of keys ----------------------------------------------------------------------

  static Key<String> string(String name, String defaultValue) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> f.string(k, defaultValue), v -> v);
  }

  /** A string that, when present, must not be blank; blank or absent reads as null. */
  static Key<String> optionalName(String name) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> {
      String v = f.string(k, null);
      return v == null || v.isBlank() ? null : v;
    }, v -> v);
  }

  static Key<String> requiredString(String name) {
    return new Key<>(name, Shape.VALUE, null, JsonFields::requiredString, v -> v);
  }

  static Key<Boolean> bool(String name, boolean defaultValue) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> f.bool(k, defaultValue), v -> v);
  }

  static Key<Integer> integer(String name, int defaultValue, int min, int max) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> f.integer(k, defaultValue, min, max), v -> v);
  }

  static Key<Long> number(String name, long defaultValue, long min, long max) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> f.number(k, defaultValue, min, max), v -> v);
  }

  static Key<Double> decimal(String name, double defaultValue, double min, double max) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> f.decimal(k, defaultValue, min, max), v -> v);
  }

  /** One of {@code type}'s constants, named in any case; written in lower case. */
  static <E extends Enum<E>> Key<E> enumeration(String name, Class<E> type, E defaultValue) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> f.enumValue(k, type, defaultValue),
        v -> v.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** A list of non-empty strings ({@code null} when absent: the record picks its default). */
  static Key<List<String>> strings(String name) {
    return new Key<>(name, Shape.VALUE, null, JsonFields::strings, v -> new JsonArray(new ArrayList<>(v)));
  }

  /** A nested object described by {@code child}; read as raw JSON (empty when absent) for the nested record to parse. */
  static Key<JsonObject> object(String name, Section<?> child) {
    return new Key<>(name, Shape.OBJECT, child, JsonFields::object, v -> v);
  }

  /** An array of objects described by {@code child}; read as raw JSON (null when absent). */
  static Key<JsonArray> objects(String name, Section<?> child) {
    return new Key<>(name, Shape.OBJECT_ARRAY, child, JsonFields::array, v -> v);
  }

  /** A value the record reads itself (several accepted forms); only its name and place are described here. */
  static Key<Object> custom(String name) {
    return new Key<>(name, Shape.VALUE, null, (f, k) -> f.raw(k), v -> v);
  }
}
