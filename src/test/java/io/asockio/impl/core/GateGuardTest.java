package io.asockio.impl.core;

import io.asockio.config.GateLimits;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The gate's bounds, on an injected clock. */
class GateGuardTest {

  final AtomicLong now = new AtomicLong(1_000_000_000L);

  GateGuard guard(int maxConnections, int perAddress, int pendingHandshakes, int ratePerSecond) {
    return guard(maxConnections, perAddress, pendingHandshakes, ratePerSecond, 0);
  }

  GateGuard guard(int maxConnections, int perAddress, int pendingHandshakes, int ratePerSecond, int pendingPerAddress) {
    GateLimits limits = GateLimits.DEFAULTS.withMaxConnections(maxConnections).withMaxConnectionsPerAddress(perAddress)
        .withMaxPendingHandshakes(pendingHandshakes).withAcceptRatePerSecond(ratePerSecond)
        .withMaxPendingHandshakesPerAddress(pendingPerAddress);
    return new GateGuard(limits, now::get);
  }

  @Test
  void theAcceptRateIsATokenBucketOfOneSecond() {
    GateGuard g = guard(0, 0, 0, 10);
    for (int i = 0; i < 10; i++) {
      assertNull(g.tryAccept(null, false), "burst " + i);
    }
    assertEquals(Refusal.ACCEPT_RATE, g.tryAccept(null, false));
    now.addAndGet(100_000_000L); // 0.1 s: one token
    assertNull(g.tryAccept(null, false));
    assertEquals(Refusal.ACCEPT_RATE, g.tryAccept(null, false));
    now.addAndGet(60_000_000_000L); // a minute: the bucket holds one second's worth, no more
    for (int i = 0; i < 10; i++) {
      assertNull(g.tryAccept(null, false));
    }
    assertEquals(Refusal.ACCEPT_RATE, g.tryAccept(null, false));
  }

  @Test
  void connectionsInAllAndPerAddressAreBoundedAndGivenBack() {
    GateGuard g = guard(3, 2, 0, 0);
    assertNull(g.tryAccept("10.0.0.1", false));
    assertNull(g.tryAccept("10.0.0.1", false));
    assertEquals(Refusal.TOO_MANY_FROM_ADDRESS, g.tryAccept("10.0.0.1", false));
    assertNull(g.tryAccept("10.0.0.2", false));
    assertEquals(Refusal.TOO_MANY_CONNECTIONS, g.tryAccept("10.0.0.3", false));
    assertEquals(3, g.connections());
    g.release("10.0.0.1");
    assertNull(g.tryAccept("10.0.0.1", false));
    g.release("10.0.0.1");
    g.release("10.0.0.1");
    g.release("10.0.0.2");
    assertEquals(0, g.connections());
    assertEquals(0, g.trackedAddresses(), "no entry left behind per address");
  }

  @Test
  void pendingHandshakesAreBoundedAndTheLeaseGivesEachSlotBackOnce() {
    GateGuard g = guard(0, 0, 2, 0);
    GuardLease a = new GuardLease(g, null, true);
    assertNull(g.tryAccept(null, true));
    assertNull(g.tryAccept(null, true));
    GuardLease b = new GuardLease(g, null, true);
    assertEquals(Refusal.TOO_MANY_HANDSHAKES, g.tryAccept(null, true));
    a.handshakeDone();
    a.handshakeDone(); // given back once only
    assertEquals(1, g.pendingHandshakes());
    a.release();
    b.release();
    b.release();
    assertEquals(0, g.pendingHandshakes());
    assertEquals(0, g.connections());
  }

  @Test
  void oneAddressCannotHoldEveryHandshakeSlot() {
    GateGuard g = guard(0, 0, 100, 0, 3);
    GuardLease[] leases = new GuardLease[3];
    for (int i = 0; i < 3; i++) {
      assertNull(g.tryAccept("10.0.0.9", true));
      leases[i] = new GuardLease(g, "10.0.0.9", true);
    }
    assertEquals(Refusal.TOO_MANY_HANDSHAKES_FROM_ADDRESS, g.tryAccept("10.0.0.9", true));
    assertNull(g.tryAccept("10.0.0.10", true), "another address still gets in");
    assertNull(g.tryAccept(null, true), "Unix sockets have no address to count");
    assertNull(g.tryAccept("10.0.0.9", false), "raw gates have no handshake");
    leases[0].handshakeDone(); // a handshake ended: a slot for the address again
    assertNull(g.tryAccept("10.0.0.9", true));
    assertEquals(5, g.pendingHandshakes(), "three from .9, one from .10, one over a Unix socket");
  }
}
