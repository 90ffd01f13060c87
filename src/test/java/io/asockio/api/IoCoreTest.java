package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NumberedMessages;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain-code style: ioIteration's five sets, reading, lazy sends, closing, raw switch. */
class IoCoreTest {

  static final String HOST = "127.0.0.1";
  Vertx vertx;
  IoCore core;
  int port;

  @BeforeEach
  void setUp() {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  @AfterEach
  void tearDown() {
    if (core != null) {
      core.node().stop().await();
    }
    vertx.close().await();
  }

  void start(Limits limits) {
    core = IoCore.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)).withLimits(limits)).await();
    port = core.node().port("tcp");
  }

  /** Accumulated sets over iterations until {@code done} holds (each call waits at most 200 ms). */
  static final class Seen {
    final Set<Long> expected = new HashSet<>();
    final Set<Long> unknown = new HashSet<>();
    final Set<Long> lost = new HashSet<>();
    final Set<Long> data = new HashSet<>();
    final Set<Long> drained = new HashSet<>();
  }

  Seen iterateUntil(String what, Predicate<Seen> done) throws InterruptedException {
    Seen seen = new Seen();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.test(seen)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      IoIterationResult r = core.ioIteration(Duration.ofMillis(200));
      seen.expected.addAll(r.newlyConnectedExpectedClients());
      seen.unknown.addAll(r.newlyConnectedUnknownClients());
      seen.lost.addAll(r.clientsWithDisconnectedConnection());
      seen.data.addAll(r.clientsHaveDataToRead());
      seen.drained.addAll(r.clientsWithEmptyOutputFifo());
    }
    return seen;
  }

  static List<String> texts(List<Buffer> buffers) {
    List<String> out = new ArrayList<>();
    buffers.forEach(b -> out.add(b.toString(StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void everySetFiresWhenItShould() throws Exception {
    start(Limits.DEFAULTS);
    long alice = core.addClient("alice");
    assertTrue(core.ioIteration(Duration.ofMillis(1)).isEmpty(), "declaring a name is not a connection");

    FrameClient a = FrameClient.named(HOST, port, "alice");
    Seen seen = iterateUntil("alice connected", s -> s.expected.contains(alice));
    assertTrue(seen.unknown.isEmpty());

    try (FrameClient bob = FrameClient.named(HOST, port, "bob")) {
      long bobId = core.clientId("bob");
      seen = iterateUntil("bob connected as unknown", s -> s.unknown.contains(bobId));
      assertTrue(seen.expected.isEmpty());

      a.sendFrame("one");
      a.sendFrame("two");
      List<String> got = new ArrayList<>();
      iterateUntil("alice's data", s -> {
        if (s.data.contains(alice)) {
          got.addAll(texts(core.readMessages(alice)));
        }
        return got.size() == 2;
      });
      assertEquals(List.of("one", "two"), got);

      core.sendMessageToClient(alice, Buffer.buffer("to alice")).await();
      iterateUntil("alice's output drained", s -> s.drained.contains(alice));
      assertEquals("to alice", a.readText());

      // Messages stay readable after a disconnect, until the client is removed.
      a.sendFrame("last words");
      a.close();
      seen = iterateUntil("alice lost", s -> s.lost.contains(alice));
      assertEquals(List.of("last words"), texts(core.readMessages(alice)));

      // Reconnecting keeps the id and fires "connected" again.
      FrameClient again = FrameClient.named(HOST, port, "alice");
      iterateUntil("alice reconnected", s -> s.expected.contains(alice));
      assertEquals(alice, core.clientId("alice"));

      // An API call between iterations shows up too: removing closes the connection.
      again.sendFrame("unread");
      Await.until("unread message arrived", () -> core.unreadCount(alice) == 1);
      assertTrue(core.removeClient(alice));
      seen = iterateUntil("removed alice lost", s -> s.lost.contains(alice));
      assertTrue(again.awaitClosed());
      assertEquals(List.of(), core.readMessages(alice), "a removed client's messages are gone");
      again.close();
    }
  }

  @Test
  void ioIterationOnAnEventLoopIsAClearError() throws Exception {
    start(Limits.DEFAULTS);
    Promise<Throwable> thrown = Promise.promise();
    vertx.runOnContext(v -> {
      try {
        core.ioIteration(Duration.ofMillis(1));
        thrown.complete(null);
      } catch (Throwable t) {
        thrown.complete(t);
      }
    });
    Throwable t = thrown.future().await();
    assertTrue(t instanceof IllegalStateException, String.valueOf(t));
    assertTrue(t.getMessage().contains("never from an event loop"));
  }

  @Test
  void ioIterationReturnsEmptyAfterItsTimeoutWhenNothingHappens() throws Exception {
    start(Limits.DEFAULTS);
    assertTrue(core.ioIteration(Duration.ofMillis(50)).isEmpty());
  }

  /**
   * The poller is woken once per event-loop turn rather than per event: a call waiting far
   * longer than the test may run must still return for a connection, and for a burst of
   * messages from several clients, every message must be readable.
   */
  @Test
  void aWaitingIterationWakesForEventsRaisedOnTheEventLoop() throws Exception {
    start(Limits.DEFAULTS);
    java.util.concurrent.ExecutorService poller = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<IoIterationResult> waiting = poller.submit(() -> core.ioIteration(Duration.ofHours(1)));
      try (FrameClient a = FrameClient.named(HOST, port, "early-bird")) {
        IoIterationResult r = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(Set.of(core.clientId("early-bird")), r.newlyConnectedUnknownClients());

        List<FrameClient> senders = new ArrayList<>();
        try {
          for (int i = 0; i < 4; i++) {
            senders.add(FrameClient.named(HOST, port, "burst-" + i));
          }
          for (int n = 0; n < 25; n++) {
            for (FrameClient sender : senders) {
              sender.sendFrame("m" + n);
            }
          }
          Map<Long, List<String>> got = new java.util.HashMap<>();
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (got.values().stream().mapToInt(List::size).sum() < 100) {
            assertTrue(System.nanoTime() < deadline, "timed out; read so far: " + got);
            IoIterationResult next = poller.submit(() -> core.ioIteration(Duration.ofHours(1)))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
            for (long id : next.clientsHaveDataToRead()) {
              got.computeIfAbsent(id, k -> new ArrayList<>()).addAll(texts(core.readMessages(id)));
            }
          }
          List<String> inOrder = new ArrayList<>();
          for (int n = 0; n < 25; n++) {
            inOrder.add("m" + n);
          }
          for (int i = 0; i < 4; i++) {
            assertEquals(inOrder, got.get(core.clientId("burst-" + i)), "messages of burst-" + i);
          }
        } finally {
          for (FrameClient sender : senders) {
            sender.close();
          }
        }
      }
    } finally {
      poller.shutdownNow();
    }
  }

  @Test
  void aMillionMessageGeneratorIsSentInOrderWithBoundedMemory() throws Exception {
    start(Limits.DEFAULTS);
    try (Socket socket = new Socket()) {
      // A fixed receive buffer: the kernel would otherwise let the reader lag by up to tcp_rmem's maximum.
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress(HOST, port), FrameClient.READ_TIMEOUT_MS);
      socket.setSoTimeout(FrameClient.READ_TIMEOUT_MS);
      // The reader's stream buffer (64 KiB) lags too.
      long allowance = NumberedMessages.inFlightAllowance(8 + 64, socket.getReceiveBufferSize() + (1 << 16));
      int total = (int) Math.max(1_000_000, 4 * allowance);
      NumberedMessages messages = new NumberedMessages(total, 64);
      Iterable<Buffer> generator = () -> messages;
      socket.getOutputStream().write(FrameClient.frame("sink"));
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      assertEquals("OK", new String(readFrame(in), StandardCharsets.US_ASCII));
      long id = core.clientId("sink");
      var done = core.sendMessagesToClient(id, generator);
      for (int i = 0; i < total; i++) {
        byte[] payload = readFrame(in);
        assertEquals(i, ByteBuffer.wrap(payload).getInt(), "message order");
        messages.received();
      }
      done.await();
      assertEquals(total, messages.produced());
      // Socket buffers and the write queue hold a few MiB at most: far from what was sent.
      assertTrue(messages.maxInFlight() <= allowance,
          messages.maxInFlight() + " messages were in flight, more than the buffers' " + allowance);
    }
  }

  static byte[] readFrame(DataInputStream in) throws IOException {
    byte[] header = new byte[8];
    in.readFully(header);
    long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return payload;
  }

  @Test
  void closeAfterFlushSendsEverythingThenReallyCloses() throws Exception {
    start(Limits.DEFAULTS);
    core.addClient("carol"); // declared: its record outlives the connection, so the refusal below is NOT_CONNECTED
    try (FrameClient c = FrameClient.named(HOST, port, "carol")) {
      long id = core.clientId("carol");
      List<Buffer> many = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        many.add(Buffer.buffer("m" + i));
      }
      core.sendMessagesToClient(id, many);
      core.closeAfterFlush(id);
      Throwable refused = assertThrows(Throwable.class, () -> core.sendMessageToClient(id, Buffer.buffer("late")).await());
      assertTrue(String.valueOf(refused).contains("not connected"), "sends after closeAfterFlush are refused: " + refused);
      for (int i = 0; i < 1000; i++) {
        assertEquals("m" + i, c.readText());
      }
      assertTrue(c.awaitClosed(), "closed once the output was flushed");
      iterateUntil("carol lost", s -> s.lost.contains(id));
    }
  }

  @Test
  void closeNowDropsTheOutputNotYetWritten() throws Exception {
    start(Limits.DEFAULTS.withMaxQueuedOutputBytes(Long.MAX_VALUE));
    try (FrameClient c = FrameClient.named(HOST, port, "dave")) {
      long id = core.clientId("dave");
      Buffer big = Buffer.buffer(new byte[1 << 20]);
      for (int i = 0; i < 64; i++) { // 64 MiB: far more than the kernel buffers while nobody reads
        core.sendMessageToClient(id, big).await();
      }
      core.closeNow(id);
      iterateUntil("dave lost", s -> s.lost.contains(id));
      long read = 0;
      while (true) {
        byte[] chunk;
        try {
          chunk = c.readSome(1 << 16);
        } catch (IOException reset) {
          break;
        }
        if (chunk.length == 0) {
          break;
        }
        read += chunk.length;
      }
      assertTrue(read < 64L << 20, "only part of the output arrived: " + read);
    }
  }

  @Test
  void switchingToRawAfterTheHandshakeCarriesBytesAsTheyAre() throws Exception {
    start(Limits.DEFAULTS);
    try (FrameClient c = FrameClient.named(HOST, port, "tunnel")) {
      long id = core.clientId("tunnel");
      c.sendFrame("go raw");
      Await.until("request arrived", () -> core.unreadCount(id) == 1);
      assertEquals(List.of("go raw"), texts(core.readMessages(id)));
      core.switchToRaw(id);
      core.sendMessageToClient(id, Buffer.buffer("HTTP/1.1 200 OK\r\n\r\n")).await();
      assertEquals("HTTP/1.1 200 OK\r\n\r\n", new String(c.readExactly(19), StandardCharsets.US_ASCII));
      c.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      StringBuilder raw = new StringBuilder();
      Await.until("raw bytes arrived", () -> {
        texts(core.readMessages(id)).forEach(raw::append);
        return raw.length() >= 18;
      });
      assertEquals("GET / HTTP/1.1\r\n\r\n", raw.toString());
    }
  }

  @Test
  void unreadMessagesPauseTheSocketInsteadOfGrowingMemory() throws Exception {
    long limit = 256 * 1024;
    start(Limits.DEFAULTS.withMaxUnreadBytes(limit));
    try (FrameClient c = FrameClient.named(HOST, port, "flood")) {
      long id = core.clientId("flood");
      int messages = 2000;
      byte[] payload = new byte[16 * 1024]; // 32 MiB in all
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < messages; i++) {
            payload[0] = (byte) i;
            c.sendFrame(payload);
          }
        } catch (IOException ignored) {
          // the test fails on the count below
        }
      }, "flood-writer");
      writer.start();
      // Nobody reads: the node must stop reading once 'limit' bytes wait.
      Await.until("the inbox filled up", () -> core.unreadCount(id) * (long) payload.length >= limit);
      long maxUnread = 0;
      int got = 0;
      while (got < messages) {
        maxUnread = Math.max(maxUnread, core.unreadCount(id) * (long) (payload.length + 0));
        List<Buffer> batch = core.readMessages(id);
        for (Buffer b : batch) {
          assertEquals((byte) got, b.getByte(0), "order");
          got++;
        }
        if (batch.isEmpty()) {
          core.ioIteration(Duration.ofMillis(50));
        }
      }
      writer.join(20_000);
      // One read may overshoot by what the socket had buffered (at most a few messages).
      assertTrue(maxUnread <= limit + 64 * payload.length, "unread bytes stayed bounded: " + maxUnread);
    }
  }
}
