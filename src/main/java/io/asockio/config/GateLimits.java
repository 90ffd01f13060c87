package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Per-gate protections against abuse. 0 turns a bound off.
 *
 * @param idleTimeoutMs            close a connection after this long without a byte in or out (0: never)
 * @param maxConnections           connections at once on this gate; more are refused at accept
 * @param maxConnectionsPerAddress connections at once from one IP address (0: no bound)
 * @param maxPendingHandshakes     connections that have not completed their handshake; more are refused at accept
 * @param acceptRatePerSecond      new connections per second (a token bucket with a burst of one second's worth)
 */
public record GateLimits(long idleTimeoutMs, int maxConnections, int maxConnectionsPerAddress, int maxPendingHandshakes,
                         int acceptRatePerSecond) {

  public static final long DEFAULT_IDLE_TIMEOUT_MS = 0;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
  public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1024;
  public static final int DEFAULT_ACCEPT_RATE_PER_SECOND = 10_000;

  public static final GateLimits DEFAULTS = new GateLimits(DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS,
      DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_PENDING_HANDSHAKES, DEFAULT_ACCEPT_RATE_PER_SECOND);

  static final Set<String> KEYS = Set.of("idleTimeoutMs", "maxConnections", "maxConnectionsPerAddress",
      "maxPendingHandshakes", "acceptRatePerSecond");

  public GateLimits withIdleTimeoutMs(long ms) {
    return new GateLimits(ms, maxConnections, maxConnectionsPerAddress, maxPendingHandshakes, acceptRatePerSecond);
  }

  public GateLimits withMaxConnections(int total, int perAddress) {
    return new GateLimits(idleTimeoutMs, total, perAddress, maxPendingHandshakes, acceptRatePerSecond);
  }

  public GateLimits withMaxPendingHandshakes(int n) {
    return new GateLimits(idleTimeoutMs, maxConnections, maxConnectionsPerAddress, n, acceptRatePerSecond);
  }

  public GateLimits withAcceptRatePerSecond(int n) {
    return new GateLimits(idleTimeoutMs, maxConnections, maxConnectionsPerAddress, maxPendingHandshakes, n);
  }

  /** Reads the limit keys that sit directly in a gate object. */
  static GateLimits fromGateJson(JsonFields f) {
    return new GateLimits(
        f.number("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS, 0, 7L * 24 * 3600 * 1000),
        f.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 0, 10_000_000),
        f.integer("maxConnectionsPerAddress", DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 0, 10_000_000),
        f.integer("maxPendingHandshakes", DEFAULT_MAX_PENDING_HANDSHAKES, 0, 10_000_000),
        f.integer("acceptRatePerSecond", DEFAULT_ACCEPT_RATE_PER_SECOND, 0, 10_000_000));
  }

  void putInto(JsonObject gate) {
    gate.put("idleTimeoutMs", idleTimeoutMs).put("maxConnections", maxConnections)
        .put("maxConnectionsPerAddress", maxConnectionsPerAddress).put("maxPendingHandshakes", maxPendingHandshakes)
        .put("acceptRatePerSecond", acceptRatePerSecond);
  }
}
