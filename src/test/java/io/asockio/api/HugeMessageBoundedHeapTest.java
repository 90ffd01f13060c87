package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.FrameClient;
import io.asockio.testing.GeneratedStream;
import io.asockio.testing.NodeFixture;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100 MiB messages through the streamed path, checksummed end to end, in a JVM whose heap
 * (-Xmx64m, set by the pom for this class alone) could not hold one such message whole.
 */
class HugeMessageBoundedHeapTest {

  static final long SIZE = 100L << 20;
  static final int BLOCK = 1 << 20;

  @BeforeAll
  static void heapIsTooSmallForAWholeMessage() {
    assertTrue(Runtime.getRuntime().maxMemory() < SIZE,
        "this test must run with a heap below 100 MiB (max is " + Runtime.getRuntime().maxMemory() + ")");
  }

  static byte[] generated(long from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = GeneratedStream.byteAt(from + i);
    }
    return b;
  }

  static long expectedCrc() {
    CRC32 crc = new CRC32();
    for (long pos = 0; pos < SIZE; pos += BLOCK) {
      crc.update(generated(pos, BLOCK));
    }
    return crc.getValue();
  }

  /** Writes the 100 MiB message from a background thread. */
  static Thread sendHuge(FrameClient c) {
    Thread writer = new Thread(() -> {
      try {
        c.write(FrameClient.header(SIZE));
        for (long pos = 0; pos < SIZE; pos += BLOCK) {
          c.write(generated(pos, BLOCK));
        }
      } catch (IOException ignored) {
        // the reader fails
      }
    }, "huge-writer");
    writer.setDaemon(true);
    writer.start();
    return writer;
  }

  static long readHuge(FrameClient c) throws IOException {
    assertEquals(SIZE, ByteBuffer.wrap(c.readExactly(8)).order(ByteOrder.LITTLE_ENDIAN).getLong());
    CRC32 crc = new CRC32();
    for (long pos = 0; pos < SIZE; pos += BLOCK) {
      crc.update(c.readExactly(BLOCK));
    }
    return crc.getValue();
  }

  @Test
  void theDemoEchoStreams100MiBBack() throws Exception {
    try (NodeFixture fixture = new NodeFixture()) {
      int port = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0)
          .withProcessor(EchoProcessor.class.getName()))).port("tcp");
      try (FrameClient c = FrameClient.named("127.0.0.1", port, "huge")) {
        sendHuge(c);
        assertEquals(expectedCrc(), readHuge(c));
      }
    }
  }

  @Test
  void plainCodeReadsAndSends100MiBAsStreams() throws Exception {
    try (NodeFixture fixture = new NodeFixture()) {
      IoCore core = IoCore.start(fixture.vertx, AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", 0))).await()
          .streamMessagesAbove(1 << 20);
      try (FrameClient c = FrameClient.named("127.0.0.1", core.node().port("tcp"), "huge")) {
        long id = core.clientId("huge");
        sendHuge(c);
        StreamInput input = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (input == null && System.nanoTime() < deadline) {
          core.ioIteration(Duration.ofMillis(200));
          input = core.nextMessageStream(id);
        }
        assertNotNull(input, "the long message arrived as a stream");
        assertEquals(SIZE, input.length());
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = input) {
          int n;
          while ((n = in.read(buf)) > 0) {
            crc.update(buf, 0, n);
            total += n;
          }
        }
        assertEquals(SIZE, total);
        assertEquals(expectedCrc(), crc.getValue());

        // And back: 100 MiB produced on the fly, streamed with back-pressure.
        var sent = core.sendMessageStream(id, new GeneratedStream(fixture.vertx.getOrCreateContext(), SIZE), SIZE);
        assertEquals(expectedCrc(), readHuge(c));
        sent.await();
        core.sendMessageToClient(id, Buffer.buffer("done")).await();
        assertEquals("done", c.readText());
      }
      core.node().stop().await();
    }
  }
}
