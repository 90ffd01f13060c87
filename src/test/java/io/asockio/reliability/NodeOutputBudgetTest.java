package io.asockio.reliability;

import io.asockio.api.Asockio;
import io.asockio.api.ClientConnection;
import io.asockio.api.SendException;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The node-wide output budget ({@code limits.maxNodeOutputBytes}): readers that do not read
 * take at most the budget together (plus one message each), sends past it are refused with
 * {@code OUTPUT_FULL} (nobody is closed), and the budget comes back as they read or leave.
 */
class NodeOutputBudgetTest {

  static final String HOST = "127.0.0.1";
  static final int BUDGET = 4 * 1024 * 1024;
  static final int MESSAGE = 256 * 1024;

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  // Sends until the first refusal; returns the messages that went.
  static int sendUntilRefused(ClientConnection connection, List<SendException> refusals) throws Exception {
    for (int sent = 0; sent < 10_000; sent++) {
      try {
        connection.send(Buffer.buffer(new byte[MESSAGE])).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        refusals.add((SendException) e.getCause());
        return sent;
      }
    }
    return fail("never refused");
  }

  @Test
  void slowReadersTogetherHoldAtMostTheBudgetAndGetItBackAsTheyRead() throws Exception {
    HostileInputTest.Connections handler = new HostileInputTest.Connections();
    // Each connection alone could queue 64 MiB; together they may queue 4 MiB.
    Asockio node = fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0))
        .withLimits(Limits.DEFAULTS.withMaxQueuedOutputBytes(64L << 20).withMaxNodeOutputBytes(BUDGET)), handler);
    List<FrameClient> readers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        readers.add(FrameClient.named(HOST, node.port("tcp"), "slow-" + i));
      }
      List<ClientConnection> connections = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String name = "slow-" + i;
        connections.add(Await.value(name + " connected", () -> handler.byName.get(name)));
      }
      List<SendException> refusals = new ArrayList<>();
      int[] sent = new int[3];
      for (int i = 0; i < 3; i++) {
        sent[i] = sendUntilRefused(connections.get(i), refusals);
      }
      assertEquals(3, refusals.size());
      for (SendException refusal : refusals) {
        assertEquals(SendException.Reason.OUTPUT_FULL, refusal.reason());
        assertTrue(refusal.getMessage().contains("limits.maxNodeOutputBytes (" + BUDGET + ")"), refusal.getMessage());
      }
      long queued = 0;
      for (ClientConnection c : connections) {
        queued += Await.onContext(c.context(), c::queuedOutputBytes);
      }
      // The budget, plus at most one message on each connection whose queue was empty when it was sent.
      assertTrue(queued <= BUDGET + 3 * (MESSAGE + 1024), queued + " bytes queued on a node whose budget is " + BUDGET);
      assertTrue(node.counters().getOrDefault("output.node budget full", 0L) >= 3);

      // One reader leaves: its share comes back, and another's sends go again.
      readers.get(0).close();
      Await.until("slow-0's share is given back", () -> {
        try {
          return connections.get(1).send(Buffer.buffer(new byte[MESSAGE])).toCompletionStage().toCompletableFuture()
              .handle((v, e) -> e == null).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          return false;
        }
      });
      sent[1]++;
      // The others read everything that was sent: every frame whole, nobody closed for the budget.
      for (int i = 1; i < 3; i++) {
        for (int m = 0; m < sent[i]; m++) {
          assertEquals(MESSAGE, readers.get(i).readFrame().length, "slow-" + i + " message " + m);
        }
      }
      assertTrue(connections.get(1).isOpen() && connections.get(2).isOpen());
      // Drained: the budget is whole again.
      Await.until("a full budget's worth goes again", () -> {
        List<SendException> again = new ArrayList<>();
        try {
          int n = sendUntilRefused(connections.get(2), again);
          for (int m = 0; m < n; m++) {
            readers.get(2).readFrame();
          }
          return (long) n * MESSAGE >= BUDGET / 2;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      for (FrameClient reader : readers) {
        reader.close();
      }
    }
  }
}
