package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * An expected named client. In JSON either a plain string (the name) or an object.
 *
 * @param name      the keyword it introduces itself with
 * @param processor class name of an {@code InlineProcessor} serving this client's connections,
 *                  or null to use its gate's
 * @param deliverTo event-bus address that receives this client's messages, or null
 */
public record ClientConfig(String name, String processor, String deliverTo) {

  static final Set<String> KEYS = Set.of("name", "processor", "deliverTo");

  public static ClientConfig named(String name) {
    return new ClientConfig(name, null, null);
  }

  public ClientConfig(String name, String processor) {
    this(name, processor, null);
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
    String deliverTo = f.string("deliverTo", null);
    if (processor != null && deliverTo != null) {
      throw new ConfigException(f.key("deliverTo"), "a client is served by a processor or delivered to the bus, not both");
    }
    return new ClientConfig(f.requiredString("name"), processor == null || processor.isBlank() ? null : processor,
        deliverTo == null || deliverTo.isBlank() ? null : deliverTo);
  }

  Object toJson() {
    if (processor == null && deliverTo == null) {
      return name;
    }
    JsonObject json = new JsonObject().put("name", name);
    if (processor != null) {
      json.put("processor", processor);
    }
    if (deliverTo != null) {
      json.put("deliverTo", deliverTo);
    }
    return json;
  }
}
