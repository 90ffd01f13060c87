package io.asockio.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 *
 * @param <C> the connection type
 */
public final class ClientRegistry<C> {

  /** Outcome of {@link #admit}. */
  public record Admission<C>(ClientRecord<C> record, C replaced, String refusal) {
    public boolean accepted() {
      return refusal == null;
    }
  }

  /** Reasons sent to refused peers (never echo the peer's bytes). */
  public static final String REFUSED_UNKNOWN = "unknown keyword";
  public static final String REFUSED_CONNECTED = "name already connected";

  private final Map<String, ClientRecord<C>> byName = new ConcurrentHashMap<>();
  private final Map<Long, ClientRecord<C>> byId = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** Declares an expected name (idempotent); an unexpected client of that name becomes expected. */
  public ClientRecord<C> declare(String name) {
    return declare(name, ClientKind.EXPECTED);
  }

  /** Declares a name that outlives its connections, as {@code kind} (EXPECTED or OUTGOING). */
  public ClientRecord<C> declare(String name, ClientKind kind) {
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
  public ClientRecord<C> remove(String name) {
    ClientRecord<C> record = byName.remove(name);
    if (record != null) {
      byId.remove(record.id());
    }
    return record;
  }

  /**
   * Binds {@code connection} to the name, following the policies.
   *
   * @param acceptUnexpected whether unknown names are accepted (as {@link ClientKind#UNEXPECTED})
   * @param replaceConnected whether a connected name is taken over (else refused)
   */
  public Admission<C> admit(String name, C connection, boolean acceptUnexpected, boolean replaceConnected) {
    Object[] outcome = new Object[3];
    byName.compute(name, (n, existing) -> {
      if (existing == null) {
        if (!acceptUnexpected) {
          outcome[1] = REFUSED_UNKNOWN;
          return null;
        }
        existing = newRecord(n, ClientKind.UNEXPECTED);
      } else if (existing.connection() != null) {
        if (!replaceConnected) {
          outcome[1] = REFUSED_CONNECTED;
          return existing;
        }
        outcome[0] = existing.connection();
      }
      existing.connection(connection);
      outcome[2] = existing;
      return existing;
    });
    if (outcome[1] != null) {
      return new Admission<>(null, null, (String) outcome[1]);
    }
    @SuppressWarnings("unchecked")
    C replaced = (C) outcome[0];
    @SuppressWarnings("unchecked")
    ClientRecord<C> record = (ClientRecord<C>) outcome[2];
    return new Admission<>(record, replaced, null);
  }

  /** A new anonymous client with a generated name {@code anonymous-<id>}. */
  public ClientRecord<C> anonymous(C connection) {
    long id = ids.incrementAndGet();
    ClientRecord<C> record = new ClientRecord<>(id, "anonymous-" + id, ClientKind.ANONYMOUS);
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
  public boolean release(ClientRecord<C> record, C connection) {
    boolean[] wasCurrent = new boolean[1];
    byName.computeIfPresent(record.name(), (n, existing) -> {
      if (existing != record || existing.connection() != connection) {
        return existing;
      }
      wasCurrent[0] = true;
      existing.connection(null);
      if (existing.kind() != ClientKind.EXPECTED && existing.kind() != ClientKind.OUTGOING) {
        byId.remove(existing.id());
        return null;
      }
      return existing;
    });
    return wasCurrent[0];
  }

  public ClientRecord<C> byId(long id) {
    return byId.get(id);
  }

  public ClientRecord<C> byName(String name) {
    return byName.get(name);
  }

  /** A snapshot of all records. */
  public List<ClientRecord<C>> all() {
    return new ArrayList<>(byName.values());
  }

  public int size() {
    return byName.size();
  }

  public Collection<ClientRecord<C>> records() {
    return byName.values();
  }

  private ClientRecord<C> newRecord(String name, ClientKind kind) {
    ClientRecord<C> record = new ClientRecord<>(ids.incrementAndGet(), name, kind);
    byId.put(record.id(), record);
    return record;
  }
}
