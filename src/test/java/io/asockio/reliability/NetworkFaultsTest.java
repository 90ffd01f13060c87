package io.asockio.reliability;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.Link;
import io.asockio.api.MessageStream;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.GateLimits;
import io.asockio.config.Limits;
import io.asockio.config.LinkConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FaultProxy;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.asockio.testing.WholeEchoProcessor;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link FaultProxy} between asockio and its peers, and between two linked nodes: what gets
 * through arrives byte for byte; what is cut fails with the documented cause and gives back
 * what it held; links come back.
 */
class NetworkFaultsTest {

  static final String HOST = "127.0.0.1";

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();
  @RegisterExtension
  final NodeFixture linkingFixture = new NodeFixture();

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void slicedDelayedAndThrottledTrafficArrivesByteForByte() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(
        GateConfig.tcp("whole", HOST, 0).withProcessor(WholeEchoProcessor.class.getName()),
        GateConfig.tcp("stream", HOST, 0).withProcessor(EchoProcessor.class.getName())));
    try (FaultProxy oneByte = new FaultProxy(HOST, node.port("whole"));
         FaultProxy slow = new FaultProxy(HOST, node.port("stream"))) {
      // Every byte its own segment both ways, headers included, plus a delay on the way back.
      oneByte.upstream.sliceBytes(1);
      oneByte.downstream.sliceBytes(1).delayMs(1);
      try (FrameClient client = FrameClient.named(HOST, oneByte.port(), "sliced")) {
        for (int i = 0; i < 30; i++) {
          byte[] message = random(i * 37 % 700, i);
          client.sendFrame(message);
          assertArrayEquals(message, client.readFrame(), "message " + i);
        }
      }
      // A streamed message (over EchoProcessor's 1 MiB threshold) in 1 KiB writes at 16 MB/s.
      slow.upstream.sliceBytes(1024).bytesPerSecond(16_000_000);
      slow.downstream.sliceBytes(1500);
      try (FrameClient client = FrameClient.named(HOST, slow.port(), "throttled")) {
        byte[] big = random(3 * 1024 * 1024 + 5, 99);
        client.sendFrame(big);
        assertArrayEquals(big, client.readFrame());
      }
    }
    assertEquals(1L, node.counters().get("streams.received"));
  }

  /** Records streams and losses. */
  static final class StreamRecorder implements ConnectionHandler {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onDataReceived(ClientConnection connection, Buffer data) {
      events.add("message " + data.length());
    }

    @Override
    public long streamThreshold() {
      return 64 * 1024;
    }

    @Override
    public void onMessageStream(ClientConnection connection, MessageStream stream) {
      stream.handler(chunk -> { });
      stream.endHandler(v -> events.add("end"));
      stream.exceptionHandler(err -> events.add("stream failed: " + err.getMessage()));
    }

    @Override
    public void onConnectionLost(ClientConnection connection, CloseReason reason) {
      events.add("lost " + connection.name() + " " + reason.cause());
    }
  }

  @Test
  void aCutMidFrameFailsTheStreamWithItsCountAndGivesBackTheBudget() throws Exception {
    StreamRecorder handler = new StreamRecorder();
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0))
        .withLimits(Limits.DEFAULTS.withMaxHeldInputBytes(1024 * 1024)), handler);
    byte[] keyword = FrameClient.frame("cut");
    try (FaultProxy proxy = new FaultProxy(HOST, node.port("tcp"))) {
      // A streamed message cut after 100,000 of its 1,000,000 bytes.
      proxy.upstream.cutAfterBytes(keyword.length + 8 + 100_000);
      try (FrameClient client = FrameClient.tcp(HOST, proxy.port())) {
        client.write(keyword);
        assertEquals("OK", client.readText());
        client.write(FrameClient.header(1_000_000));
        client.write(random(300_000, 1));
      } catch (java.io.IOException expected) {
        // the proxy reset us
      }
      Await.until("the stream failed", () -> handler.events.stream().anyMatch(e -> e.startsWith("stream failed")));
      String failure = handler.events.stream().filter(e -> e.startsWith("stream failed")).findFirst().orElseThrow();
      assertTrue(failure.contains("connection lost") && failure.endsWith("after 100000 of 1000000 bytes"), failure);
      Await.until("the loss is told", () -> handler.events.stream().anyMatch(e -> e.startsWith("lost cut")));

      // A buffered message (under the threshold) cut half-way: never delivered, and its claim on
      // the 1 MiB budget is given back, so the next one of the same size does not wait.
      proxy.upstream.cutAfterBytes(keyword.length + 8 + 30_000);
      try (FrameClient client = FrameClient.tcp(HOST, proxy.port())) {
        client.write(keyword);
        assertEquals("OK", client.readText());
        client.write(FrameClient.header(60_000));
        client.write(random(50_000, 2));
      } catch (java.io.IOException expected) {
        // the proxy reset us
      }
      Await.until("the second loss is told", () -> handler.events.stream().filter(e -> e.startsWith("lost cut")).count() == 2);
      assertTrue(handler.events.stream().noneMatch(e -> e.startsWith("message")), "no partial message is delivered: " + handler.events);
    }
    for (String e : handler.events) {
      if (e.startsWith("lost")) {
        CloseCause cause = CloseCause.valueOf(e.substring(e.lastIndexOf(' ') + 1));
        assertTrue(cause == CloseCause.PEER_CLOSED || cause == CloseCause.SOCKET_ERROR, e);
      }
    }
  }

  @Test
  void aBudgetClaimIsGivenBackWhenItsConnectionIsCut() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(WholeEchoProcessor.class.getName()))
        .withLimits(Limits.DEFAULTS.withMaxHeldInputBytes(1024 * 1024)));
    byte[] keyword = FrameClient.frame("holder");
    try (FaultProxy proxy = new FaultProxy(HOST, node.port("tcp"))) {
      proxy.upstream.cutAfterBytes(keyword.length + 8 + 500_000);
      try (FrameClient client = FrameClient.tcp(HOST, proxy.port())) {
        client.write(keyword);
        assertEquals("OK", client.readText());
        client.write(FrameClient.header(900_000));
        client.write(random(600_000, 3));
      } catch (java.io.IOException expected) {
        // the proxy reset us
      }
      Await.until("the cut holder is gone", () -> node.clients().isEmpty());
    }
    byte[] next = random(900_000, 4);
    try (FrameClient client = FrameClient.named(HOST, node.port("tcp"), "next")) {
      client.write(FrameClient.header(next.length));
      client.write(Arrays.copyOf(next, 1000));
      client.write(Arrays.copyOfRange(next, 1000, next.length));
      assertArrayEquals(next, client.readFrame());
    }
    assertEquals(0L, node.counters().getOrDefault("input.waited for memory", 0L), "the cut claim was given back");
  }

  @Test
  void aHalfOpenPathIsClosedByTheIdleTimeout() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)
        .withProcessor(WholeEchoProcessor.class.getName()).withLimits(GateLimits.DEFAULTS.withIdleTimeoutMs(300))));
    try (FaultProxy proxy = new FaultProxy(HOST, node.port("tcp"));
         FrameClient client = FrameClient.named(HOST, proxy.port(), "stuck")) {
      client.sendFrame("before");
      assertEquals("before", client.readText());
      proxy.upstream.stalled(true);
      proxy.downstream.stalled(true);
      client.sendFrame("lost in the network"); // held by the stalled path
      Await.until("the server closed the silent connection", () -> node.counters().getOrDefault("closed.idle timeout", 0L) == 1);
      assertTrue(node.clients().isEmpty());
    }
  }

  @Test
  void aLinkThroughCutsReconnectsAndWhatGetsThroughIsExact() throws Exception {
    Asockio up = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(WholeEchoProcessor.class.getName())));
    ConcurrentLinkedQueue<byte[]> echoes = new ConcurrentLinkedQueue<>();
    Asockio down = linkingFixture.start(AsockioConfig.of(GateConfig.tcp("local", HOST, 0)),
        (connection, data) -> echoes.add(data.getBytes()));
    try (FaultProxy proxy = new FaultProxy(HOST, up.port("tcp"))) {
      proxy.upstream.sliceBytes(3);
      Link link = down.link(LinkConfig.tcp("upstream", HOST, proxy.port()).withKeyword("edge")
          .withReconnect(new LinkConfig.Reconnect(true, 20, 200, 2.0, 0.2)));
      link.firstOutcome().await();

      List<byte[]> sent = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        echoes.clear();
        sent.clear();
        for (int i = 0; i < 20; i++) {
          byte[] message = random(1 + (i * 211) % 5000, round * 100L + i);
          sent.add(message);
          down.send("upstream", Buffer.buffer(message)).await();
        }
        Await.until("round " + round + " echoed", () -> echoes.size() == sent.size());
        List<byte[]> got = new ArrayList<>(echoes);
        for (int i = 0; i < sent.size(); i++) {
          assertArrayEquals(sent.get(i), got.get(i), "round " + round + " message " + i);
        }
        int before = proxy.accepted();
        if (round == 0) {
          proxy.cutAll();
        } else {
          // Cut in the middle of a 200 KB message on its way up.
          proxy.upstream.cutAfterBytes(100_000);
          down.send("upstream", Buffer.buffer(random(200_000, 7)));
        }
        Await.until("the link dialled again", () -> proxy.accepted() > before && link.status() == Link.Status.OPEN
            && up.client("edge") != null && up.client("edge").connected());
      }
      assertTrue(proxy.cuts() >= 3, "cuts: " + proxy.cuts());
    }
  }
}
