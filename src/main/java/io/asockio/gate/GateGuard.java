package io.asockio.gate;

import io.asockio.config.GateLimits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounds of one gate, shared by its verticle instances: connections at once (in all and
 * per address), handshakes in progress, and the accept rate (a token bucket refilled at the
 * configured rate, holding at most one second's worth). Checked at accept, before any
 * per-connection work, so that a flood costs as little as possible.
 */
final class GateGuard {

  static final String TOO_MANY_CONNECTIONS = "too many connections";
  static final String TOO_MANY_FROM_ADDRESS = "too many connections from this address";
  static final String TOO_MANY_HANDSHAKES = "too many pending handshakes";
  static final String ACCEPT_RATE = "too many new connections";

  private final GateLimits limits;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger pendingHandshakes = new AtomicInteger();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private double tokens;
  private long lastRefill = System.nanoTime();

  GateGuard(GateLimits limits) {
    this.limits = limits;
    this.tokens = limits.acceptRatePerSecond();
  }

  /** Admits a new connection, or says why not. {@code address} may be null (Unix sockets). */
  String tryAccept(String address, boolean handshake) {
    if (limits.acceptRatePerSecond() > 0 && !takeToken()) {
      return ACCEPT_RATE;
    }
    if (limits.maxConnections() > 0 && connections.incrementAndGet() > limits.maxConnections()) {
      connections.decrementAndGet();
      return TOO_MANY_CONNECTIONS;
    } else if (limits.maxConnections() <= 0) {
      connections.incrementAndGet();
    }
    if (handshake && limits.maxPendingHandshakes() > 0 && pendingHandshakes.incrementAndGet() > limits.maxPendingHandshakes()) {
      pendingHandshakes.decrementAndGet();
      connections.decrementAndGet();
      return TOO_MANY_HANDSHAKES;
    } else if (handshake && limits.maxPendingHandshakes() <= 0) {
      pendingHandshakes.incrementAndGet();
    }
    if (address != null && limits.maxConnectionsPerAddress() > 0) {
      AtomicInteger n = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
      if (n.incrementAndGet() > limits.maxConnectionsPerAddress()) {
        release(address);
        if (handshake) {
          pendingHandshakes.decrementAndGet();
        }
        return TOO_MANY_FROM_ADDRESS;
      }
    }
    return null;
  }

  /** A handshake ended (accepted, refused or cut off). */
  void handshakeDone() {
    pendingHandshakes.decrementAndGet();
  }

  /** An admitted connection closed. */
  void release(String address) {
    connections.decrementAndGet();
    if (address != null && limits.maxConnectionsPerAddress() > 0) {
      perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  int connections() {
    return connections.get();
  }

  int pendingHandshakes() {
    return pendingHandshakes.get();
  }

  private synchronized boolean takeToken() {
    long now = System.nanoTime();
    int rate = limits.acceptRatePerSecond();
    tokens = Math.min(rate, tokens + (now - lastRefill) * rate / 1e9);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
