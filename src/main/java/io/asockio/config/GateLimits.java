package io.asockio.config;


/**
 * Per-gate protections against abuse. 0 turns a bound off.
 *
 * @param idleTimeoutMs            close a connection after this long without a byte in or out (0: never)
 * @param maxConnections           connections at once on this gate; more are refused at accept
 * @param maxConnectionsPerAddress connections at once from one IP address (0: no bound)
 * @param maxPendingHandshakes     connections that have not completed their handshake; more are refused at accept
 * @param acceptRatePerSecond      new connections per second (a token bucket with a burst of one second's worth)
 * @param maxPendingHandshakesPerAddress handshakes in progress from one IP address: one address cannot hold
 *                                 every handshake slot for the whole handshake timeout (0: no bound)
 */
public record GateLimits(long idleTimeoutMs, int maxConnections, int maxConnectionsPerAddress, int maxPendingHandshakes,
                         int acceptRatePerSecond, int maxPendingHandshakesPerAddress) {

  public static final long DEFAULT_IDLE_TIMEOUT_MS = 0;
  /** A UDP peer never says goodbye: one silent this long is forgotten (disconnected, cause {@code idle}). */
  public static final long DEFAULT_UDP_IDLE_TIMEOUT_MS = 60_000;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
  public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1024;
  public static final int DEFAULT_ACCEPT_RATE_PER_SECOND = 10_000;
  /** An eighth of the gate's handshake slots by default. */
  public static final int DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS = 128;

  public static final GateLimits DEFAULTS = new GateLimits(DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS,
      DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_PENDING_HANDSHAKES, DEFAULT_ACCEPT_RATE_PER_SECOND,
      DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS);

  static final Key<Long> IDLE_TIMEOUT_MS = Key.number("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS, 0, 7 * Limits.DAY_MS);
  static final Key<Integer> MAX_CONNECTIONS = Key.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 0, Limits.MAX_COUNT);
  static final Key<Integer> MAX_CONNECTIONS_PER_ADDRESS = Key.integer("maxConnectionsPerAddress",
      DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 0, Limits.MAX_COUNT);
  static final Key<Integer> MAX_PENDING_HANDSHAKES = Key.integer("maxPendingHandshakes", DEFAULT_MAX_PENDING_HANDSHAKES, 0,
      Limits.MAX_COUNT);
  static final Key<Integer> ACCEPT_RATE_PER_SECOND = Key.integer("acceptRatePerSecond", DEFAULT_ACCEPT_RATE_PER_SECOND, 0,
      Limits.MAX_COUNT);
  static final Key<Integer> MAX_PENDING_HANDSHAKES_PER_ADDRESS = Key.integer("maxPendingHandshakesPerAddress",
      DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS, 0, Limits.MAX_COUNT);

  /** These keys sit flat in a gate's object ({@code "maxConnections": 100} next to {@code "port"}). */
  static final Section<GateLimits> SECTION = new Section<GateLimits>()
      .add(IDLE_TIMEOUT_MS, GateLimits::idleTimeoutMs)
      .add(MAX_CONNECTIONS, GateLimits::maxConnections)
      .add(MAX_CONNECTIONS_PER_ADDRESS, GateLimits::maxConnectionsPerAddress)
      .add(MAX_PENDING_HANDSHAKES, GateLimits::maxPendingHandshakes)
      .add(ACCEPT_RATE_PER_SECOND, GateLimits::acceptRatePerSecond)
      .add(MAX_PENDING_HANDSHAKES_PER_ADDRESS, GateLimits::maxPendingHandshakesPerAddress);

  public GateLimits withIdleTimeoutMs(long ms) {
    return new GateLimits(ms, maxConnections, maxConnectionsPerAddress, maxPendingHandshakes, acceptRatePerSecond, maxPendingHandshakesPerAddress);
  }

  public GateLimits withMaxConnections(int connections) {
    return new GateLimits(idleTimeoutMs, connections, maxConnectionsPerAddress, maxPendingHandshakes, acceptRatePerSecond, maxPendingHandshakesPerAddress);
  }

  public GateLimits withMaxConnectionsPerAddress(int connections) {
    return new GateLimits(idleTimeoutMs, maxConnections, connections, maxPendingHandshakes, acceptRatePerSecond, maxPendingHandshakesPerAddress);
  }

  public GateLimits withMaxPendingHandshakes(int n) {
    return new GateLimits(idleTimeoutMs, maxConnections, maxConnectionsPerAddress, n, acceptRatePerSecond, maxPendingHandshakesPerAddress);
  }

  public GateLimits withMaxPendingHandshakesPerAddress(int n) {
    return new GateLimits(idleTimeoutMs, maxConnections, maxConnectionsPerAddress, maxPendingHandshakes, acceptRatePerSecond, n);
  }

  public GateLimits withAcceptRatePerSecond(int n) {
    return new GateLimits(idleTimeoutMs, maxConnections, maxConnectionsPerAddress, maxPendingHandshakes, n, maxPendingHandshakesPerAddress);
  }

  /** Reads the limit keys of a gate's object; a datagram gate's idle timeout defaults to {@link #DEFAULT_UDP_IDLE_TIMEOUT_MS}. */
  static GateLimits read(JsonFields f, boolean datagram) {
    long idle = datagram && !f.has(IDLE_TIMEOUT_MS) ? DEFAULT_UDP_IDLE_TIMEOUT_MS : f.read(IDLE_TIMEOUT_MS);
    return new GateLimits(idle, f.read(MAX_CONNECTIONS), f.read(MAX_CONNECTIONS_PER_ADDRESS),
        f.read(MAX_PENDING_HANDSHAKES), f.read(ACCEPT_RATE_PER_SECOND), f.read(MAX_PENDING_HANDSHAKES_PER_ADDRESS));
  }
}
