package io.asockio.gate;

import io.asockio.api.MessageStream;
import io.asockio.api.Asockio;
import io.asockio.api.InlineProcessor;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.LinkConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.GeneratedStream;
import io.asockio.testing.NodeFixture;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages over the threshold arrive and leave as streams, in order, with back-pressure. */
class StreamingTest {

  static final String HOST = "127.0.0.1";
  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static byte[] generated(long from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = GeneratedStream.byteAt(from + i);
    }
    return b;
  }

  /** Records a stream's chunks (checksummed) and what came around it. */
  static final class StreamRecorder extends InlineProcessor {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static final AtomicLong MAX_UNDELIVERED = new AtomicLong();

    @Override
    public long streamThreshold() {
      return 1024;
    }

    @Override
    protected void onDataReceived(Buffer data) {
      EVENTS.add("message " + data.toString());
    }

    @Override
    protected void onMessageStream(MessageStream stream) {
      EVENTS.add("stream " + Long.toUnsignedString(stream.length()));
      CRC32 crc = new CRC32();
      long[] bytes = new long[1];
      stream.handler(chunk -> {
        bytes[0] += chunk.length();
        crc.update(chunk.getBytes());
        MAX_UNDELIVERED.accumulateAndGet(stream.receivedBytes() - stream.bytesDelivered(), Math::max);
      });
      stream.endHandler(v -> EVENTS.add("end " + bytes[0] + " crc " + crc.getValue()));
      stream.exceptionHandler(err -> EVENTS.add("error " + err.getMessage()));
    }
  }

  @Test
  void aLongMessageArrivesAsAStreamAndTheNextMessageOnlyAfterItsEnd() throws Exception {
    StreamRecorder.EVENTS.clear();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
    node.gateProcessor("tcp", StreamRecorder::new);
    int size = 1 << 20;
    byte[] payload = generated(0, size);
    CRC32 expected = new CRC32();
    expected.update(payload);
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "big")) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      burst.write(FrameClient.frame("before"));
      burst.write(FrameClient.frame(payload));
      burst.write(FrameClient.frame("after"));
      burst.write(FrameClient.frame("small but over 1 KiB ".repeat(60)));
      c.write(burst.toByteArray());
      Await.until("all events", () -> StreamRecorder.EVENTS.size() == 6);
    }
    assertEquals(List.of("message before", "stream " + size, "end " + size + " crc " + expected.getValue(), "message after",
        "stream 1260", "end 1260 crc " + crc("small but over 1 KiB ".repeat(60).getBytes())), StreamRecorder.EVENTS);
  }

  static long crc(byte[] bytes) {
    CRC32 c = new CRC32();
    c.update(bytes);
    return c.getValue();
  }

  /** Takes one chunk at a time, only when the test says so. */
  static final class SlowConsumer extends InlineProcessor {
    static final AtomicReference<MessageStream> STREAM = new AtomicReference<>();
    static final AtomicLong DELIVERED = new AtomicLong();
    static final AtomicLong MAX_AHEAD = new AtomicLong();
    static final AtomicReference<String> ENDED = new AtomicReference<>();

    @Override
    public long streamThreshold() {
      return 0;
    }

    @Override
    protected void onDataReceived(Buffer data) {
    }

    @Override
    protected void onMessageStream(MessageStream stream) {
      stream.pause();
      stream.handler(chunk -> {
        DELIVERED.addAndGet(chunk.length());
        MAX_AHEAD.accumulateAndGet(stream.receivedBytes() - stream.bytesDelivered(), Math::max);
      });
      stream.endHandler(v -> ENDED.set("end"));
      stream.exceptionHandler(err -> ENDED.set(err.getMessage()));
      STREAM.set(stream);
    }
  }

  @Test
  void aStreamWithoutDemandStopsReadingAndOtherConnectionsGoOn() throws Exception {
    SlowConsumer.STREAM.set(null);
    SlowConsumer.DELIVERED.set(0);
    SlowConsumer.MAX_AHEAD.set(0);
    SlowConsumer.ENDED.set(null);
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)).withClients("slow"));
    node.clientProcessor("slow", SlowConsumer::new);
    node.gateProcessor("tcp", EchoProcessor::new);
    int port = node.port("tcp");
    long size = 24L << 20; // far more than socket buffers hold
    try (FrameClient slow = FrameClient.named(HOST, port, "slow"); FrameClient other = FrameClient.named(HOST, port, "other")) {
      Thread writer = new Thread(() -> {
        try {
          slow.write(FrameClient.header(size));
          for (long pos = 0; pos < size; pos += 1 << 20) {
            slow.write(generated(pos, 1 << 20));
          }
        } catch (IOException ignored) {
          // the assertions tell
        }
      }, "slow-writer");
      writer.setDaemon(true);
      writer.start();
      MessageStream stream = Await.value("stream started", SlowConsumer.STREAM::get);
      Context loop = stream.connection().context();
      // Meanwhile another client on the same server is answered at once, again and again.
      for (int i = 0; i < 50; i++) {
        other.sendFrame("ping " + i);
        assertEquals("ping " + i, other.readText());
      }
      // Pull the whole message one chunk at a time.
      while (SlowConsumer.ENDED.get() == null) {
        long before = SlowConsumer.DELIVERED.get();
        loop.runOnContext(v -> stream.fetch(1));
        Await.until("one more chunk or the end", () -> SlowConsumer.DELIVERED.get() > before || SlowConsumer.ENDED.get() != null);
      }
      assertEquals("end", SlowConsumer.ENDED.get());
      assertEquals(size, SlowConsumer.DELIVERED.get());
      assertTrue(SlowConsumer.MAX_AHEAD.get() <= 1 << 20,
          "received but undelivered bytes stayed bounded: " + SlowConsumer.MAX_AHEAD.get());
    }
  }

  @Test
  void aPeerThatLeavesMidStreamEndsTheStreamWithAnError() throws Exception {
    StreamRecorder.EVENTS.clear();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
    node.gateProcessor("tcp", StreamRecorder::new);
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "quitter")) {
      c.write(FrameClient.header(10_000));
      c.write(generated(0, 3000));
      Await.until("stream started", () -> StreamRecorder.EVENTS.contains("stream 10000"));
    }
    Await.until("stream failed", () -> StreamRecorder.EVENTS.stream().anyMatch(e -> e.startsWith("error")));
    String error = StreamRecorder.EVENTS.stream().filter(e -> e.startsWith("error")).findFirst().orElseThrow();
    assertTrue(error.contains("connection lost") && error.contains("of 10000 bytes"), error);
  }

  @Test
  void theDemoEchoStreamsLongMessagesBackChecksummed() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName())));
    long size = 32L << 20;
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "echo")) {
      Thread writer = new Thread(() -> {
        try {
          c.write(FrameClient.header(size));
          for (long pos = 0; pos < size; pos += 1 << 20) {
            c.write(generated(pos, 1 << 20));
          }
          c.sendFrame("behind it");
        } catch (IOException ignored) {
          // the reader fails
        }
      }, "echo-writer");
      writer.setDaemon(true);
      writer.start();
      assertEquals(size, java.nio.ByteBuffer.wrap(c.readExactly(8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
      for (long pos = 0; pos < size; pos += 1 << 20) {
        byte[] got = c.readExactly(1 << 20);
        assertTrue(java.util.Arrays.equals(generated(pos, 1 << 20), got), "bytes at " + pos);
      }
      assertEquals("behind it", c.readText());
    }
  }

  @Test
  void aSourceThatEndsShortOrRunsOverFailsTheSendAndClosesTheConnection() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
    int port = node.port("tcp");
    for (long actual : new long[] {100_000, 300_000}) {
      String name = "victim-" + actual;
      try (FrameClient c = FrameClient.named(HOST, port, name)) {
        Await.until("connected", () -> node.client(name) != null && node.client(name).connected());
        Context context = fixture.vertx.getOrCreateContext();
        Throwable failure = null;
        try {
          node.sendStream(name, new GeneratedStream(context, actual), 200_000).await();
        } catch (Throwable t) {
          failure = t;
        }
        assertTrue(failure != null && String.valueOf(failure).contains("connection closed"), String.valueOf(failure));
        assertTrue(String.valueOf(failure).contains(actual < 200_000 ? "ended after 100000 of 200000" : "ran over"),
            String.valueOf(failure));
        byte[] header = c.readExactly(8);
        assertEquals(200_000L, java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        long read = 0;
        while (true) {
          byte[] some;
          try {
            some = c.readSome(65536);
          } catch (IOException reset) {
            break;
          }
          if (some.length == 0) {
            break;
          }
          read += some.length;
        }
        assertTrue(read <= 200_000, "never more than the declared length: " + read);
      }
    }
  }

  @Test
  void aLinkSendsAndReceivesStreamedMessages() throws Exception {
    Asockio server = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName())));
    try (NodeFixture clientSide = new NodeFixture()) {
      CRC32 received = new CRC32();
      AtomicLong total = new AtomicLong();
      AtomicReference<String> done = new AtomicReference<>();
      Asockio client = clientSide.start(AsockioConfig.of());
      client.gateProcessor("upstream", () -> new InlineProcessor() {
        @Override
        public long streamThreshold() {
          return 4096;
        }

        @Override
        protected void onDataReceived(Buffer data) {
        }

        @Override
        protected void onMessageStream(MessageStream stream) {
          stream.handler(chunk -> {
            received.update(chunk.getBytes());
            total.addAndGet(chunk.length());
          });
          stream.endHandler(v -> done.set("end"));
          stream.exceptionHandler(err -> done.set(err.getMessage()));
        }
      });
      client.link(LinkConfig.tcp("upstream", HOST, server.port("tcp"))).firstOutcome().await();
      long size = 8L << 20;
      client.sendStream("upstream", new GeneratedStream(clientSide.vertx.getOrCreateContext(), size), size).await();
      Await.until("echoed stream received", () -> done.get() != null);
      assertEquals("end", done.get());
      assertEquals(size, total.get());
      CRC32 expected = new CRC32();
      for (long pos = 0; pos < size; pos += 1 << 20) {
        expected.update(generated(pos, 1 << 20));
      }
      assertEquals(expected.getValue(), received.getValue());
    }
  }
}
