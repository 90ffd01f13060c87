package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * An expected named client. In JSON either a plain string (the name) or an object.
 *
 * @param name      the keyword it introduces itself with
 * @param processor class name of an {@code InlineProcessor} serving this client's connections,
 *                  or null to use its gate's
 */
public record ClientConfig(String name, String processor) {

  static final Set<String> KEYS = Set.of("name", "processor");

  public static ClientConfig named(String name) {
    return new ClientConfig(name, null);
  }

  static ClientConfig fromJson(Object value, String path) {
    if (value instanceof String) {
      if (((String) value).isEmpty()) {
        throw new ConfigException(path, "expected a non-empty name");
      }
      return named((String) value);
    }
    if (!(value instanceof JsonObject)) {
      throw new ConfigException(path, "expected a name or an object with name and processor, got "
          + (value == null ? "null" : JsonFields.describe(value)));
    }
    JsonFields f = new JsonFields((JsonObject) value, path);
    f.rejectUnknown(KEYS);
    String processor = f.string("processor", null);
    return new ClientConfig(f.requiredString("name"), processor == null || processor.isBlank() ? null : processor);
  }

  Object toJson() {
    return processor == null ? name : new JsonObject().put("name", name).put("processor", processor);
  }
}
