package io.asockio.config;

import io.vertx.core.json.JsonObject;

/**
 * One listening endpoint and how its connections are served.
 *
 * @param name      unique name of the gate, used in logs, client records and overrides
 * @param endpoint  where it listens: TCP host and port (IPv4 or IPv6, optionally TLS) or a Unix socket path
 * @param mode      {@code framed} (PROTOCOL.md) or {@code raw} (bytes as they come)
 * @param instances gate verticle instances sharing the endpoint (Vert.x round-robin)
 * @param reusePort SO_REUSEPORT, so that several processes share the port (native epoll only; TCP and UDP)
 * @param processor class name of an {@code InlineProcessor} attached to every connection of
 *                  this gate, or null for none
 * @param limits    protections against abuse (idle timeout, connection bounds, accept rate); over UDP a
 *                  connection is a peer address, and the idle timeout defaults to
 *                  {@link GateLimits#DEFAULT_UDP_IDLE_TIMEOUT_MS}
 * @param deliverTo event-bus address receiving the messages of this gate's clients (when no
 *                  processor serves them), or null
 * @param announce  whether each client of this gate gets an {@code asockio.client.<name>} bus address, a
 *                  directory record and {@code connected}/{@code disconnected} events; without them a client
 *                  is reached through this node's direct API (and {@code asockio.send} here) only, and its
 *                  connection opens and closes without touching the bus or SharedData
 */
public record GateConfig(String name, Endpoint endpoint, Mode mode, int instances, boolean reusePort, String processor,
                         GateLimits limits, String deliverTo, boolean announce) {

  /** Transport of a gate or a link ({@code PROCESS}: a link's child process, over its stdin and stdout). */
  public enum Transport { TCP, UDP, UNIX, PROCESS }

  /** Whether a gate (or a link) frames messages. */
  public enum Mode { FRAMED, RAW }

  public static final String DEFAULT_HOST = Endpoint.DEFAULT_HOST;
  public static final Mode DEFAULT_MODE = Mode.FRAMED;
  public static final int DEFAULT_INSTANCES = 1;
  public static final int MAX_INSTANCES = 256;

  static final Key<String> NAME = Key.requiredString("name");
  static final Key<Mode> MODE = Key.enumeration("mode", Mode.class, DEFAULT_MODE);
  static final Key<Integer> INSTANCES = Key.integer("instances", DEFAULT_INSTANCES, 1, MAX_INSTANCES);
  static final Key<Boolean> REUSE_PORT = Key.bool("reusePort", false);
  static final Key<String> PROCESSOR = Key.optionalName("processor");
  static final Key<String> DELIVER_TO = Key.optionalName("deliverTo");
  static final Key<Boolean> ANNOUNCE = Key.bool("announce", true);

  static final Section<GateConfig> SECTION = new Section<GateConfig>()
      .add(NAME, GateConfig::name)
      .inline(Endpoint.SECTION, GateConfig::endpoint)
      .add(MODE, GateConfig::mode)
      .add(INSTANCES, GateConfig::instances)
      .add(REUSE_PORT, g -> g.transport() != Transport.UNIX ? g.reusePort : null)
      .add(PROCESSOR, GateConfig::processor)
      .inline(GateLimits.SECTION, GateConfig::limits)
      .add(DELIVER_TO, GateConfig::deliverTo)
      .add(ANNOUNCE, GateConfig::announce);

  public GateConfig {
    limits = limits == null ? GateLimits.DEFAULTS : limits;
  }

  /** A framed TCP gate on {@code host:port}. */
  public static GateConfig tcp(String name, String host, int port) {
    return new GateConfig(name, Endpoint.tcp(host, port), DEFAULT_MODE, DEFAULT_INSTANCES, false, null, GateLimits.DEFAULTS, null, true);
  }

  /** A framed UDP gate on {@code host:port}, with UDP's default idle timeout. */
  public static GateConfig udp(String name, String host, int port) {
    return new GateConfig(name, Endpoint.udp(host, port), DEFAULT_MODE, DEFAULT_INSTANCES, false, null,
        GateLimits.DEFAULTS.withIdleTimeoutMs(GateLimits.DEFAULT_UDP_IDLE_TIMEOUT_MS), null, true);
  }

  /** A framed Unix-socket gate on {@code path}. */
  public static GateConfig unix(String name, String path) {
    return new GateConfig(name, Endpoint.unix(path), DEFAULT_MODE, DEFAULT_INSTANCES, false, null, GateLimits.DEFAULTS, null, true);
  }

  public Transport transport() {
    return endpoint.transport();
  }

  public String host() {
    return endpoint.host();
  }

  public int port() {
    return endpoint.port();
  }

  public String path() {
    return endpoint.path();
  }

  public TlsConfig tls() {
    return endpoint.tls();
  }

  /** UDP: the receive buffer its socket asks for; 0: the system's default (and on stream transports). */
  public int receiveBufferBytes() {
    return endpoint.receiveBufferBytes();
  }

  /** UDP: the largest message one datagram carries; 0 on stream transports. */
  public int maxDatagramSize() {
    return endpoint.maxDatagramSize();
  }

  /** The transport as access rules name it: {@code tcp}, {@code tls}, {@code udp} or {@code unix}. */
  public String transportName() {
    return endpoint.transportName();
  }

  public GateConfig withMode(Mode newMode) {
    return new GateConfig(name, endpoint, newMode, instances, reusePort, processor, limits, deliverTo, announce);
  }

  public GateConfig withInstances(int n) {
    return new GateConfig(name, endpoint, mode, n, reusePort, processor, limits, deliverTo, announce);
  }

  public GateConfig withReusePort(boolean on) {
    return new GateConfig(name, endpoint, mode, instances, on, processor, limits, deliverTo, announce);
  }

  public GateConfig withProcessor(String className) {
    return new GateConfig(name, endpoint, mode, instances, reusePort, className, limits, deliverTo, announce);
  }

  public GateConfig withPort(int newPort) {
    return new GateConfig(name, endpoint.withPort(newPort), mode, instances, reusePort, processor, limits, deliverTo, announce);
  }

  /** TCP only (an IllegalArgumentException on other transports). */
  public GateConfig withTls(TlsConfig newTls) {
    return new GateConfig(name, endpoint.withTls(newTls), mode, instances, reusePort, processor, limits, deliverTo, announce);
  }

  /** UDP: the largest message one datagram carries, 1..65,527 (an IllegalArgumentException otherwise, and on other transports). */
  public GateConfig withMaxDatagramSize(int bytes) {
    return new GateConfig(name, endpoint.withMaxDatagramSize(bytes), mode, instances, reusePort, processor, limits, deliverTo, announce);
  }

  /** UDP: the socket's receive buffer to ask for, 0..1 GiB (0: the system's default; an IllegalArgumentException on other transports). */
  public GateConfig withReceiveBufferBytes(int bytes) {
    return new GateConfig(name, endpoint.withReceiveBufferBytes(bytes), mode, instances, reusePort, processor, limits, deliverTo,
        announce);
  }

  public GateConfig withLimits(GateLimits newLimits) {
    return new GateConfig(name, endpoint, mode, instances, reusePort, processor, newLimits, deliverTo, announce);
  }

  public GateConfig withDeliverTo(String address) {
    return new GateConfig(name, endpoint, mode, instances, reusePort, processor, limits, address, announce);
  }

  /** Whether the gate's clients get bus addresses, directory records and events; see {@link #announce()}. */
  public GateConfig withAnnounce(boolean on) {
    return new GateConfig(name, endpoint, mode, instances, reusePort, processor, limits, deliverTo, on);
  }

  static GateConfig fromJson(JsonObject json, String path) {
    JsonFields f = SECTION.fields(json, path);
    String name = f.read(NAME);
    Endpoint endpoint = Endpoint.read(f, true);
    boolean reusePort = f.read(REUSE_PORT);
    if (reusePort && endpoint.transport() == Transport.UNIX) {
      throw new ConfigException(f.key(REUSE_PORT), "only for transport tcp or udp");
    }
    String processor = f.read(PROCESSOR);
    String deliverTo = f.read(DELIVER_TO);
    if (deliverTo != null && processor != null) {
      throw new ConfigException(f.key(DELIVER_TO), "a gate's clients are served by a processor or delivered to the bus, not both");
    }
    return new GateConfig(name, endpoint, f.read(MODE), f.read(INSTANCES), reusePort, processor,
        GateLimits.read(f, endpoint.isDatagram()), deliverTo, f.read(ANNOUNCE));
  }

  public JsonObject toJson() {
    return SECTION.toJson(this);
  }
}
