package io.asockio.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child process of a link with {@code "transport": "process"}: what to run, with which
 * environment and where. The framed protocol (or raw bytes) runs over its stdin and stdout;
 * its stderr goes to the log.
 *
 * @param command the program and its arguments (no shell: use {@code ["sh", "-c", "..."]} for one)
 * @param env     variables added to (or replacing in) the node's environment
 * @param cwd     working directory, or null for the node's
 */
public record ProcessCommand(List<String> command, Map<String, String> env, String cwd) {

  public ProcessCommand {
    if (command == null || command.isEmpty()) {
      throw new IllegalArgumentException("a process needs a command");
    }
    command = List.copyOf(command);
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  /** {@code args} as the command, with the node's environment and directory. */
  public static ProcessCommand of(String... args) {
    return new ProcessCommand(List.of(args), Map.of(), null);
  }

  public ProcessCommand withEnv(Map<String, String> newEnv) {
    return new ProcessCommand(command, newEnv, cwd);
  }

  public ProcessCommand withCwd(String directory) {
    return new ProcessCommand(command, env, directory);
  }

  static JsonArray commandJson(ProcessCommand p) {
    return p == null ? null : new JsonArray(new java.util.ArrayList<>(p.command));
  }

  static JsonObject envJson(ProcessCommand p) {
    if (p == null || p.env.isEmpty()) {
      return null;
    }
    JsonObject out = new JsonObject();
    new java.util.TreeMap<>(p.env).forEach(out::put);
    return out;
  }

  /** Reads {@code env}: an object of strings. */
  static Map<String, String> env(Object raw, String key) {
    if (raw == null) {
      return Map.of();
    }
    if (!(raw instanceof JsonObject)) {
      throw new ConfigException(key, "expected an object of strings, e.g. {\"PYTHONUNBUFFERED\": \"1\"}");
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : (JsonObject) raw) {
      if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().indexOf('\0') >= 0) {
        throw new ConfigException(key, "\"" + e.getKey() + "\" is not a variable name");
      }
      if (!(e.getValue() instanceof String)) {
        throw new ConfigException(key + "." + e.getKey(), "expected a string, got " + e.getValue());
      }
      env.put(e.getKey(), (String) e.getValue());
    }
    return env;
  }
}
