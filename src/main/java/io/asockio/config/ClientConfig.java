package io.asockio.config;

import io.vertx.core.json.JsonObject;

/**
 * An expected named client. In JSON either a plain string (the name) or an object.
 *
 * @param name      the keyword it introduces itself with
 * @param processor class name of an {@code InlineProcessor} serving this client's connections,
 *                  or null to use its gate's
 * @param deliverTo event-bus address that receives this client's messages, or null
 */
public record ClientConfig(String name, String processor, String deliverTo) {

  static final Key<String> NAME = Key.requiredString("name");
  static final Key<String> PROCESSOR = Key.optionalName("processor");
  static final Key<String> DELIVER_TO = Key.optionalName("deliverTo");

  static final Section<ClientConfig> SECTION = new Section<ClientConfig>()
      .add(NAME, ClientConfig::name)
      .add(PROCESSOR, ClientConfig::processor)
      .add(DELIVER_TO, ClientConfig::deliverTo);

  public static ClientConfig named(String name) {
    return new ClientConfig(name, null, null);
  }

  public ClientConfig withProcessor(String className) {
    return new ClientConfig(name, className, deliverTo);
  }

  public ClientConfig withDeliverTo(String address) {
    return new ClientConfig(name, processor, address);
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
    JsonFields f = SECTION.fields((JsonObject) value, path);
    String processor = f.read(PROCESSOR);
    String deliverTo = f.read(DELIVER_TO);
    if (processor != null && deliverTo != null) {
      throw new ConfigException(f.key(DELIVER_TO), "a client is served by a processor or delivered to the bus, not both");
    }
    return new ClientConfig(f.read(NAME), processor, deliverTo);
  }

  /** A plain name when that says it all, else an object. */
  Object toJson() {
    return processor == null && deliverTo == null ? name : SECTION.toJson(this);
  }
}
