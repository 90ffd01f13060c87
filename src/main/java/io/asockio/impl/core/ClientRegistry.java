package io.asockio.impl.core;

import io.asockio.api.ClientKind;
import io.asockio.config.Policies;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of one node, by name and by id, shared by all gates and verticle instances of
 * the node. Admission and release are atomic per name; lookups are lock-free, so the data
 * path ({@link #byId}) never waits.
 *
 * <p>Declared names keep their record (and id) while disconnected; unexpected and anonymous
 * records disappear with their connection, so random keywords cannot grow the registry.
 */
public final class ClientRegistry {

  /**
   * Outcome of {@link #admit}: the record now bound to the connection and the connection it
   * replaced (or null), or the refusal.
   */
  public record Admission(ClientRecord record, NodeConnection replaced, Refusal refusal) {
    public boolean accepted() {
      return refusal == null;
    }

    static Admission refused(Refusal refusal) {
      return new Admission(null, null, refusal);
    }
  }

  private final Map<String, ClientRecord> byName = new ConcurrentHashMap<>();
  private final Map<Long, ClientRecord> byId = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** Declares an expected name (idempotent); an unexpected client of that name becomes expected. */
  public ClientRecord declare(String name) {
    return declare(name, ClientKind.EXPECTED);
  }

  /** Declares a name that outlives its connections, as {@code kind} (EXPECTED or OUTGOING). */
  public ClientRecord declare(String name, ClientKind kind) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a client name must not be empty");
    }
    if (kind != ClientKind.EXPECTED && kind != ClientKind.OUTGOING) {
      throw new IllegalArgumentException("only expected and outgoing names are declared, not " + kind);
    }
    return byName.compute(name, (n, existing) -> {
      if (existing != null) {
        existing.kind(kind);
        return existing;
      }
      return newRecord(n, kind);
    });
  }

  /**
   * Forgets a name. Returns the removed record (its connection, if any, is the caller's to
   * close), or null when the name is unknown.
   */
  public ClientRecord remove(String name) {
    ClientRecord record = byName.remove(name);
    if (record != null) {
      byId.remove(record.id());
    }
    return record;
  }

  /** Binds {@code connection} to the name as the policies say (a takeover replaces or is refused). */
  public Admission admit(String name, NodeConnection connection, Policies policies) {
    boolean acceptUnexpected = policies.unexpected() == Policies.Unexpected.ACCEPT;
    boolean replaceConnected = policies.takeover() == Policies.Takeover.REPLACE;
    Admission[] outcome = new Admission[1];
    byName.compute(name, (n, existing) -> {
      if (existing == null) {
        if (!acceptUnexpected) {
          outcome[0] = Admission.refused(Refusal.UNKNOWN_KEYWORD);
          return null;
        }
        existing = newRecord(n, ClientKind.UNEXPECTED);
      } else if (existing.connection() != null && !replaceConnected) {
        outcome[0] = Admission.refused(Refusal.NAME_CONNECTED);
        return existing;
      }
      outcome[0] = new Admission(existing, existing.connection(), null);
      existing.connection(connection);
      return existing;
    });
    return outcome[0];
  }

  /** A new anonymous client with a generated name {@code anonymous-<id>}. */
  public ClientRecord anonymous(NodeConnection connection) {
    long id = ids.incrementAndGet();
    ClientRecord record = new ClientRecord(id, "anonymous-" + id, ClientKind.ANONYMOUS);
    record.connection(connection);
    byName.put(record.name(), record);
    byId.put(id, record);
    return record;
  }

  /**
   * The connection ended. Unbinds it if it still serves the record (a takeover may already
   * have rebound it); drops records that are not declared.
   *
   * @return whether this connection was the record's current one
   */
  public boolean release(ClientRecord record, NodeConnection connection) {
    boolean[] wasCurrent = new boolean[1];
    byName.computeIfPresent(record.name(), (n, existing) -> {
      if (existing != record || existing.connection() != connection) {
        return existing;
      }
      wasCurrent[0] = true;
      existing.connection(null);
      if (!existing.isDeclared()) {
        byId.remove(existing.id());
        return null;
      }
      return existing;
    });
    return wasCurrent[0];
  }

  public ClientRecord byId(long id) {
    return byId.get(id);
  }

  public ClientRecord byName(String name) {
    return byName.get(name);
  }

  /** Every record (a live view). */
  public Collection<ClientRecord> records() {
    return byName.values();
  }

  private ClientRecord newRecord(String name, ClientKind kind) {
    ClientRecord record = new ClientRecord(ids.incrementAndGet(), name, kind);
    byId.put(record.id(), record);
    return record;
  }
}
