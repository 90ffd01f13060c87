package io.asockio.api;

import io.asockio.config.ConfigException;
import io.asockio.testing.FrameClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** asockio deployed the way Vert.x users deploy things, and undeployed or closed in every order. */
class AsockioVerticleTest {

  static final String VERTICLE = "io.asockio.api.AsockioVerticle";

  /** Every log line at WARNING or above, from Vert.x as from asockio. */
  final List<String> problems = new CopyOnWriteArrayList<>();
  /** asockio's own INFO lines. */
  final List<String> info = new CopyOnWriteArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel() == Level.INFO && record.getLoggerName().startsWith("io.asockio")) {
        info.add(record.getMessage());
      }
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        problems.add(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage()
            + (record.getThrown() == null ? "" : " " + record.getThrown()));
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  Vertx vertx;

  @BeforeEach
  void setUp() {
    Logger.getLogger("").addHandler(capture);
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  @AfterEach
  void tearDown() {
    if (vertx != null) {
      vertx.close().await();
    }
    Logger.getLogger("").removeHandler(capture);
  }

  static JsonObject config(String gate) {
    return new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", gate).put("port", 0)
        .put("processor", "io.asockio.demo.EchoProcessor")));
  }

  static void assertEchoes(int port, String name) throws Exception {
    try (FrameClient client = FrameClient.named("127.0.0.1", port, name)) {
      client.sendFrame("ping");
      assertEquals("ping", client.readText());
    }
  }

  @Test
  void deployedByNameItServesThenUndeploysCleanly() throws Exception {
    String id = vertx.deployVerticle(VERTICLE, new DeploymentOptions().setConfig(config("tcp"))).await();
    AsockioVerticle verticle = new AsockioVerticle();
    String second = vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config("other"))).await();
    int port = verticle.node().port("other");
    assertEchoes(port, "alice");
    vertx.undeploy(second).await();
    assertNull(verticle.node());
    assertThrows(ConnectException.class, () -> FrameClient.named("127.0.0.1", port, "bob").close(), "the gate is closed");
    vertx.undeploy(id).await();
    vertx.close().await();
    vertx = null;
    assertEquals(List.of(), problems);
    // One line when a node starts (its id, its gates and where they listen), one when it stops.
    assertTrue(info.stream().anyMatch(l -> l.matches("node local(-\\d+)? started: gates other on tcp 127\\.0\\.0\\.1:\\d+ \\(framed\\)")),
        String.valueOf(info));
    assertEquals(2, info.stream().filter(l -> l.matches("node local(-\\d+)? stopped")).count(), String.valueOf(info));
  }

  @Test
  void twoDeploymentsCoexistAndClosingVertxStopsBoth() throws Exception {
    AsockioVerticle a = new AsockioVerticle();
    AsockioVerticle b = new AsockioVerticle();
    vertx.deployVerticle(a, new DeploymentOptions().setConfig(config("a"))).await();
    vertx.deployVerticle(b, new DeploymentOptions().setConfig(config("b"))).await();
    assertEchoes(a.node().port("a"), "alice");
    assertEchoes(b.node().port("b"), "bob");
    assertTrue(!a.node().nodeId().equals(b.node().nodeId()), "two nodes, two ids");
    // A client of one node is reached by name from the bus whichever node's asockio.send gets the message.
    try (FrameClient carol = FrameClient.named("127.0.0.1", a.node().port("a"), "carol")) {
      io.asockio.testing.Await.until("carol listed", () -> a.node().directory().lookup("carol").await() != null);
      for (int i = 0; i < 4; i++) {
        vertx.eventBus().request(BusAddresses.SEND, "m" + i, new io.vertx.core.eventbus.DeliveryOptions().addHeader("to", "carol"))
            .await();
        assertEquals("m" + i, carol.readText());
      }
      // And by the other node's direct API.
      b.node().send("carol", io.vertx.core.buffer.Buffer.buffer("from b")).await();
      assertEquals("from b", carol.readText());
    }
    vertx.close().await();
    vertx = null;
    assertEquals(List.of(), problems);
  }

  @Test
  void aBadConfigFailsTheDeploymentNamingTheKey() {
    Throwable failure = assertThrows(Throwable.class, () -> vertx.deployVerticle(VERTICLE,
        new DeploymentOptions().setConfig(new JsonObject().put("gates", new JsonArray().add(new JsonObject().put("name", "t")
            .put("port", 70000))))).await());
    assertTrue(failure instanceof ConfigException, String.valueOf(failure));
    assertEquals("gates[0].port", ((ConfigException) failure).key());
    assertNotNull(vertx.deploymentIDs());
    assertTrue(vertx.deploymentIDs().isEmpty(), "nothing left deployed");
  }
}
