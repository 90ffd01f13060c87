package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One listening endpoint: a TCP host and port (IPv4 or IPv6) or a Unix socket path.
 *
 * @param name       unique name of the gate, used in logs and client records
 * @param transport  {@code tcp} or {@code unix}
 * @param host       TCP bind address ({@value #DEFAULT_HOST} by default; {@code ::1} for IPv6 loopback)
 * @param port       TCP port, 0 for an ephemeral one
 * @param path       Unix socket path
 * @param mode       {@code framed} (PROTOCOL.md) or {@code raw} (bytes as they come)
 * @param instances  gate verticle instances sharing the endpoint (Vert.x round-robin)
 * @param reusePort  SO_REUSEPORT, so that several processes share the port (native epoll only)
 * @param processor  class name of an {@code InlineProcessor} attached to every connection of
 *                   this gate, or null for none
 * @param tls        TLS settings (tcp gates), or null for plain TCP
 * @param limits     protections against abuse (idle timeout, connection bounds, accept rate)
 * @param deliverTo  event-bus address receiving the messages of this gate's clients (when no
 *                   processor serves them), or null
 */
public record GateConfig(String name, Transport transport, String host, int port, String path,
                         Mode mode, int instances, boolean reusePort, String processor, TlsConfig tls,
                         GateLimits limits, String deliverTo) {

  /** Transport of a gate. */
  public enum Transport { TCP, UNIX }

  /** Whether a gate frames messages. */
  public enum Mode { FRAMED, RAW }

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final Mode DEFAULT_MODE = Mode.FRAMED;
  public static final int DEFAULT_INSTANCES = 1;
  public static final int MAX_INSTANCES = 256;
  /** Linux limit of a Unix socket path ({@code sun_path} is 108 bytes with its terminating NUL). */
  public static final int MAX_UNIX_PATH_BYTES = 107;

  static final Set<String> KEYS = Set.of("name", "transport", "host", "port", "path", "mode", "instances",
      "reusePort", "processor", "tls", "idleTimeoutMs", "maxConnections", "maxConnectionsPerAddress",
      "maxPendingHandshakes", "acceptRatePerSecond", "deliverTo");

  public GateConfig {
    limits = limits == null ? GateLimits.DEFAULTS : limits;
  }

  /** A framed TCP gate on {@code host:port}. */
  public static GateConfig tcp(String name, String host, int port) {
    return new GateConfig(name, Transport.TCP, host, port, null, DEFAULT_MODE, DEFAULT_INSTANCES, false, null, null,
        GateLimits.DEFAULTS, null);
  }

  /** A framed Unix-socket gate on {@code path}. */
  public static GateConfig unix(String name, String path) {
    return new GateConfig(name, Transport.UNIX, null, 0, path, DEFAULT_MODE, DEFAULT_INSTANCES, false, null, null,
        GateLimits.DEFAULTS, null);
  }

  public GateConfig withMode(Mode newMode) {
    return new GateConfig(name, transport, host, port, path, newMode, instances, reusePort, processor, tls, limits, deliverTo);
  }

  public GateConfig withInstances(int n) {
    return new GateConfig(name, transport, host, port, path, mode, n, reusePort, processor, tls, limits, deliverTo);
  }

  public GateConfig withReusePort(boolean on) {
    return new GateConfig(name, transport, host, port, path, mode, instances, on, processor, tls, limits, deliverTo);
  }

  public GateConfig withProcessor(String className) {
    return new GateConfig(name, transport, host, port, path, mode, instances, reusePort, className, tls, limits, deliverTo);
  }

  public GateConfig withPort(int newPort) {
    return new GateConfig(name, transport, host, newPort, path, mode, instances, reusePort, processor, tls, limits, deliverTo);
  }

  public GateConfig withTls(TlsConfig newTls) {
    return new GateConfig(name, transport, host, port, path, mode, instances, reusePort, processor, newTls, limits, deliverTo);
  }

  public GateConfig withLimits(GateLimits newLimits) {
    return new GateConfig(name, transport, host, port, path, mode, instances, reusePort, processor, tls, newLimits, deliverTo);
  }

  public GateConfig withDeliverTo(String address) {
    return new GateConfig(name, transport, host, port, path, mode, instances, reusePort, processor, tls, limits, address);
  }

  /** The transport as access rules name it: {@code tcp}, {@code tls} or {@code unix}. */
  public String transportName() {
    return tls != null ? "tls" : transport.name().toLowerCase();
  }

  /** Human form of the endpoint, e.g. {@code tcp 127.0.0.1:25000} or {@code unix run/asockio.sock}. */
  public String endpoint() {
    return transport == Transport.TCP
        ? transportName() + " " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
        : "unix " + path;
  }

  static GateConfig fromJson(JsonObject json, String path) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(KEYS);
    String name = f.requiredString("name");
    Transport transport = f.enumValue("transport", Transport.class, Transport.TCP);
    Mode mode = f.enumValue("mode", Mode.class, DEFAULT_MODE);
    int instances = f.integer("instances", DEFAULT_INSTANCES, 1, MAX_INSTANCES);
    boolean reusePort = f.bool("reusePort", false);
    String processor = f.string("processor", null);
    if (processor != null && processor.isBlank()) {
      processor = null;
    }
    if (transport == Transport.TCP) {
      if (f.has("path")) {
        throw new ConfigException(f.key("path"), "only for transport unix");
      }
      String host = f.string("host", DEFAULT_HOST);
      if (host.isBlank()) {
        throw new ConfigException(f.key("host"), "expected a bind address, got an empty string");
      }
      if (!f.has("port")) {
        throw new ConfigException(f.key("port"), "required for transport tcp (0 picks a free port)");
      }
      int port = f.integer("port", 0, 0, 65535);
      TlsConfig tls = f.has("tls") ? TlsConfig.fromJson(f.object("tls"), f.key("tls"), true) : null;
      return new GateConfig(name, transport, host, port, null, mode, instances, reusePort, processor, tls,
          GateLimits.fromGateJson(f), deliverTo(f, processor));
    }
    if (f.has("tls")) {
      throw new ConfigException(f.key("tls"), "only for transport tcp");
    }
    if (f.has("host") || f.has("port")) {
      throw new ConfigException(f.key(f.has("host") ? "host" : "port"), "only for transport tcp");
    }
    if (reusePort) {
      throw new ConfigException(f.key("reusePort"), "only for transport tcp");
    }
    String socketPath = f.requiredString("path");
    if (socketPath.getBytes(StandardCharsets.UTF_8).length > MAX_UNIX_PATH_BYTES) {
      throw new ConfigException(f.key("path"), "a Unix socket path is at most " + MAX_UNIX_PATH_BYTES
          + " bytes, got " + socketPath.getBytes(StandardCharsets.UTF_8).length);
    }
    return new GateConfig(name, transport, null, 0, socketPath, mode, instances, false, processor, null,
        GateLimits.fromGateJson(f), deliverTo(f, processor));
  }

  private static String deliverTo(JsonFields f, String processor) {
    String address = f.string("deliverTo", null);
    if (address != null && processor != null) {
      throw new ConfigException(f.key("deliverTo"), "a gate's clients are served by a processor or delivered to the bus, not both");
    }
    return address == null || address.isBlank() ? null : address;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("transport", transport.name().toLowerCase());
    if (transport == Transport.TCP) {
      json.put("host", host).put("port", port);
    } else {
      json.put("path", path);
    }
    json.put("mode", mode.name().toLowerCase()).put("instances", instances);
    if (transport == Transport.TCP) {
      json.put("reusePort", reusePort);
    }
    if (processor != null) {
      json.put("processor", processor);
    }
    if (tls != null) {
      json.put("tls", tls.toJson());
    }
    limits.putInto(json);
    if (deliverTo != null) {
      json.put("deliverTo", deliverTo);
    }
    return json;
  }
}
