package io.asockio.config;

/** A configuration value is missing, of the wrong type or out of range. The message names the key. */
public final class ConfigException extends IllegalArgumentException {

  private final String key;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /** The offending key as a path, e.g. {@code gates[0].port}. */
  public String key() {
    return key;
  }
}
