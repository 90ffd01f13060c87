package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.TlsConfig;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NumberedMessages;
import io.asockio.testing.TestCerts;
import io.asockio.testing.UdpPeer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain-code style with the plain gates' I/O on the polling thread
 * ({@link IoCore#startOnThisThread}): the test thread is the poller, so every blocking client
 * runs on another thread while the test thread iterates.
 */
class IoCoreOnThisThreadTest {

  static final String HOST = "127.0.0.1";
  Vertx vertx;
  IoCore core;
  boolean closed;
  final ExecutorService clients = Executors.newCachedThreadPool();
  final Set<Long> connected = new HashSet<>();
  final Set<Long> lost = new HashSet<>();
  final Set<Long> readable = new HashSet<>();
  final Set<Long> drained = new HashSet<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  @AfterEach
  void tearDown() {
    if (core != null && !closed) {
      core.close();
    }
    clients.shutdownNow();
    vertx.close().await();
  }

  void start(GateConfig... gates) throws Exception {
    core = IoCore.startOnThisThread(vertx, AsockioConfig.of(gates));
  }

  void iterate() throws InterruptedException {
    IoIterationResult r = core.ioIteration(Duration.ofMillis(50));
    connected.addAll(r.newlyConnectedExpectedClients());
    connected.addAll(r.newlyConnectedUnknownClients());
    lost.addAll(r.clientsWithDisconnectedConnection());
    readable.addAll(r.clientsHaveDataToRead());
    drained.addAll(r.clientsWithEmptyOutputFifo());
  }

  /** Runs {@code work} on another thread while this one iterates, and returns its result. */
  <T> T whileIterating(String what, Callable<T> work) throws Exception {
    Future<T> done = clients.submit(work);
    iterateUntil(what, done::isDone);
    return done.get();
  }

  void iterateUntil(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Await.DEFAULT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      iterate();
    }
  }

  /** Iterates until the client sent a message, takes it and answers it with its upper case. */
  void answerOne(long id) throws InterruptedException {
    iterateUntil("a message from client " + id, () -> core.unreadCount(id) > 0);
    for (Buffer message : core.readMessages(id)) {
      core.sendMessageToClient(id, Buffer.buffer(message.toString(StandardCharsets.UTF_8).toUpperCase()));
    }
  }

  @Test
  void namedClientsOverTcpAndUnixAreServedInsideIoIteration(@TempDir Path dir) throws Exception {
    Path unixPath = dir.resolve("plain.sock");
    start(GateConfig.tcp("tcp", HOST, 0), GateConfig.unix("unix", unixPath.toString()));
    int port = core.node().port("tcp");
    long alice = core.addClient("alice");

    FrameClient a = whileIterating("alice's handshake", () -> FrameClient.named(HOST, port, "alice"));
    FrameClient u = whileIterating("the Unix client's connection", () -> {
      FrameClient c = FrameClient.unix(unixPath);
      c.handshake("uma");
      c.sendFrame("over unix");
      return c;
    });
    try (a; u) {
      iterateUntil("both connected", () -> connected.size() == 2);
      assertTrue(connected.contains(alice));
      long unixClient = core.clientId("uma");
      assertTrue(connected.contains(unixClient));
      assertEquals(ClientKind.UNEXPECTED, core.client(unixClient).kind());

      Future<String> aliceAnswer = clients.submit(() -> {
        a.sendFrame("hello");
        return a.readText();
      });
      answerOne(alice);
      answerOne(unixClient);
      iterateUntil("alice's answer", aliceAnswer::isDone);
      assertEquals("HELLO", aliceAnswer.get());
      assertEquals("OVER UNIX", whileIterating("the Unix client's answer", u::readText));

      // A send by name from the polling thread goes out at once (it owns the socket).
      core.sendMessageToClient("alice", Buffer.buffer("by name")).onComplete(ar -> { });
      assertEquals("by name", whileIterating("the message by name", a::readText));

      a.close();
      iterateUntil("alice lost", () -> lost.contains(alice));
    }
  }

  /**
   * Turned off, the empty-output report skips the connections opened afterwards; those opened
   * before keep it. Both connections live on this thread's loop, which runs its tasks in order:
   * had the first send's connection been reported, it would have been before the second's.
   */
  @Test
  void aLoopThatNeverAsksTurnsTheEmptyOutputReportOff() throws Exception {
    start(GateConfig.tcp("tcp", HOST, 0));
    int port = core.node().port("tcp");
    FrameClient before = whileIterating("the first handshake", () -> FrameClient.named(HOST, port, "told"));
    core.reportEmptyOutput(false);
    FrameClient after = whileIterating("the second handshake", () -> FrameClient.named(HOST, port, "untold"));
    try (before; after) {
      long told = core.clientId("told");
      long untold = core.clientId("untold");
      iterateUntil("both connected", () -> connected.containsAll(Set.of(told, untold)));
      for (int round = 0; round < 2; round++) { // the second round: no report of the handshakes is left
        drained.clear();
        core.sendMessageToClient(untold, Buffer.buffer("to untold " + round));
        core.sendMessageToClient(told, Buffer.buffer("to told " + round));
        iterateUntil("the told client's output drained", () -> drained.contains(told));
        assertFalse(drained.contains(untold), "a connection opened after turning the report off was reported");
        assertEquals("to untold " + round, whileIterating("the untold client's message", after::readText));
        assertEquals("to told " + round, whileIterating("the told client's message", before::readText));
      }
    }
  }

  @Test
  void aSendFromAnotherThreadGoesOutAtThePollersNextIteration() throws Exception {
    start(GateConfig.tcp("tcp", HOST, 0));
    int port = core.node().port("tcp");
    long bob = core.addClient("bob");
    try (FrameClient b = whileIterating("bob's handshake", () -> FrameClient.named(HOST, port, "bob"))) {
      String got = whileIterating("a send from another thread", () -> {
        core.sendMessageToClient(bob, Buffer.buffer("from elsewhere"));
        return b.readText();
      });
      assertEquals("from elsewhere", got);
    }
  }

  @Test
  void aMillionMessageGeneratorDrainsWhileThePollerIterates() throws Exception {
    start(GateConfig.tcp("tcp", HOST, 0));
    int port = core.node().port("tcp");
    FrameClient sink = whileIterating("the sink's handshake",
        () -> FrameClient.namedWithReceiveBuffer(HOST, port, "sink", 64 * 1024));
    // Enough messages that a sender pulling ahead of the socket could not hide in its buffers.
    long allowance = NumberedMessages.inFlightAllowance(8 + 16, sink.receiveBufferSize());
    int total = (int) Math.max(1_000_000, 4 * allowance);
    NumberedMessages generator = new NumberedMessages(total, 16);
    try (sink) {
      long id = core.clientId("sink");
      io.vertx.core.Future<Void> queued = core.sendMessagesToClient(id, generator);
      Future<Integer> reader = clients.submit(() -> {
        for (int i = 0; i < total; i++) {
          assertEquals(i, ByteBuffer.wrap(sink.readFrame()).getInt(), "message order");
          generator.received();
        }
        return total;
      });
      iterateUntil("every message read", reader::isDone);
      assertEquals(total, reader.get());
      assertTrue(queued.succeeded());
    }
    assertEquals(total, generator.produced());
    assertTrue(generator.maxInFlight() <= allowance,
        generator.maxInFlight() + " messages were in flight, more than the buffers' " + allowance);
  }

  @Test
  void aTlsGateHandshakesOnThePollingThread() throws Exception {
    TlsConfig tls = TlsConfig.serverPkcs12(Path.of(TestCerts.store("server")), TestCerts.PASSWORD);
    start(GateConfig.tcp("tls", HOST, 0).withTls(tls));
    int port = core.node().port("tls");
    FrameClient c = whileIterating("the TLS handshake", () -> {
      FrameClient client = FrameClient.tls("localhost", port, TestCerts.clientContext(null));
      client.handshake("tess");
      client.sendFrame("secret");
      return client;
    });
    try (c) {
      answerOne(core.clientId("tess"));
      assertEquals("SECRET", whileIterating("the answer over TLS", c::readText));
    }
  }

  /** A UDP gate keeps a Vert.x event loop: its events must wake a poller waiting in its own loop. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void eventsOfAGateOnAnotherEventLoopWakeAWaitingPoller() throws Exception {
    start(GateConfig.tcp("tcp", HOST, 0), GateConfig.udp("udp", HOST, 0));
    int udpPort = core.node().port("udp");
    Future<UdpPeer> peer = clients.submit(() -> UdpPeer.named(HOST, udpPort, "datagrams"));
    try {
      IoIterationResult r = core.ioIteration(Duration.ofHours(1)); // returns on the event, long before the test's timeout
      assertEquals(Set.of(core.clientId("datagrams")), r.newlyConnectedUnknownClients());
    } finally {
      peer.get(20, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void onlyTheStartingThreadPollsAndCloses() throws Exception {
    start(GateConfig.tcp("tcp", HOST, 0));
    Throwable poll = clients.submit(() -> assertThrows(IllegalStateException.class,
        () -> core.ioIteration(Duration.ofMillis(1)))).get(20, TimeUnit.SECONDS);
    assertTrue(poll.getMessage().contains("call ioIteration there"), poll.getMessage());
    Throwable close = clients.submit(() -> assertThrows(IllegalStateException.class, core::close)).get(20, TimeUnit.SECONDS);
    assertTrue(close.getMessage().contains("close it there"), close.getMessage());

    Promise<Throwable> onEventLoop = Promise.promise();
    vertx.runOnContext(v -> {
      try {
        IoCore.startOnThisThread(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)));
        onEventLoop.complete(null);
      } catch (Throwable t) {
        onEventLoop.complete(t);
      }
    });
    Throwable t = onEventLoop.future().await();
    assertTrue(t instanceof IllegalStateException && t.getMessage().contains("never from an event loop"), String.valueOf(t));
  }

  @Test
  void closeRunsTheStopToItsEndOnThePollingThread() throws Exception {
    start(GateConfig.tcp("tcp", HOST, 0));
    int port = core.node().port("tcp");
    FrameClient c = whileIterating("the handshake", () -> FrameClient.named(HOST, port, "carol"));
    try (c) {
      core.close();
      closed = true;
      assertTrue(c.awaitClosed(), "the connection ended with the node");
      assertThrows(ConnectException.class, () -> FrameClient.tcp(HOST, port).close(), "the gate stopped listening");
    }
  }

  @Test
  void aGateThatCannotListenFailsTheStartWithAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      Exception e = assertThrows(Exception.class, () -> IoCore.startOnThisThread(vertx,
          AsockioConfig.of(GateConfig.tcp("tcp", HOST, taken.getLocalPort()))));
      assertTrue(String.valueOf(e.getMessage()).contains("cannot listen"), String.valueOf(e));
    }
  }
}
