package io.asockio.impl.core;

import io.asockio.api.ClientConnection;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.InlineProcessor;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Who serves a new connection, without a node: first match wins, in the documented order. */
class HandlerRoutesTest {

  static final class Named extends InlineProcessor {
    final String label;

    Named(String label) {
      this.label = label;
    }

    @Override
    protected void onDataReceived(Buffer data) {
    }
  }

  /** Stands for a bus delivery to its address. */
  record Delivery(String address) implements ConnectionHandler {
    @Override
    public void onDataReceived(ClientConnection connection, Buffer data) {
    }
  }

  final Map<String, ConnectionHandler> deliveries = new HashMap<>();
  final HandlerRoutes routes = new HandlerRoutes(address -> deliveries.computeIfAbsent(address, Delivery::new));

  static String label(ConnectionHandler handler) {
    return handler instanceof Named n ? "processor " + n.label : handler instanceof Delivery d ? "delivery " + d.address() : "other";
  }

  @Test
  void theClientsOwnChoiceWinsThenTheGatesThenTheNodes() {
    ConnectionHandler node = (c, data) -> { };
    routes.nodeHandler(node);
    routes.processorClass("com.example.GateProcessor", () -> new Named("gate-config"));
    assertSame(node, routes.handlerFor("alice", "tcp", null), "nothing else: the node's handler");
    routes.gateDelivery("tcp", "gate.in");
    assertEquals("delivery gate.in", label(routes.handlerFor("alice", "tcp", null)));
    assertEquals("processor gate-config", label(routes.handlerFor("alice", "tcp", "com.example.GateProcessor")),
        "the gate's configured processor beats its delivery");
    routes.gateProcessor("tcp", () -> new Named("gate-api"));
    assertEquals("processor gate-api", label(routes.handlerFor("alice", "tcp", "com.example.GateProcessor")),
        "a processor attached by API beats the configured one");
    routes.clientDelivery("alice", "alice.in");
    assertEquals("delivery alice.in", label(routes.handlerFor("alice", "tcp", null)), "the client's delivery beats the gate");
    routes.clientProcessor("alice", () -> new Named("alice"));
    assertEquals("processor alice", label(routes.handlerFor("alice", "tcp", null)));
    assertEquals("processor gate-api", label(routes.handlerFor("bob", "tcp", null)), "other clients keep the gate's");
  }

  @Test
  void processorsAreNewPerConnectionDeliveriesAreShared() {
    routes.gateProcessor("tcp", () -> new Named("p"));
    routes.gateDelivery("raw", "raw.in");
    assertNotSame(routes.handlerFor("a", "tcp", null), routes.handlerFor("b", "tcp", null));
    assertSame(routes.handlerFor("a", "raw", null), routes.handlerFor("b", "raw", null));
  }

  @Test
  void withoutAnyoneMessagesAreDropped() {
    assertInstanceOf(ConnectionHandler.class, routes.handlerFor("x", "y", null));
    assertSame(HandlerRoutes.DROPPING, routes.handlerFor("x", "y", null));
  }
}
