package io.asockio.impl.core;

import io.asockio.config.GateLimits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The bounds of one gate, shared by its verticle instances: connections at once (in all and
 * per address), handshakes in progress, and the accept rate (a token bucket refilled at the
 * configured rate, holding at most one second's worth). Checked at accept, before any
 * per-connection work, so that a flood costs as little as possible.
 */
public final class GateGuard {

  private static final double NANOS_PER_SECOND = 1e9;

  private final GateLimits limits;
  private final LongSupplier nanoClock;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger pendingHandshakes = new AtomicInteger();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> pendingPerAddress = new ConcurrentHashMap<>();
  private double tokens;
  private long lastRefill;

  public GateGuard(GateLimits limits) {
    this(limits, System::nanoTime);
  }

  /** {@code nanoClock}: monotonic time for the accept rate (injected by tests). */
  public GateGuard(GateLimits limits, LongSupplier nanoClock) {
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.tokens = limits.acceptRatePerSecond();
    this.lastRefill = nanoClock.getAsLong();
  }

  /**
   * Admits a new connection, or says why not. {@code address} may be null (Unix sockets);
   * {@code handshake}: the connection starts with a handshake (framed gates).
   */
  public Refusal tryAccept(String address, boolean handshake) {
    if (limits.acceptRatePerSecond() > 0 && !takeToken()) {
      return Refusal.ACCEPT_RATE;
    }
    if (connections.incrementAndGet() > limits.maxConnections() && limits.maxConnections() > 0) {
      connections.decrementAndGet();
      return Refusal.TOO_MANY_CONNECTIONS;
    }
    if (handshake && pendingHandshakes.incrementAndGet() > limits.maxPendingHandshakes()
        && limits.maxPendingHandshakes() > 0) {
      pendingHandshakes.decrementAndGet();
      connections.decrementAndGet();
      return Refusal.TOO_MANY_HANDSHAKES;
    }
    if (address != null && limits.maxConnectionsPerAddress() > 0) {
      AtomicInteger n = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
      if (n.incrementAndGet() > limits.maxConnectionsPerAddress()) {
        release(address);
        if (handshake) {
          pendingHandshakes.decrementAndGet();
        }
        return Refusal.TOO_MANY_FROM_ADDRESS;
      }
    }
    if (handshake && address != null && limits.maxPendingHandshakesPerAddress() > 0) {
      AtomicInteger n = pendingPerAddress.computeIfAbsent(address, a -> new AtomicInteger());
      if (n.incrementAndGet() > limits.maxPendingHandshakesPerAddress()) {
        handshakeDone(address);
        release(address);
        return Refusal.TOO_MANY_HANDSHAKES_FROM_ADDRESS;
      }
    }
    return null;
  }

  /** A handshake from {@code address} (null: a Unix socket) ended: accepted, refused or cut off. */
  public void handshakeDone(String address) {
    pendingHandshakes.decrementAndGet();
    if (address != null && limits.maxPendingHandshakesPerAddress() > 0) {
      pendingPerAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  /** An admitted connection closed. */
  public void release(String address) {
    connections.decrementAndGet();
    if (address != null && limits.maxConnectionsPerAddress() > 0) {
      perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  public int connections() {
    return connections.get();
  }

  public int pendingHandshakes() {
    return pendingHandshakes.get();
  }

  /** Addresses holding at least one connection or handshake (per-address limits only). */
  public int trackedAddresses() {
    return perAddress.size() + pendingPerAddress.size();
  }

  private synchronized boolean takeToken() {
    long now = nanoClock.getAsLong();
    int rate = limits.acceptRatePerSecond();
    tokens = Math.min(rate, tokens + (now - lastRefill) * rate / NANOS_PER_SECOND);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
