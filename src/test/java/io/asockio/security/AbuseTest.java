package io.asockio.security;

import io.asockio.api.Asockio;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.GateLimits;
import io.asockio.config.Limits;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits that hold under abuse, and the server keeps serving the others. */
class AbuseTest {

  static final String HOST = "127.0.0.1";
  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  static GateConfig echo(GateLimits limits) {
    return GateConfig.tcp("tcp", HOST, 0).withProcessor(EchoProcessor.class.getName()).withLimits(limits);
  }

  static void closeAll(List<FrameClient> clients) {
    for (FrameClient c : clients) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Test
  void aThousandSilentConnectionsTimeOutWhileANamedClientIsServedAtOnce() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo(GateLimits.DEFAULTS.withMaxPendingHandshakes(2000).withMaxPendingHandshakesPerAddress(0)))
        .withLimits(Limits.DEFAULTS.withHandshakeTimeoutMs(3000)));
    int port = node.port("tcp");
    List<FrameClient> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 1000; i++) {
        silent.add(FrameClient.tcp(HOST, port));
      }
      // While all of them hang in their handshake, a real client is served right away.
      try (FrameClient named = FrameClient.named(HOST, port, "real")) {
        named.sendFrame("served");
        assertEquals("served", named.readText());
      }
      for (FrameClient c : silent) {
        assertEquals("ERR handshake timeout", c.readText());
        assertTrue(c.awaitClosed());
      }
    } finally {
      closeAll(silent);
    }
    assertEquals(1000L, node.counters().get("refused.handshake timeout"));
    Await.until("nothing left pending", () -> node.clients().isEmpty());
  }

  @Test
  void connectionLimitsPerGateAndPerAddressRefuseAtOnce() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo(GateLimits.DEFAULTS.withMaxConnections(5).withMaxConnectionsPerAddress(3))));
    int port = node.port("tcp");
    List<FrameClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(FrameClient.named(HOST, port, "c" + i));
      }
      try (FrameClient fourth = FrameClient.tcp(HOST, port)) {
        assertEquals("ERR too many connections from this address", fourth.readText());
      }
      // Another loopback address is another source: 127.0.0.2 gets its own three.
      for (int i = 3; i < 5; i++) {
        FrameClient c = FrameClient.tcpFrom("127.0.0.2", HOST, port);
        c.handshake("c" + i);
        held.add(c);
      }
      try (FrameClient sixth = FrameClient.tcpFrom("127.0.0.2", HOST, port)) {
        assertEquals("ERR too many connections", sixth.readText());
      }
      held.remove(0).close();
      Await.until("a slot freed", () -> node.client("c0") == null);
      try (FrameClient again = FrameClient.named(HOST, port, "again")) {
        again.sendFrame("in");
        assertEquals("in", again.readText());
      }
    } finally {
      closeAll(held);
    }
    assertEquals(1L, node.counters().get("refused.too many connections from this address"));
    assertEquals(1L, node.counters().get("refused.too many connections"));
  }

  @Test
  void pendingHandshakesAreBounded() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo(GateLimits.DEFAULTS.withMaxPendingHandshakes(10)))
        .withLimits(Limits.DEFAULTS.withHandshakeTimeoutMs(2000)));
    int port = node.port("tcp");
    List<FrameClient> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        silent.add(FrameClient.tcp(HOST, port));
      }
      Await.until("ten pending", () -> node.counters().getOrDefault("opened", 0L) == 0L);
      try (FrameClient eleventh = FrameClient.tcp(HOST, port)) {
        assertEquals("ERR too many pending handshakes", eleventh.readText());
      }
      for (FrameClient c : silent) {
        assertEquals("ERR handshake timeout", c.readText());
      }
      try (FrameClient after = FrameClient.named(HOST, port, "after")) {
        after.sendFrame("ok");
        assertEquals("ok", after.readText());
      }
    } finally {
      closeAll(silent);
    }
  }

  @Test
  void aConnectFloodBeyondTheAcceptRateIsRefusedAndConnectedClientsGoOn() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo(GateLimits.DEFAULTS.withAcceptRatePerSecond(20))));
    int port = node.port("tcp");
    try (FrameClient established = FrameClient.named(HOST, port, "established")) {
      int refused = 0;
      List<FrameClient> flood = new ArrayList<>();
      try {
        for (int i = 0; i < 200; i++) {
          FrameClient c = FrameClient.tcp(HOST, port);
          flood.add(c);
          if (i % 20 == 0) {
            established.sendFrame("still there " + i);
            assertEquals("still there " + i, established.readText());
          }
        }
        for (FrameClient c : flood) {
          c.sendFrame("x");
          String answer;
          try {
            answer = c.readText();
          } catch (IOException closed) {
            answer = "closed";
          }
          if (answer.equals("ERR too many new connections")) {
            refused++;
          }
        }
      } finally {
        closeAll(flood);
      }
      assertTrue(refused > 0, "the flood went over the rate");
      assertTrue(refused < 200, "the bucket let a burst through");
      assertEquals((long) refused, node.counters().get("refused.too many new connections"));
    }
  }

  @Test
  void idleConnectionsAreClosedWhenTheGateSaysSo() throws Exception {
    Asockio node = fixture.start(AsockioConfig.of(echo(GateLimits.DEFAULTS.withIdleTimeoutMs(300))).withClients("sleepy"));
    int port = node.port("tcp");
    try (FrameClient sleepy = FrameClient.named(HOST, port, "sleepy")) {
      sleepy.sendFrame("then nothing");
      assertEquals("then nothing", sleepy.readText());
      assertTrue(sleepy.awaitClosed(), "closed after being idle");
    }
    Await.until("counted", () -> node.counters().getOrDefault("closed.idle timeout", 0L) >= 1L);
    Await.until("released", () -> !node.client("sleepy").connected());
  }
}
