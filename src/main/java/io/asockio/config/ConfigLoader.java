package io.asockio.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads the configuration with vertx-config: the JSON file first, then system properties
 * prefixed {@value #SYS_PREFIX}, then environment variables prefixed {@value #ENV_PREFIX}
 * (each later source wins). Stores are declared explicitly, since the default retriever
 * would let the file win over the environment.
 *
 * <p>An override names a key path; segments match keys case-insensitively, and inside
 * {@code gates} and {@code links} a segment names an entry by its {@code name} (or its index):
 * <pre>
 *   -Dasockio.limits.maxMessageSize=1048576
 *   ASOCKIO_GATES_TCP_PORT=25001
 *   ASOCKIO_POLICIES_UNEXPECTED=refuse
 *   ASOCKIO_CLIENTS='["manager","worker-1"]'
 * </pre>
 * Values are read as JSON when they parse as JSON, as strings otherwise. An override that
 * names no known key stops the start, like any other config error.
 */
public final class ConfigLoader {

  /** The default configuration file, relative to the working directory. */
  public static final String DEFAULT_PATH = "conf/asockio.json";
  public static final String SYS_PREFIX = "asockio.";
  public static final String ENV_PREFIX = "ASOCKIO_";

  private ConfigLoader() {
  }

  /** Reads {@code path}, applies overrides from system properties and the environment, validates. */
  public static Future<AsockioConfig> load(Vertx vertx, String path) {
    ConfigStoreOptions file = new ConfigStoreOptions().setType("file").setFormat("json")
        .setConfig(new JsonObject().put("path", path));
    ConfigStoreOptions sys = new ConfigStoreOptions().setType("sys")
        .setConfig(new JsonObject().put("raw-data", true).put("cache", false));
    ConfigStoreOptions env = new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("raw-data", true));
    ConfigRetriever fileRetriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(file).setScanPeriod(0));
    ConfigRetriever overrideRetriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().addStore(sys).addStore(env).setScanPeriod(0));
    return fileRetriever.getConfig()
        .recover(err -> Future.failedFuture(new ConfigException(path, "cannot read the config file: " + rootMessage(err))))
        .compose(base -> overrideRetriever.getConfig().map(overrides -> {
          JsonObject merged = base.copy();
          Map<String, String> sysOverrides = new TreeMap<>();
          Map<String, String> envOverrides = new TreeMap<>();
          for (Map.Entry<String, Object> e : overrides) {
            if (e.getKey().startsWith(SYS_PREFIX) && System.getProperty(e.getKey()) != null) {
              sysOverrides.put(e.getKey(), String.valueOf(e.getValue()));
            } else if (e.getKey().startsWith(ENV_PREFIX)) {
              envOverrides.put(e.getKey(), String.valueOf(e.getValue()));
            }
          }
          sysOverrides.forEach((k, v) -> applyOverride(merged, k, Arrays.asList(k.substring(SYS_PREFIX.length()).split("\\.")), v));
          envOverrides.forEach((k, v) -> applyOverride(merged, k, Arrays.asList(k.substring(ENV_PREFIX.length()).split("_")), v));
          return AsockioConfig.fromJson(merged);
        }))
        .andThen(done -> {
          fileRetriever.close();
          overrideRetriever.close();
        });
  }

  /**
   * Checks the file every {@code scanMs}; when it changed, loads the whole configuration
   * again (with overrides) and hands it to {@code onValid}, or the error to {@code onInvalid}
   * (the caller keeps what it had). Close the returned retriever to stop.
   */
  public static ConfigRetriever watch(Vertx vertx, String path, long scanMs, java.util.function.Consumer<AsockioConfig> onValid,
                                      java.util.function.Consumer<Throwable> onInvalid) {
    ConfigStoreOptions file = new ConfigStoreOptions().setType("file").setFormat("json").setOptional(true)
        .setConfig(new JsonObject().put("path", path));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(file).setScanPeriod(scanMs));
    retriever.listen(change -> load(vertx, path).onComplete(ar -> {
      if (ar.succeeded()) {
        onValid.accept(ar.result());
      } else {
        onInvalid.accept(ar.cause());
      }
    }));
    return retriever;
  }

  /**
   * Sets the value named by {@code segments} in {@code root}.
   *
   * @param source the variable or property, for error messages
   */
  static void applyOverride(JsonObject root, String source, List<String> segments, String rawValue) {
    if (segments.isEmpty() || segments.stream().anyMatch(String::isEmpty)) {
      throw new ConfigException(source, "does not name a config key");
    }
    Object value = parseValue(rawValue);
    JsonObject node = root;
    Set<String> known = AsockioConfig.KEYS;
    String level = "top";
    for (int i = 0; i < segments.size(); i++) {
      String key = match(node.fieldNames(), known, segments.get(i));
      if (key == null) {
        throw new ConfigException(source, "\"" + segments.get(i) + "\" is not a key of the " + level
            + " level (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
      boolean last = i == segments.size() - 1;
      if (last) {
        node.put(key, value);
        return;
      }
      if (known == AsockioConfig.KEYS && (key.equals("gates") || key.equals("links"))) {
        String what = key.equals("gates") ? "gate" : "link";
        Object array = node.getValue(key);
        JsonObject entry = array instanceof JsonArray ? findByName((JsonArray) array, segments.get(++i)) : null;
        if (entry == null) {
          throw new ConfigException(source, "no " + what + " named \"" + segments.get(Math.min(i, segments.size() - 1)) + "\"");
        }
        if (i == segments.size() - 1) {
          throw new ConfigException(source, "names a " + what + ", not one of its keys");
        }
        node = entry;
        known = key.equals("gates") ? GateConfig.KEYS : LinkConfig.KEYS;
        level = what;
      } else if (known == AsockioConfig.KEYS && (key.equals("limits") || key.equals("policies"))) {
        Object child = node.getValue(key);
        if (!(child instanceof JsonObject)) {
          child = new JsonObject();
          node.put(key, child);
        }
        node = (JsonObject) child;
        known = key.equals("limits") ? Limits.KEYS : Policies.KEYS;
        level = key;
      } else {
        throw new ConfigException(source, "\"" + key + "\" holds a value, not keys");
      }
    }
  }

  private static JsonObject findByName(JsonArray gates, String segment) {
    for (int i = 0; i < gates.size(); i++) {
      Object g = gates.getValue(i);
      if (g instanceof JsonObject && segment.equalsIgnoreCase(String.valueOf(((JsonObject) g).getValue("name")))) {
        return (JsonObject) g;
      }
    }
    try {
      int index = Integer.parseInt(segment);
      if (index >= 0 && index < gates.size() && gates.getValue(index) instanceof JsonObject) {
        return gates.getJsonObject(index);
      }
    } catch (NumberFormatException ignored) {
      // not an index either
    }
    return null;
  }

  private static String match(Set<String> present, Set<String> known, String segment) {
    List<String> candidates = new ArrayList<>(known);
    candidates.addAll(present);
    for (String candidate : candidates) {
      if (candidate.toLowerCase(Locale.ROOT).equals(segment.toLowerCase(Locale.ROOT))) {
        return candidate;
      }
    }
    return null;
  }

  static Object parseValue(String raw) {
    try {
      Object decoded = Json.decodeValue(raw);
      return decoded == null ? raw : decoded;
    } catch (DecodeException e) {
      return raw;
    }
  }

  private static String rootMessage(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
