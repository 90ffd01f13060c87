package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys of one config object, in order: what a record accepts (unknown keys are errors
 * naming the key path), how it is written back, and the tree of key paths that overrides
 * walk and the README documents.
 *
 * @param <R> the record it describes
 */
final class Section<R> {

  private record Entry<R>(Key<Object> key, Function<R, Object> value) {
  }

  private final Map<String, Entry<R>> entries = new LinkedHashMap<>();

  /** Adds {@code key}, written from {@code value} (a null value leaves the key out). */
  @SuppressWarnings("unchecked")
  <T> Section<R> add(Key<T> key, Function<R, T> value) {
    if (entries.put(key.name, new Entry<>((Key<Object>) key, (Function<R, Object>) value)) != null) {
      throw new IllegalStateException("key " + key.name + " described twice");
    }
    return this;
  }

  /** Adds every key of {@code other}, whose record is reached through {@code part} (keys that sit flat in this object). */
  <P> Section<R> inline(Section<P> other, Function<R, P> part) {
    other.entries.forEach((name, e) -> add(e.key(), r -> e.value().apply(part.apply(r))));
    return this;
  }

  /** The key names accepted here. */
  Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  /** The key of this name, or null. */
  Key<?> key(String name) {
    Entry<R> e = entries.get(name);
    return e == null ? null : e.key();
  }

  /** Typed reads from {@code json}, after checking that it holds only keys described here. */
  JsonFields fields(JsonObject json, String path) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(names());
    return f;
  }

  /** The JSON form of {@code record}. */
  JsonObject toJson(R record) {
    JsonObject json = new JsonObject();
    entries.forEach((name, e) -> {
      Object value = e.key().write(e.value().apply(record));
      if (value != null) {
        json.put(name, value);
      }
    });
    return json;
  }

  /**
   * Every key path under this object, as the README writes them: {@code prefix + name} for a
   * value, nested objects with a dot, arrays of objects with {@code []}.
   */
  List<String> paths(String prefix) {
    List<String> paths = new ArrayList<>();
    entries.forEach((name, e) -> {
      switch (e.key().shape) {
        case VALUE -> paths.add(prefix + name);
        case OBJECT -> paths.addAll(e.key().child.paths(prefix + name + "."));
        case OBJECT_ARRAY -> paths.addAll(e.key().child.paths(prefix + name + "[]."));
        default -> throw new IllegalStateException();
      }
    });
    return paths;
  }
}
