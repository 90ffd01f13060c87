package io.asockio.reliability;

import io.asockio.api.Asockio;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.asockio.testing.WholeEchoProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The node-wide budget for partial messages: whoever would pass it waits; nobody is closed for it. */
class HeldInputBudgetOverSocketsTest {

  static final String HOST = "127.0.0.1";
  static final int BUDGET = 1024 * 1024;
  static final int HALF_A_MESSAGE = 1000;

  static final ExecutorService PEERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "budget-peer");
    t.setDaemon(true);
    return t;
  });

  @RegisterExtension
  final NodeFixture fixture = new NodeFixture();

  Asockio echoNode(long budget) {
    return fixture.start(AsockioConfig.of(GateConfig.tcp("tcp", HOST, 0).withProcessor(WholeEchoProcessor.class.getName()))
        .withLimits(Limits.DEFAULTS.withMaxHeldInputBytes(budget)));
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  // Sends the rest of a message whose header and first bytes went already, then reads its echo.
  static CompletableFuture<byte[]> finish(FrameClient client, byte[] message) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        client.write(Arrays.copyOfRange(message, HALF_A_MESSAGE, message.length));
        return client.readFrame();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, PEERS);
  }

  @Test
  void theSecondLargePartialMessageWaitsWhileSmallMessagesFlowAndBothComplete() throws Exception {
    Asockio node = echoNode(BUDGET);
    int port = node.port("tcp");
    byte[] first = random(800 * 1024, 1);
    byte[] second = random(800 * 1024, 2);
    try (FrameClient a = FrameClient.named(HOST, port, "a");
         FrameClient b = FrameClient.named(HOST, port, "b");
         FrameClient innocent = FrameClient.named(HOST, port, "innocent")) {
      a.write(FrameClient.header(first.length));
      a.write(Arrays.copyOf(first, HALF_A_MESSAGE));
      b.write(FrameClient.header(second.length));
      b.write(Arrays.copyOf(second, HALF_A_MESSAGE));
      Await.until("one of the two waits for memory", () -> node.counters().getOrDefault("input.waited for memory", 0L) == 1);

      // Whole messages need no budget: a third client is served while one waits.
      for (int i = 0; i < 100; i++) {
        byte[] small = random(1024, 100 + i);
        innocent.sendFrame(small);
        assertArrayEquals(small, innocent.readFrame());
      }

      CompletableFuture<byte[]> echoA = finish(a, first);
      CompletableFuture<byte[]> echoB = finish(b, second);
      assertArrayEquals(first, echoA.get(30, TimeUnit.SECONDS));
      assertArrayEquals(second, echoB.get(30, TimeUnit.SECONDS));
    }
    assertEquals(1L, node.counters().getOrDefault("input.waited for memory", 0L));
    assertEquals(0L, node.counters().getOrDefault("closed.out of memory", 0L));
    Await.until("every client closed cleanly", () -> node.counters().getOrDefault("closed.closed by peer", 0L) == 3);
  }

  @Test
  void aMessageLargerThanTheBudgetGoesThroughAlone() throws Exception {
    Asockio node = echoNode(64 * 1024);
    byte[] big = random(300 * 1024, 3);
    try (FrameClient client = FrameClient.named(HOST, node.port("tcp"), "big")) {
      client.write(FrameClient.header(big.length));
      client.write(Arrays.copyOf(big, HALF_A_MESSAGE));
      assertArrayEquals(big, finish(client, big).get(30, TimeUnit.SECONDS));
    }
    assertEquals(0L, node.counters().getOrDefault("input.waited for memory", 0L));
  }
}
