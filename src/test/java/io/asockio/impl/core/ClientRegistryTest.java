package io.asockio.impl.core;

import io.asockio.api.ClientKind;
import io.asockio.config.Policies;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission, release and takeover, without sockets. */
class ClientRegistryTest {

  static final Policies ACCEPT_REPLACE = new Policies(Policies.Unexpected.ACCEPT, Policies.Takeover.REPLACE);
  static final Policies REFUSE_UNKNOWN = new Policies(Policies.Unexpected.REFUSE, Policies.Takeover.REPLACE);
  static final Policies REFUSE_TAKEOVER = new Policies(Policies.Unexpected.ACCEPT, Policies.Takeover.REFUSE);

  final ClientRegistry registry = new ClientRegistry();

  /** A connection that is only an identity: the registry never calls it. */
  static NodeConnection connection(String label) {
    return (NodeConnection) Proxy.newProxyInstance(NodeConnection.class.getClassLoader(), new Class<?>[] {NodeConnection.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "toString", "describe" -> label;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  final NodeConnection c1 = connection("c1");
  final NodeConnection c2 = connection("c2");

  @Test
  void unknownNamesAreAdmittedAsUnexpectedOrRefused() {
    ClientRegistry.Admission refused = registry.admit("x", c1, REFUSE_UNKNOWN);
    assertFalse(refused.accepted());
    assertEquals(Refusal.UNKNOWN_KEYWORD, refused.refusal());
    assertNull(registry.byName("x"));
    ClientRegistry.Admission admitted = registry.admit("x", c1, ACCEPT_REPLACE);
    assertTrue(admitted.accepted());
    assertEquals(ClientKind.UNEXPECTED, admitted.record().kind());
    assertSame(admitted.record(), registry.byId(admitted.record().id()));
  }

  @Test
  void aDeclaredNameKeepsItsIdAcrossConnections() {
    long id = registry.declare("alice").id();
    ClientRegistry.Admission first = registry.admit("alice", c1, REFUSE_UNKNOWN);
    assertEquals(id, first.record().id());
    assertTrue(registry.release(first.record(), c1));
    assertFalse(registry.byName("alice").isConnected());
    ClientRegistry.Admission second = registry.admit("alice", c2, REFUSE_UNKNOWN);
    assertEquals(id, second.record().id());
    assertEquals(ClientKind.EXPECTED, second.record().kind());
  }

  @Test
  void takeoverReplacesTheConnectionAndTheOldReleaseIsANoOp() {
    registry.declare("alice");
    ClientRegistry.Admission first = registry.admit("alice", c1, ACCEPT_REPLACE);
    ClientRegistry.Admission second = registry.admit("alice", c2, ACCEPT_REPLACE);
    assertSame(c1, second.replaced());
    assertSame(first.record(), second.record());
    assertFalse(registry.release(first.record(), c1), "the old connection no longer serves the name");
    assertSame(c2, registry.byName("alice").connection());
  }

  @Test
  void takeoverRefuseKeepsTheFirstConnection() {
    registry.admit("bob", c1, REFUSE_TAKEOVER);
    ClientRegistry.Admission second = registry.admit("bob", c2, REFUSE_TAKEOVER);
    assertFalse(second.accepted());
    assertEquals(Refusal.NAME_CONNECTED, second.refusal());
    assertSame(c1, registry.byName("bob").connection());
  }

  @Test
  void unexpectedAndAnonymousRecordsGoWithTheirConnection() {
    ClientRegistry.Admission u = registry.admit("u", c1, ACCEPT_REPLACE);
    ClientRecord anon = registry.anonymous(c2);
    assertTrue(anon.name().startsWith("anonymous-"));
    registry.release(u.record(), c1);
    registry.release(anon, c2);
    assertNull(registry.byName("u"));
    assertNull(registry.byId(anon.id()));
    assertEquals(0, registry.records().size(), "random keywords cannot grow the registry");
  }

  @Test
  void aRemovedNameForgetsItsId() {
    long id = registry.declare("gone").id();
    assertSame(registry.byId(id), registry.remove("gone"));
    assertNull(registry.byId(id));
    assertNull(registry.remove("gone"));
  }

  @Test
  void offlineMessagesAreBoundedAndGoFirstToTheNextConnection() {
    ClientRecord record = registry.declare("late");
    record.offlineLimits(2, 1_000);
    io.vertx.core.buffer.Buffer one = io.vertx.core.buffer.Buffer.buffer("1");
    assertEquals(ClientRecord.OfflineOffer.QUEUED, record.offerOffline(one));
    assertEquals(ClientRecord.OfflineOffer.QUEUED, record.offerOffline(one));
    assertEquals(ClientRecord.OfflineOffer.FULL, record.offerOffline(one));
    registry.admit("late", c1, REFUSE_UNKNOWN);
    assertEquals(ClientRecord.OfflineOffer.CONNECTED, record.offerOffline(one));
    assertEquals(2, record.dropOffline());
  }
}
