package io.asockio.impl.bus;

import io.asockio.api.BusAddresses;
import io.asockio.api.SendException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BusMessagesTest {

  /** A refusal replied on one node is read back as the same reason on the node that forwarded it. */
  @Test
  void everyReasonWithACodeReadsBackAsItself() {
    for (SendException.Reason reason : SendException.Reason.values()) {
      if (reason != SendException.Reason.SOURCE_FAILED) {
        assertEquals(reason, BusMessages.reason(BusMessages.code(reason)), reason.name());
      }
    }
    assertEquals(BusAddresses.UNKNOWN_CLIENT, BusMessages.code(SendException.Reason.UNKNOWN_CLIENT));
    assertNull(BusMessages.reason(BusMessages.code(SendException.Reason.SOURCE_FAILED)));
  }
}
