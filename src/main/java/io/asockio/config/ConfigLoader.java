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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Logger;
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

  private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());

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
    return vertx.fileSystem().exists(path)
        .compose(exists -> exists ? fileRetriever.getConfig() : Future.failedFuture(new ConfigException(path,
            "not found (relative paths start in the working directory, " + Path.of("").toAbsolutePath() + ")")))
        .recover(err -> Future.failedFuture(err instanceof ConfigException ? err
            : new ConfigException(path, "cannot read the config file: " + shortJsonError(root(err)))))
        .compose(base -> overrideRetriever.getConfig().map(overrides -> {
          Map<String, String> sysOverrides = new TreeMap<>();
          Map<String, String> envOverrides = new TreeMap<>();
          for (Map.Entry<String, Object> e : overrides) {
            if (e.getKey().startsWith(SYS_PREFIX) && System.getProperty(e.getKey()) != null) {
              sysOverrides.put(e.getKey(), String.valueOf(e.getValue()));
            } else if (e.getKey().startsWith(ENV_PREFIX)) {
              envOverrides.put(e.getKey(), String.valueOf(e.getValue()));
            }
          }
          return AsockioConfig.fromJson(withOverrides(base, sysOverrides, envOverrides,
              ignored -> LOG.warning("ignoring environment variable " + ignored)));
        }))
        .andThen(done -> {
          fileRetriever.close();
          overrideRetriever.close();
        });
  }

  /**
   * {@code base} with the overrides applied: system properties ({@code asockio.a.b}) first,
   * then environment variables ({@code ASOCKIO_A_B}). A property that names no key is an
   * error; a variable that names no key is passed to {@code ignored} (with the reason) and
   * skipped, since other software sets {@code ASOCKIO_*} variables too (Kubernetes sets
   * {@code ASOCKIO_PORT} and the like next to a Service named asockio).
   */
  static JsonObject withOverrides(JsonObject base, Map<String, String> sysOverrides, Map<String, String> envOverrides,
                                  java.util.function.Consumer<String> ignored) {
    JsonObject merged = base.copy();
    sysOverrides.forEach((k, v) -> applyOverride(merged, k, Arrays.asList(k.substring(SYS_PREFIX.length()).split("\\.")), v));
    envOverrides.forEach((k, v) -> {
      try {
        applyOverride(merged, k, Arrays.asList(k.substring(ENV_PREFIX.length()).split("_")), v);
      } catch (ConfigException notAKey) {
        ignored.accept(k + ": " + notAKey.getMessage());
      }
    });
    return merged;
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
   * Sets the value named by {@code segments} in {@code root}, walking the config's key tree:
   * segments match keys case-insensitively; below an array of objects ({@code gates},
   * {@code links}, {@code clients}, access {@code rules}) a segment names an entry by its
   * {@code name} or its index. The value is set as it parses (JSON, else a string) and
   * checked with the rest of the config.
   *
   * @param source the variable or property, for error messages
   * @throws ConfigException when the path names no key
   */
  static void applyOverride(JsonObject root, String source, List<String> segments, String rawValue) {
    if (segments.isEmpty() || segments.stream().anyMatch(String::isEmpty)) {
      throw new ConfigException(source, "does not name a config key");
    }
    Section<?> section = AsockioConfig.SECTION;
    JsonObject node = root;
    String level = "top";
    for (int i = 0; i < segments.size(); i++) {
      Key<?> key = match(section, segments.get(i));
      if (key == null) {
        throw new ConfigException(source, "\"" + segments.get(i) + "\" is not a key of the " + level + " level (known: "
            + String.join(", ", new TreeSet<>(section.names())) + ")");
      }
      if (i == segments.size() - 1) {
        node.put(key.name, parseValue(rawValue));
        return;
      }
      switch (key.shape) {
        case VALUE -> throw new ConfigException(source, "\"" + key.name + "\" holds a value, not keys");
        case OBJECT -> {
          Object child = node.getValue(key.name);
          if (!(child instanceof JsonObject)) {
            child = new JsonObject();
            node.put(key.name, child);
          }
          node = (JsonObject) child;
        }
        case OBJECT_ARRAY -> {
          String entryName = segments.get(++i);
          Object array = node.getValue(key.name);
          JsonObject entry = array instanceof JsonArray ? findEntry((JsonArray) array, entryName) : null;
          if (entry == null) {
            throw new ConfigException(source, "no entry of " + key.name + " is named \"" + entryName + "\"");
          }
          if (i == segments.size() - 1) {
            throw new ConfigException(source, "names an entry of " + key.name + ", not one of its keys");
          }
          node = entry;
        }
        default -> throw new IllegalStateException(key.shape.name());
      }
      section = key.child;
      level = key.name;
    }
  }

  private static Key<?> match(Section<?> section, String segment) {
    for (String name : section.names()) {
      if (name.equalsIgnoreCase(segment)) {
        return section.key(name);
      }
    }
    return null;
  }

  private static JsonObject findEntry(JsonArray entries, String segment) {
    for (int i = 0; i < entries.size(); i++) {
      Object e = entries.getValue(i);
      if (e instanceof JsonObject && segment.equalsIgnoreCase(String.valueOf(((JsonObject) e).getValue("name")))) {
        return (JsonObject) e;
      }
    }
    try {
      int index = Integer.parseInt(segment);
      if (index >= 0 && index < entries.size() && entries.getValue(index) instanceof JsonObject) {
        return entries.getJsonObject(index);
      }
    } catch (NumberFormatException ignored) {
      // not an index either
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

  private static Throwable root(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  // "Unexpected character ('n' (code 110)): was expecting double-quote to start field name\n at [Source: ...; line: 1,
  // column: 4]" becomes "not valid JSON at line 1, column 4: unexpected character 'n'" (no parser internals).
  private static final java.util.regex.Pattern JSON_PROBLEM = java.util.regex.Pattern.compile(
      "(?s)(?:Failed to decode:)?\\s*([^\\n(]*)(?:\\(.*?\\))?[^\\n]*\\n?.*?line: (\\d+), column: (\\d+).*");

  /** A JSON parse error in a line a user can act on, without the parser's own terms. */
  public static String shortJsonError(Throwable err) {
    String message = String.valueOf(err.getMessage());
    java.util.regex.Matcher m = JSON_PROBLEM.matcher(message);
    if (m.matches()) {
      String what = m.group(1).trim();
      return "not valid JSON at line " + m.group(2) + ", column " + m.group(3) + (what.isEmpty() ? "" : ": " + what.toLowerCase());
    }
    int source = message.indexOf(" at [Source");
    return source > 0 ? message.substring(0, source).trim() : message;
  }
}
