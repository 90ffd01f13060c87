package io.asockio.impl.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryRecordTest {

  static final JsonObject RECORD = DirectoryRecord.of("alice", 7, "expected", "tcp", "tcp", "127.0.0.1:41234",
      "local", 1_700_000_000_000L);

  /** The same record as a JsonObject built field by field, as it was before. */
  static JsonObject plain() {
    return new JsonObject().put("name", "alice").put("id", 7L).put("kind", "expected").put("gate", "tcp")
        .put("transport", "tcp").put("remote", "127.0.0.1:41234").put("node", "local")
        .put("connectedAt", 1_700_000_000_000L);
  }

  @Test
  void readsEncodesAndComparesLikeTheFieldByFieldRecord() {
    assertEquals("alice", RECORD.getString("name"));
    assertEquals(7L, RECORD.getLong("id"));
    assertEquals(1_700_000_000_000L, RECORD.getLong("connectedAt"));
    assertNull(RECORD.getString("missing"));
    assertTrue(RECORD.containsKey("remote"));
    assertFalse(RECORD.containsKey("missing"));
    assertEquals(List.of("name", "id", "kind", "gate", "transport", "remote", "node", "connectedAt"),
        List.copyOf(RECORD.fieldNames()));
    assertEquals(plain().encode(), RECORD.encode());
    assertEquals(plain(), RECORD);
    assertEquals(RECORD, plain());
    assertEquals(plain().hashCode(), RECORD.hashCode());
    assertFalse(RECORD.equals(plain().put("id", 8L)));
  }

  @Test
  void aRecordWithoutARemoteAddressKeepsTheField() {
    JsonObject record = DirectoryRecord.of("bob", 1, "anonymous", "udp", "udp", null, "local", 0);
    assertTrue(record.containsKey("remote"));
    assertNull(record.getString("remote"));
    assertTrue(record.encode().contains("\"remote\":null"));
  }

  @Test
  void aChangeIsRefusedWithAClearError() {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> RECORD.put("x", 1));
    assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> RECORD.remove("name"));
    assertThrows(UnsupportedOperationException.class, RECORD::clear);
    assertEquals(plain(), RECORD, "unchanged");
  }

  @Test
  void anOrderedCopyCanChangeAndKeepsTheOrder() {
    JsonObject copy = DirectoryRecord.orderedCopy(RECORD).put("type", "connected");
    assertEquals(plain().put("type", "connected").encode(), copy.encode());
    assertEquals(plain(), RECORD, "the record itself unchanged");
  }

  @Test
  void aClusterRoundTripGivesAnEqualRecordWithTheSameBytes() {
    // A cluster map stores the serialized form and removeIfPresent compares it.
    Buffer bytes = Buffer.buffer();
    RECORD.writeToBuffer(bytes);
    Buffer plainBytes = Buffer.buffer();
    plain().writeToBuffer(plainBytes);
    assertEquals(plainBytes, bytes);
    JsonObject back = new JsonObject();
    back.readFromBuffer(0, bytes);
    assertEquals(RECORD, back);
  }
}
