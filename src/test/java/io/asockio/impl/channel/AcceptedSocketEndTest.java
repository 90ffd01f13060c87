package io.asockio.impl.channel;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.netty.channel.ChannelHandler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accepted socket's pipeline ends in {@link ChannelEnd} instead of Vert.x's handler (so
 * Vert.x's socket object is garbage), unless Vert.x meters connections; either way the node's
 * stop still ends the connection gracefully, as the node stopping.
 */
class AcceptedSocketEndTest {

  static final String HOST = "127.0.0.1";

  private Vertx vertx;
  private Asockio node;

  @AfterEach
  void close() {
    if (node != null) {
      node.stop().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @ParameterizedTest(name = "Vert.x metrics on: {0}")
  @ValueSource(booleans = {false, true})
  void theStopEndsAnAcceptedConnectionGracefullyWithOrWithoutVertxsHandler(boolean vertxMetrics) throws Exception {
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    if (vertxMetrics) {
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    }
    vertx = Vertx.builder().with(options).build();
    Map<String, CloseReason> lost = new ConcurrentHashMap<>();
    node = Asockio.start(vertx, AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0)), new ConnectionHandler() {
      @Override
      public void onDataReceived(ClientConnection connection, Buffer data) {
      }

      @Override
      public void onConnectionLost(ClientConnection connection, CloseReason reason) {
        lost.put(connection.name(), reason);
      }
    }).await();
    try (FrameClient client = FrameClient.named(HOST, node.port("tcp"), "alice")) {
      ChannelConnection connection = (ChannelConnection) node.connection("alice");
      ChannelHandler end = connection.channel.pipeline().last();
      assertEquals(vertxMetrics, vertx.isMetricsEnabled(), "Vert.x's metrics as configured");
      if (vertxMetrics) {
        assertFalse(end instanceof ChannelEnd, "Vert.x counts the connection's end in its own handler: it stays");
      } else {
        assertInstanceOf(ChannelEnd.class, end, "Vert.x's handler gave way: " + connection.channel.pipeline().names());
      }

      node.send("alice", Buffer.buffer("last words")).await();
      Asockio stopping = node;
      node = null;
      stopping.stop().await();
      assertEquals("last words", client.readText(), "what was queued before the stop still goes out");
      assertTrue(client.awaitClosed(), "then the connection ends");
      Await.until("the connection lost", () -> lost.containsKey("alice"));
      assertEquals(CloseCause.NODE_STOPPING, lost.get("alice").cause());
    }
  }
}
