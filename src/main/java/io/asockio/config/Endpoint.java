package io.asockio.config;

import java.nio.charset.StandardCharsets;

/**
 * Where a gate listens or a link dials: a TCP host and port (IPv4 or IPv6, optionally with
 * TLS), a UDP host and port, a Unix socket path, or (links only) a child process, whose
 * command is the link's. In JSON its keys sit flat in the gate's or link's object.
 *
 * @param transport       TCP, UDP, UNIX or PROCESS
 * @param host            TCP or UDP host (a bind address for gates)
 * @param port            TCP or UDP port (0 on a gate: an ephemeral one)
 * @param path            Unix socket path
 * @param tls             TLS settings, or null for plain TCP
 * @param maxDatagramSize UDP only: the largest message a datagram carries (0 on other transports)
 * @param receiveBufferBytes UDP only: the socket's receive buffer (SO_RCVBUF) to ask the kernel for; 0 keeps the
 *                        system's default
 */
public record Endpoint(GateConfig.Transport transport, String host, int port, String path, TlsConfig tls,
                       int maxDatagramSize, int receiveBufferBytes) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Linux limit of a Unix socket path ({@code sun_path} is 108 bytes with its terminating NUL). */
  public static final int MAX_UNIX_PATH_BYTES = 107;
  /**
   * The largest UDP payload of one IPv4 datagram (65,535 less 20 bytes of IP header and 8 of
   * UDP header), the default {@code maxDatagramSize}. IPv6 allows 65,527.
   */
  public static final int DEFAULT_MAX_DATAGRAM_SIZE = 65_507;
  public static final int MAX_DATAGRAM_SIZE = 65_527;

  static final Key<GateConfig.Transport> TRANSPORT = Key.enumeration("transport", GateConfig.Transport.class,
      GateConfig.Transport.TCP);
  static final Key<String> HOST = Key.string("host", DEFAULT_HOST);
  static final Key<Integer> PORT = Key.integer("port", 0, 0, 65535);
  static final Key<String> PATH = Key.string("path", null);
  static final Key<io.vertx.core.json.JsonObject> TLS = Key.object("tls", TlsConfig.SECTION);
  static final Key<Integer> MAX_DATAGRAM = Key.integer("maxDatagramSize", DEFAULT_MAX_DATAGRAM_SIZE, 1, MAX_DATAGRAM_SIZE);
  /** The largest receive buffer one may ask for (the kernel caps it lower, at net.core.rmem_max). */
  public static final int MAX_RECEIVE_BUFFER_BYTES = 1 << 30;
  static final Key<Integer> RECEIVE_BUFFER = Key.integer("receiveBufferBytes", 0, 0, MAX_RECEIVE_BUFFER_BYTES);

  static final Section<Endpoint> SECTION = new Section<Endpoint>()
      .add(TRANSPORT, Endpoint::transport)
      .add(HOST, e -> e.isInet() ? e.host : null)
      .add(PORT, e -> e.isInet() ? e.port : null)
      .add(PATH, Endpoint::path)
      .add(TLS, e -> e.tls == null ? null : e.tls.toJson())
      .add(MAX_DATAGRAM, e -> e.transport == GateConfig.Transport.UDP ? e.maxDatagramSize : null)
      .add(RECEIVE_BUFFER, e -> e.transport == GateConfig.Transport.UDP ? e.receiveBufferBytes : null);

  /**
   * Checks what the JSON reader checks by key, for endpoints built in code: a wither that does
   * not apply to the transport is an error, not a setting silently ignored.
   *
   * @throws IllegalArgumentException naming the field and the allowed values
   */
  public Endpoint {
    if (transport == null) {
      throw new IllegalArgumentException("an endpoint needs a transport (tcp, udp, unix or process)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: expected 0..65535, got " + port);
    }
    String over = " (" + transport.name().toLowerCase(java.util.Locale.ROOT) + ")";
    if (transport == GateConfig.Transport.UDP) {
      if (maxDatagramSize < 1 || maxDatagramSize > MAX_DATAGRAM_SIZE) {
        throw new IllegalArgumentException("maxDatagramSize: expected 1.." + MAX_DATAGRAM_SIZE + ", got " + maxDatagramSize);
      }
      if (receiveBufferBytes < 0 || receiveBufferBytes > MAX_RECEIVE_BUFFER_BYTES) {
        throw new IllegalArgumentException("receiveBufferBytes: expected 0.." + MAX_RECEIVE_BUFFER_BYTES + ", got " + receiveBufferBytes);
      }
    } else if (maxDatagramSize != 0 || receiveBufferBytes != 0) {
      throw new IllegalArgumentException((maxDatagramSize != 0 ? "maxDatagramSize" : "receiveBufferBytes")
          + ": only for transport udp, not over this endpoint" + over);
    }
    if (tls != null && transport != GateConfig.Transport.TCP) {
      throw new IllegalArgumentException("tls: only for transport tcp, not over this endpoint" + over);
    }
  }

  /** A TCP endpoint. */
  public static Endpoint tcp(String host, int port) {
    return new Endpoint(GateConfig.Transport.TCP, host, port, null, null, 0, 0);
  }

  /** A UDP endpoint whose datagrams carry up to {@link #DEFAULT_MAX_DATAGRAM_SIZE} bytes. */
  public static Endpoint udp(String host, int port) {
    return new Endpoint(GateConfig.Transport.UDP, host, port, null, null, DEFAULT_MAX_DATAGRAM_SIZE, 0);
  }

  /** A Unix socket endpoint. */
  public static Endpoint unix(String path) {
    return new Endpoint(GateConfig.Transport.UNIX, null, 0, path, null, 0, 0);
  }

  public Endpoint withPort(int newPort) {
    return new Endpoint(transport, host, newPort, path, tls, maxDatagramSize, receiveBufferBytes);
  }

  public Endpoint withTls(TlsConfig newTls) {
    return new Endpoint(transport, host, port, path, newTls, maxDatagramSize, receiveBufferBytes);
  }

  public Endpoint withMaxDatagramSize(int bytes) {
    return new Endpoint(transport, host, port, path, tls, bytes, receiveBufferBytes);
  }

  /** UDP: the socket's receive buffer to ask for (0: the system's default). */
  public Endpoint withReceiveBufferBytes(int bytes) {
    return new Endpoint(transport, host, port, path, tls, maxDatagramSize, bytes);
  }

  /** A link's child process (its command is in the link's config). */
  public static Endpoint process() {
    return new Endpoint(GateConfig.Transport.PROCESS, null, 0, null, null, 0, 0);
  }

  /** Whether it is an IP host and port (TCP or UDP). */
  public boolean isInet() {
    return transport == GateConfig.Transport.TCP || transport == GateConfig.Transport.UDP;
  }

  /** Whether it carries datagrams (one message each) rather than a byte stream. */
  public boolean isDatagram() {
    return transport == GateConfig.Transport.UDP;
  }

  /** {@code tcp}, {@code tls}, {@code udp}, {@code unix} or {@code process}, as access rules and client records name it. */
  public String transportName() {
    if (tls != null) {
      return "tls";
    }
    return switch (transport) { // constants: every connection's record holds one
      case TCP -> "tcp";
      case UDP -> "udp";
      case UNIX -> "unix";
      case PROCESS -> "process";
    };
  }

  /** Human form, e.g. {@code tcp 127.0.0.1:25000}, {@code tls [::1]:25443}, {@code udp 127.0.0.1:25001}, {@code unix run/asockio.sock}. */
  @Override
  public String toString() {
    if (transport == GateConfig.Transport.PROCESS) {
      return "process";
    }
    return isInet()
        ? transportName() + " " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
        : "unix " + path;
  }

  /**
   * Reads the endpoint keys of a gate's ({@code server}) or a link's object: TCP and UDP need
   * a port (a gate may say 0), Unix a path of at most {@link #MAX_UNIX_PATH_BYTES}; TLS over
   * TCP only, {@code maxDatagramSize} and {@code receiveBufferBytes} over UDP only.
   */
  static Endpoint read(JsonFields f, boolean server) {
    GateConfig.Transport transport = f.read(TRANSPORT);
    for (Key<?> udpOnly : java.util.List.of(MAX_DATAGRAM, RECEIVE_BUFFER)) {
      if (transport != GateConfig.Transport.UDP && f.has(udpOnly)) {
        throw new ConfigException(f.key(udpOnly), "only for transport udp");
      }
    }
    if (transport == GateConfig.Transport.PROCESS) {
      if (server) {
        throw new ConfigException(f.key(TRANSPORT), "a gate listens on tcp, udp or unix; process is for links");
      }
      for (Key<?> other : java.util.List.of(TLS, HOST, PORT, PATH)) {
        if (f.has(other)) {
          throw new ConfigException(f.key(other), "not for transport process (its command is in \"command\")");
        }
      }
      return process();
    }
    if (transport != GateConfig.Transport.UNIX) {
      if (f.has(PATH)) {
        throw new ConfigException(f.key(PATH), "only for transport unix");
      }
      if (transport == GateConfig.Transport.UDP && f.has(TLS)) {
        throw new ConfigException(f.key(TLS), "not over udp (TLS needs a stream; DTLS is not supported)");
      }
      String host = f.read(HOST);
      if (host.isBlank()) {
        throw new ConfigException(f.key(HOST), "expected " + (server ? "a bind address" : "a host") + ", got an empty string");
      }
      if (!f.has(PORT)) {
        throw new ConfigException(f.key(PORT), "required for transport " + transport.name().toLowerCase()
            + (server ? " (0 picks a free port)" : ""));
      }
      int port = f.read(PORT);
      if (!server && port == 0) {
        throw new ConfigException(f.key(PORT), "expected 1..65535, got 0");
      }
      TlsConfig tls = f.has(TLS) ? TlsConfig.fromJson(f.read(TLS), f.key(TLS), server) : null;
      boolean udp = transport == GateConfig.Transport.UDP;
      return new Endpoint(transport, host, port, null, tls, udp ? f.read(MAX_DATAGRAM) : 0, udp ? f.read(RECEIVE_BUFFER) : 0);
    }
    for (Key<?> tcpOnly : java.util.List.of(TLS, HOST, PORT)) {
      if (f.has(tcpOnly)) {
        throw new ConfigException(f.key(tcpOnly), tcpOnly == TLS ? "only for transport tcp" : "only for transport tcp or udp");
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
    return new Endpoint(transport, null, 0, path, null, 0, 0);
  }
}
