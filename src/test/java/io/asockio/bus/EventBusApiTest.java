package io.asockio.bus;

import io.asockio.api.Asockio;
import io.asockio.api.BusAddresses;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.config.Policies;
import io.asockio.demo.EchoProcessor;
import io.asockio.impl.bus.BufferCodec;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Vert.x way on one node: the SharedData directory, events, sending by name, delivery to the bus. */
@ExtendWith(VertxExtension.class)
class EventBusApiTest {

  static final String HOST = "127.0.0.1";
  Asockio node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  static int failureCode(Future<?> f) {
    ReplyException e = replyFailure(f);
    return e == null ? 0 : e.failureCode();
  }

  /** How a bus request failed, or null when it succeeded. */
  static ReplyException replyFailure(Future<?> f) {
    Throwable t;
    try {
      f.await();
      return null;
    } catch (Throwable e) {
      t = e instanceof CompletionException ? e.getCause() : e;
    }
    assertTrue(t instanceof ReplyException, String.valueOf(t));
    return (ReplyException) t;
  }

  @Test
  void directoryAndEventsFollowConnectsDisconnectsRefusalsAndTakeovers(Vertx vertx) throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(BusAddresses.EVENTS, m -> events.add(m.body())).completion().await();
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName()))
        .withClients("alice").withPolicies(new Policies(Policies.Unexpected.REFUSE, Policies.Takeover.REPLACE))).await();
    int port = node.port("tcp");
    try (FrameClient first = FrameClient.named(HOST, port, "alice")) {
      JsonObject record = Await.value("alice in the directory", () -> node.directory().lookup("alice").await());
      assertEquals("expected", record.getString("kind"));
      assertEquals("tcp", record.getString("gate"));
      assertEquals(node.nodeId(), record.getString("node"));
      assertEquals(node.client("alice").id(), record.getLong("id"));
      try (FrameClient second = FrameClient.named(HOST, port, "alice")) {
        assertTrue(first.awaitClosed());
        Await.until("takeover event", () -> events.stream().anyMatch(e -> e.getString("type").equals("takeover")));
        JsonObject now = Await.value("record of the new connection", () -> {
          JsonObject r = node.directory().lookup("alice").await();
          return r != null && !r.getString("remote").equals(record.getString("remote")) ? r : null;
        });
        assertEquals(record.getLong("id"), now.getLong("id"), "the id moves to the new connection");
      }
    }
    try (FrameClient stranger = FrameClient.tcp(HOST, port)) {
      stranger.sendFrame("stranger");
      assertEquals("ERR unknown keyword", stranger.readText());
    }
    Await.until("directory empty", () -> node.directory().size().await() == 0);
    Await.until("refused event", () -> events.stream().anyMatch(e -> e.getString("type").equals("refused")
        && e.getString("reason").equals("unknown keyword")));
    // Events travel the bus apart from the directory's removals: wait for both alices' disconnects.
    Await.until("two disconnected events", () -> disconnects(events) >= 2);
    // Per connection, in order: connected before disconnected (with its cause).
    for (JsonObject e : events) {
      if (e.getString("type").equals("disconnected")) {
        int connectedAt = indexOf(events, "connected", e.getString("remote"));
        assertTrue(connectedAt >= 0 && connectedAt < events.indexOf(e), "connected comes first for " + e);
        assertTrue(e.getString("cause") != null);
      }
    }
    assertEquals(2, disconnects(events));
  }

  static long disconnects(List<JsonObject> events) {
    return events.stream().filter(e -> e.getString("type").equals("disconnected")).count();
  }

  @Test
  void aGateThatDoesNotAnnounceKeepsItsClientsOffTheBusAndOutOfTheDirectory(Vertx vertx) throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(BusAddresses.EVENTS, m -> events.add(m.body())).completion().await();
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("quiet", HOST, 0).withAnnounce(false),
        GateConfig.tcp("tcp", HOST, 0))).await();
    try (FrameClient hidden = FrameClient.named(HOST, node.port("quiet"), "hidden")) {
      // Open: the direct API and the node's own asockio.send reach it by name.
      node.send("hidden", Buffer.buffer("direct")).await();
      assertEquals("direct", hidden.readText());
      vertx.eventBus().request(BusAddresses.SEND, "via asockio.send", new DeliveryOptions().addHeader("to", "hidden")).await();
      assertEquals("via asockio.send", hidden.readText());
      ReplyException noConsumer = replyFailure(vertx.eventBus().request(BusAddresses.client("hidden"), "x"));
      assertEquals(ReplyFailure.NO_HANDLERS, noConsumer == null ? null : noConsumer.failureType(), "no consumer at its address");
      try (FrameClient shown = FrameClient.named(HOST, node.port("tcp"), "shown")) {
        // A client of the announcing gate, opened after the quiet one, gets its record and its event.
        Await.until("shown in the directory", () -> node.directory().lookup("shown").await() != null);
        Await.until("shown's connected event", () -> events.stream().anyMatch(e -> "shown".equals(e.getString("name"))));
        assertNull(node.directory().lookup("hidden").await());
        assertEquals(1, node.directory().size().await());
        vertx.eventBus().request(BusAddresses.client("shown"), "by its address").await();
        assertEquals("by its address", shown.readText());
      }
      Await.until("shown's disconnected event", () -> events.stream()
          .anyMatch(e -> "shown".equals(e.getString("name")) && e.getString("type").equals("disconnected")));
    }
    // The registry lets the name go before the close is counted: wait for the count itself.
    Await.until("both closes counted", () -> Long.valueOf(2).equals(node.counters().get("closed")));
    assertNull(node.connection("hidden"));
    assertEquals(2L, node.counters().get("opened"), "both counted");
    assertTrue(events.stream().noneMatch(e -> "hidden".equals(e.getString("name"))), "no event names hidden: " + events);
  }

  static int indexOf(List<JsonObject> events, String type, String remote) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).getString("type").equals(type) && remote.equals(events.get(i).getString("remote"))) {
        return i;
      }
    }
    return -1;
  }

  /** Sends 1000 numbered messages to a client by name, from its own verticle, without waiting in between. */
  static final class Sender extends VerticleBase {
    final String name;
    final int count;

    Sender(String name, int count) {
      this.name = name;
      this.count = count;
    }

    @Override
    public Future<?> start() {
      List<Future<?>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        replies.add(vertx.eventBus().request(BusAddresses.client(name), Buffer.buffer("n" + i),
            new DeliveryOptions().setCodecName(BufferCodec.NAME)));
      }
      return Future.all(replies);
    }
  }

  @Test
  void anyVerticleSendsByNameInOrderAndLearnsWhyNot(Vertx vertx) throws Exception {
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)).withClients("bob", "later")
        .withLimits(Limits.DEFAULTS.withOfflineQueueMessages(10).withOfflineQueueBytes(1 << 20))).await();
    try (FrameClient bob = FrameClient.named(HOST, node.port("tcp"), "bob")) {
      Await.until("bob's address registered", () -> node.directory().lookup("bob").await() != null);
      vertx.deployVerticle(new Sender("bob", 1000)).await();
      for (int i = 0; i < 1000; i++) {
        assertEquals("n" + i, bob.readText(), "order kept");
      }
      // Strings work too, and the node's own entry point reaches it as well.
      vertx.eventBus().request(BusAddresses.client("bob"), "text").await();
      assertEquals("text", bob.readText());
      vertx.eventBus().request(BusAddresses.SEND, "via asockio.send", new DeliveryOptions().addHeader("to", "bob")).await();
      assertEquals("via asockio.send", bob.readText());
    }
    assertEquals(BusAddresses.UNKNOWN_CLIENT, failureCode(vertx.eventBus().request(BusAddresses.SEND, "x",
        new DeliveryOptions().addHeader("to", "nobody"))));
    // Declared but not connected: queued (offline queue on), delivered when it connects.
    vertx.eventBus().request(BusAddresses.SEND, "kept for later", new DeliveryOptions().addHeader("to", "later")).await();
    try (FrameClient later = FrameClient.named(HOST, node.port("tcp"), "later")) {
      assertEquals("kept for later", later.readText());
    }
  }

  @Test
  void aNameThatIsNotConnectedIsRefusedWhenQueueingIsOff(Vertx vertx) throws Exception {
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)).withClients("absent")).await();
    assertEquals(BusAddresses.NOT_CONNECTED, failureCode(vertx.eventBus().request(BusAddresses.SEND, "x",
        new DeliveryOptions().addHeader("to", "absent"))));
    Throwable direct;
    try {
      vertx.eventBus().request(BusAddresses.client("absent"), "x").await();
      direct = null;
    } catch (Throwable t) {
      direct = t instanceof CompletionException ? t.getCause() : t;
    }
    assertTrue(direct instanceof ReplyException, "no consumer while not connected: " + direct);
  }

  @Test
  void messagesOfAClientGoToABusAddressWithBackPressure(Vertx vertx) throws Exception {
    int window = 8;
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withDeliverTo("app.in"))
        .withLimits(Limits.DEFAULTS.withBusDeliveryWindow(window))).await();
    ConcurrentLinkedQueue<Message<Buffer>> unanswered = new ConcurrentLinkedQueue<>();
    List<String> received = new CopyOnWriteArrayList<>();
    AtomicInteger maxOutstanding = new AtomicInteger();
    vertx.eventBus().<Buffer>consumer("app.in", m -> {
      received.add(m.headers().get(BusAddresses.HEADER_CLIENT) + ":" + m.body());
      unanswered.add(m);
      maxOutstanding.accumulateAndGet(unanswered.size(), Math::max);
    }).completion().await();
    int total = 200;
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "producer")) {
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < total; i++) {
            c.sendFrame("m" + i);
          }
        } catch (java.io.IOException ignored) {
          // the count below tells
        }
      });
      writer.start();
      // The consumer answers nothing: delivery stops at the window.
      Await.until("the window filled", () -> unanswered.size() == window);
      int frozen = received.size();
      // Answer slowly, one at a time: never more than the window outstanding.
      while (received.size() < total) {
        Message<Buffer> m = unanswered.poll();
        if (m != null) {
          vertx.runOnContext(v -> m.reply(null));
        }
        int before = received.size();
        Await.until("progress", () -> received.size() > before || !unanswered.isEmpty() || received.size() == total);
      }
      writer.join(10_000);
      assertTrue(frozen <= window + 1, "delivery paused at the window: " + frozen);
    }
    assertTrue(maxOutstanding.get() <= window, "outstanding stayed within the window: " + maxOutstanding.get());
    for (int i = 0; i < total; i++) {
      assertEquals("producer:m" + i, received.get(i), "in order, with the client's name");
    }
  }

  @Test
  void noRecordIsLeftAfterAThousandConnectDisconnectCycles(Vertx vertx) throws Exception {
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName()))
        .withClients("steady")).await();
    int port = node.port("tcp");
    for (int i = 0; i < 1000; i++) {
      try (FrameClient c = FrameClient.named(HOST, port, i % 2 == 0 ? "steady" : "churn-" + i)) {
        c.sendFrame("x");
        assertEquals("x", c.readText());
      }
    }
    Await.until("directory empty", () -> node.directory().size().await() == 0);
    Await.until("only the declared name is known", () -> node.clients().size() == 1);
  }

  @Test
  void aLongMessageReachesTheBusAsOrderedChunksThenItsEnd(Vertx vertx) throws Exception {
    node = Asockio.startWith(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withDeliverTo("app.big")),
        n -> n.streamDeliveriesAbove("app.big", 1024)).await();
    List<String> log = new CopyOnWriteArrayList<>();
    Buffer assembled = Buffer.buffer();
    vertx.eventBus().<Buffer>consumer("app.big", m -> {
      if (m.headers().contains(BusAddresses.HEADER_STREAM_END)) {
        log.add("end " + m.headers().get(BusAddresses.HEADER_STREAM_END) + " " + assembled.length());
      } else if (m.headers().contains(BusAddresses.HEADER_STREAM)) {
        if (log.isEmpty() || !log.get(log.size() - 1).startsWith("chunks")) {
          log.add("chunks of " + m.headers().get(BusAddresses.HEADER_STREAM_LENGTH));
        }
        assembled.appendBuffer(m.body());
      } else {
        log.add("message " + m.body());
      }
      m.reply(null);
    }).completion().await();
    byte[] big = new byte[200_000];
    new java.util.Random(3).nextBytes(big);
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "uploader")) {
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      burst.write(FrameClient.frame(big));
      burst.write(FrameClient.frame("after"));
      c.write(burst.toByteArray());
      Await.until("all delivered", () -> log.size() == 3);
    }
    assertEquals(List.of("chunks of 200000", "end true 200000", "message after"), log);
    assertTrue(java.util.Arrays.equals(big, assembled.getBytes()));
  }

  @Test
  void aGracefulStopWithdrawsTheRecordsFirst(Vertx vertx) throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(BusAddresses.EVENTS, m -> events.add(m.body())).completion().await();
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName())))
        .await();
    try (FrameClient c = FrameClient.named(HOST, node.port("tcp"), "leaving")) {
      Await.until("listed", () -> node.directory().lookup("leaving").await() != null);
      node.stop().await();
      node = null;
      assertEquals(0, io.asockio.api.ClientDirectory.of(vertx).size().await(), "no record survives the stop");
      Await.until("stop event", () -> events.stream().anyMatch(e -> "disconnected".equals(e.getString("type"))
          && "node stopping".equals(e.getString("cause"))));
      assertTrue(c.awaitClosed());
    }
  }

  @Test
  void theBufferCodecDoesNotCopyLocallyAndRoundTripsOnTheWire() {
    BufferCodec codec = new BufferCodec();
    Buffer b = Buffer.buffer("payload");
    assertSame(b, codec.transform(b));
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, b);
    assertEquals("payload", codec.decodeFromWire(6, wire).toString());
  }
}
