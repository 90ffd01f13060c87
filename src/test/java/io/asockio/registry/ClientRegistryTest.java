package io.asockio.registry;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission, release and takeover, without sockets (connections are plain strings here). */
class ClientRegistryTest {

  final ClientRegistry<String> registry = new ClientRegistry<>();

  @Test
  void unknownNamesAreAdmittedAsUnexpectedOrRefused() {
    ClientRegistry.Admission<String> refused = registry.admit("x", "c1", false, true);
    assertFalse(refused.accepted());
    assertEquals(ClientRegistry.REFUSED_UNKNOWN, refused.refusal());
    assertNull(registry.byName("x"));
    ClientRegistry.Admission<String> admitted = registry.admit("x", "c1", true, true);
    assertTrue(admitted.accepted());
    assertEquals(ClientKind.UNEXPECTED, admitted.record().kind());
    assertSame(admitted.record(), registry.byId(admitted.record().id()));
  }

  @Test
  void aDeclaredNameKeepsItsIdAcrossConnections() {
    long id = registry.declare("alice").id();
    ClientRegistry.Admission<String> first = registry.admit("alice", "c1", false, true);
    assertEquals(id, first.record().id());
    assertTrue(registry.release(first.record(), "c1"));
    assertFalse(registry.byName("alice").isConnected());
    ClientRegistry.Admission<String> second = registry.admit("alice", "c2", false, true);
    assertEquals(id, second.record().id());
    assertEquals(ClientKind.EXPECTED, second.record().kind());
  }

  @Test
  void takeoverReplacesTheConnectionAndTheOldReleaseIsANoOp() {
    registry.declare("alice");
    ClientRegistry.Admission<String> first = registry.admit("alice", "c1", false, true);
    ClientRegistry.Admission<String> second = registry.admit("alice", "c2", false, true);
    assertEquals("c1", second.replaced());
    assertSame(first.record(), second.record());
    assertFalse(registry.release(first.record(), "c1"), "the old connection no longer serves the name");
    assertEquals("c2", registry.byName("alice").connection());
  }

  @Test
  void takeoverRefuseKeepsTheFirstConnection() {
    registry.admit("bob", "c1", true, false);
    ClientRegistry.Admission<String> second = registry.admit("bob", "c2", true, false);
    assertFalse(second.accepted());
    assertEquals(ClientRegistry.REFUSED_CONNECTED, second.refusal());
    assertEquals("c1", registry.byName("bob").connection());
  }

  @Test
  void unexpectedAndAnonymousRecordsGoWithTheirConnection() {
    ClientRegistry.Admission<String> u = registry.admit("u", "c1", true, true);
    ClientRecord<String> anon = registry.anonymous("c2");
    assertTrue(anon.name().startsWith("anonymous-"));
    registry.release(u.record(), "c1");
    registry.release(anon, "c2");
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
}
