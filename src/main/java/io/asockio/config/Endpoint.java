package io.asockio.config;

import java.nio.charset.StandardCharsets;

/**
 * Where a gate listens or a link dials: a TCP host and port (IPv4 or IPv6, optionally with
 * TLS) or a Unix socket path. In JSON its keys sit flat in the gate's or link's object.
 *
 * @param transport TCP or UNIX
 * @param host      TCP host (a bind address for gates)
 * @param port      TCP port (0 on a gate: an ephemeral one)
 * @param path      Unix socket path
 * @param tls       TLS settings, or null for plain TCP
 */
public record Endpoint(GateConfig.Transport transport, String host, int port, String path, TlsConfig tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Linux limit of a Unix socket path ({@code sun_path} is 108 bytes with its terminating NUL). */
  public static final int MAX_UNIX_PATH_BYTES = 107;

  static final Key<GateConfig.Transport> TRANSPORT = Key.enumeration("transport", GateConfig.Transport.class,
      GateConfig.Transport.TCP);
  static final Key<String> HOST = Key.string("host", DEFAULT_HOST);
  static final Key<Integer> PORT = Key.integer("port", 0, 0, 65535);
  static final Key<String> PATH = Key.string("path", null);
  static final Key<io.vertx.core.json.JsonObject> TLS = Key.object("tls", TlsConfig.SECTION);

  static final Section<Endpoint> SECTION = new Section<Endpoint>()
      .add(TRANSPORT, Endpoint::transport)
      .add(HOST, e -> e.transport == GateConfig.Transport.TCP ? e.host : null)
      .add(PORT, e -> e.transport == GateConfig.Transport.TCP ? e.port : null)
      .add(PATH, Endpoint::path)
      .add(TLS, e -> e.tls == null ? null : e.tls.toJson());

  /** A TCP endpoint. */
  public static Endpoint tcp(String host, int port) {
    return new Endpoint(GateConfig.Transport.TCP, host, port, null, null);
  }

  /** A Unix socket endpoint. */
  public static Endpoint unix(String path) {
    return new Endpoint(GateConfig.Transport.UNIX, null, 0, path, null);
  }

  public Endpoint withPort(int newPort) {
    return new Endpoint(transport, host, newPort, path, tls);
  }

  public Endpoint withTls(TlsConfig newTls) {
    return new Endpoint(transport, host, port, path, newTls);
  }

  /** {@code tcp}, {@code tls} or {@code unix}, as access rules name it. */
  public String transportName() {
    return tls != null ? "tls" : transport.name().toLowerCase();
  }

  /** Human form, e.g. {@code tcp 127.0.0.1:25000}, {@code tls [::1]:25443}, {@code unix run/asockio.sock}. */
  @Override
  public String toString() {
    return transport == GateConfig.Transport.TCP
        ? transportName() + " " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
        : "unix " + path;
  }

  /**
   * Reads the endpoint keys of a gate's ({@code server}) or a link's object: TCP needs a port
   * (a gate may say 0), Unix a path of at most {@link #MAX_UNIX_PATH_BYTES}; TLS over TCP only.
   */
  static Endpoint read(JsonFields f, boolean server) {
    GateConfig.Transport transport = f.read(TRANSPORT);
    if (transport == GateConfig.Transport.TCP) {
      if (f.has(PATH)) {
        throw new ConfigException(f.key(PATH), "only for transport unix");
      }
      String host = f.read(HOST);
      if (host.isBlank()) {
        throw new ConfigException(f.key(HOST), "expected " + (server ? "a bind address" : "a host") + ", got an empty string");
      }
      if (!f.has(PORT)) {
        throw new ConfigException(f.key(PORT), "required for transport tcp" + (server ? " (0 picks a free port)" : ""));
      }
      int port = f.read(PORT);
      if (!server && port == 0) {
        throw new ConfigException(f.key(PORT), "expected 1..65535, got 0");
      }
      TlsConfig tls = f.has(TLS) ? TlsConfig.fromJson(f.read(TLS), f.key(TLS), server) : null;
      return new Endpoint(transport, host, port, null, tls);
    }
    for (Key<?> tcpOnly : java.util.List.of(TLS, HOST, PORT)) {
      if (f.has(tcpOnly)) {
        throw new ConfigException(f.key(tcpOnly), "only for transport tcp");
      }
    }
    String path = f.read(PATH);
    if (path == null || path.isBlank()) {
      throw new ConfigException(f.key(PATH), "required for transport unix, expected a non-empty string");
    }
    int bytes = path.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_UNIX_PATH_BYTES) {
      throw new ConfigException(f.key(PATH), "a Unix socket path is at most " + MAX_UNIX_PATH_BYTES + " bytes, got " + bytes);
    }
    return new Endpoint(transport, null, 0, path, null);
  }
}
