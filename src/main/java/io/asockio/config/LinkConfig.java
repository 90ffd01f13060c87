package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * An outgoing connection (the client role): where to dial, the keyword to introduce
 * ourselves with, and how to reconnect. Once open it is a client like any other, known
 * under {@code name}.
 *
 * @param name                 name of the link in this node's client set
 * @param transport            {@code tcp} or {@code unix}
 * @param host                 TCP host to dial
 * @param port                 TCP port to dial
 * @param path                 Unix socket path to dial
 * @param keyword              what we introduce ourselves as (framed links); defaults to {@code name}
 * @param mode                 {@code framed} (keyword, wait for OK) or {@code raw} (no handshake)
 * @param reconnect            backoff after a failure or a loss; {@code enabled: false} dials once
 * @param offlineQueueMessages messages kept while disconnected and sent on (re)connect; 0 refuses them
 * @param processor            class name of an {@code InlineProcessor} serving the link, or null
 * @param tls                  TLS settings, or null for plain TCP
 */
public record LinkConfig(String name, GateConfig.Transport transport, String host, int port, String path, String keyword,
                         GateConfig.Mode mode, Reconnect reconnect, int offlineQueueMessages, String processor,
                         TlsConfig tls) {

  public static final int DEFAULT_OFFLINE_QUEUE_MESSAGES = 1000;

  static final Set<String> KEYS = Set.of("name", "transport", "host", "port", "path", "keyword", "mode", "reconnect",
      "offlineQueueMessages", "processor", "tls");

  /**
   * Exponential backoff with jitter: the n-th retry waits
   * {@code min(maxDelayMs, initialDelayMs * multiplier^n) * (1 ± jitter)}.
   */
  public record Reconnect(boolean enabled, long initialDelayMs, long maxDelayMs, double multiplier, double jitter) {

    public static final Reconnect DEFAULTS = new Reconnect(true, 100, 30_000, 2.0, 0.2);
    public static final Reconnect OFF = new Reconnect(false, 100, 30_000, 2.0, 0.2);

    static final Set<String> KEYS = Set.of("enabled", "initialDelayMs", "maxDelayMs", "multiplier", "jitter");

    /** Delay before retry number {@code attempt} (0-based), with {@code random} in [0, 1). */
    public long delayMs(int attempt, double random) {
      double base = Math.min(maxDelayMs, initialDelayMs * Math.pow(multiplier, Math.min(attempt, 62)));
      double factor = 1 + jitter * (2 * random - 1);
      return Math.max(1, Math.round(base * factor));
    }

    static Reconnect fromJson(JsonObject json, String path) {
      JsonFields f = new JsonFields(json, path);
      f.rejectUnknown(KEYS);
      long initial = f.number("initialDelayMs", DEFAULTS.initialDelayMs, 1, 3_600_000);
      long max = f.number("maxDelayMs", DEFAULTS.maxDelayMs, 1, 24L * 3_600_000);
      if (max < initial) {
        throw new ConfigException(f.key("maxDelayMs"), "must be at least initialDelayMs (" + initial + ")");
      }
      return new Reconnect(f.bool("enabled", DEFAULTS.enabled), initial, max,
          decimal(f, json, "multiplier", DEFAULTS.multiplier, 1.0, 100.0),
          decimal(f, json, "jitter", DEFAULTS.jitter, 0.0, 1.0));
    }

    JsonObject toJson() {
      return new JsonObject().put("enabled", enabled).put("initialDelayMs", initialDelayMs).put("maxDelayMs", maxDelayMs)
          .put("multiplier", multiplier).put("jitter", jitter);
    }
  }

  /** A framed TCP link with default reconnection. */
  public static LinkConfig tcp(String name, String host, int port) {
    return new LinkConfig(name, GateConfig.Transport.TCP, host, port, null, name, GateConfig.Mode.FRAMED,
        Reconnect.DEFAULTS, DEFAULT_OFFLINE_QUEUE_MESSAGES, null, null);
  }

  /** A framed Unix-socket link with default reconnection. */
  public static LinkConfig unix(String name, String path) {
    return new LinkConfig(name, GateConfig.Transport.UNIX, null, 0, path, name, GateConfig.Mode.FRAMED,
        Reconnect.DEFAULTS, DEFAULT_OFFLINE_QUEUE_MESSAGES, null, null);
  }

  public LinkConfig withKeyword(String newKeyword) {
    return new LinkConfig(name, transport, host, port, path, newKeyword, mode, reconnect, offlineQueueMessages, processor, tls);
  }

  public LinkConfig withMode(GateConfig.Mode newMode) {
    return new LinkConfig(name, transport, host, port, path, keyword, newMode, reconnect, offlineQueueMessages, processor, tls);
  }

  public LinkConfig withReconnect(Reconnect newReconnect) {
    return new LinkConfig(name, transport, host, port, path, keyword, mode, newReconnect, offlineQueueMessages, processor, tls);
  }

  public LinkConfig withOfflineQueueMessages(int messages) {
    return new LinkConfig(name, transport, host, port, path, keyword, mode, reconnect, messages, processor, tls);
  }

  public LinkConfig withProcessor(String className) {
    return new LinkConfig(name, transport, host, port, path, keyword, mode, reconnect, offlineQueueMessages, className, tls);
  }

  public LinkConfig withTls(TlsConfig newTls) {
    return new LinkConfig(name, transport, host, port, path, keyword, mode, reconnect, offlineQueueMessages, processor, newTls);
  }

  /** The endpoint as the gate-shaped description a connection carries. */
  public GateConfig asEndpoint() {
    return new GateConfig(name, transport, host, port, path, mode, 1, false, processor, tls, GateLimits.DEFAULTS, null);
  }

  /** Human form of the target, e.g. {@code tcp 127.0.0.1:25000}. */
  public String target() {
    return asEndpoint().endpoint();
  }

  static LinkConfig fromJson(JsonObject json, String path) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(KEYS);
    String name = f.requiredString("name");
    GateConfig.Transport transport = f.enumValue("transport", GateConfig.Transport.class, GateConfig.Transport.TCP);
    String host = null;
    int port = 0;
    String socketPath = null;
    if (transport == GateConfig.Transport.TCP) {
      host = f.string("host", GateConfig.DEFAULT_HOST);
      if (!f.has("port")) {
        throw new ConfigException(f.key("port"), "required for transport tcp");
      }
      port = f.integer("port", 0, 1, 65535);
    } else {
      socketPath = f.requiredString("path");
    }
    String keyword = f.string("keyword", name);
    if (keyword.isEmpty()) {
      throw new ConfigException(f.key("keyword"), "an empty keyword is not a name");
    }
    String processor = f.string("processor", null);
    return new LinkConfig(name, transport, host, port, socketPath, keyword,
        f.enumValue("mode", GateConfig.Mode.class, GateConfig.Mode.FRAMED),
        f.has("reconnect") ? Reconnect.fromJson(f.object("reconnect"), f.key("reconnect")) : Reconnect.DEFAULTS,
        f.integer("offlineQueueMessages", DEFAULT_OFFLINE_QUEUE_MESSAGES, 0, 10_000_000),
        processor == null || processor.isBlank() ? null : processor,
        f.has("tls") ? TlsConfig.fromJson(f.object("tls"), f.key("tls"), false) : null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("transport", transport.name().toLowerCase());
    if (transport == GateConfig.Transport.TCP) {
      json.put("host", host).put("port", port);
    } else {
      json.put("path", path);
    }
    json.put("keyword", keyword).put("mode", mode.name().toLowerCase()).put("reconnect", reconnect.toJson())
        .put("offlineQueueMessages", offlineQueueMessages);
    if (processor != null) {
      json.put("processor", processor);
    }
    if (tls != null) {
      json.put("tls", tls.toJson());
    }
    return json;
  }

  private static double decimal(JsonFields f, JsonObject json, String key, double defaultValue, double min, double max) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number)) {
      throw new ConfigException(f.key(key), "expected a number, got " + JsonFields.describe(value));
    }
    double d = ((Number) value).doubleValue();
    if (d < min || d > max) {
      throw new ConfigException(f.key(key), "expected " + min + ".." + max + ", got " + d);
    }
    return d;
  }
}
