package io.asockio.reliability;

import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.config.Limits;
import io.asockio.testing.ChildJvm;
import io.asockio.testing.FloodProcessor;
import io.asockio.testing.FrameClient;
import io.asockio.testing.WholeEchoProcessor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server with little direct memory, and peers whose partial messages add up to more than
 * it has: the held-input budget makes them wait instead of letting the memory run out under
 * everybody's reads. Each case runs in a JVM of its own with {@code -XX:MaxDirectMemorySize},
 * serving a {@link WholeEchoProcessor}.
 */
class MemoryPressureIT {

  static final String HOST = "127.0.0.1";
  static final int PIECE = 64 * 1024;
  // Blocking peers, each on a thread of its own (a waiting connection is not read, so its writer blocks).
  static final ExecutorService PEERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "memory-pressure-peer");
    t.setDaemon(true);
    return t;
  });

  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return probe.getLocalPort();
    }
  }

  static ChildJvm server(Limits limits, int port, String directMemory) throws Exception {
    return server(limits, port, directMemory, WholeEchoProcessor.class.getName());
  }

  static ChildJvm server(Limits limits, int port, String directMemory, String processor) throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "mem");
    Path conf = work.resolve("mem.json");
    AsockioConfig config = AsockioConfig.of(GateConfig.tcp("tcp", HOST, port).withProcessor(processor))
        .withLimits(limits);
    Files.writeString(conf, config.toJson().encode());
    ChildJvm server = ChildJvm.startMain(work, Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxDirectMemorySize=" + directMemory),
        ChildJvm.testClassPath(), "io.asockio.Main", conf.toString());
    server.awaitLine("asockio: ready", Duration.ofSeconds(60));
    return server;
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  // Header and the first `upTo` bytes in 64 KiB pieces.
  static CompletableFuture<Void> sendPart(FrameClient client, byte[] message, int upTo) {
    return CompletableFuture.runAsync(() -> {
      try {
        client.write(FrameClient.header(message.length));
        for (int at = 0; at < upTo; at += PIECE) {
          client.write(Arrays.copyOfRange(message, at, Math.min(upTo, at + PIECE)));
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, PEERS);
  }

  static CompletableFuture<byte[]> finish(FrameClient client, byte[] message, int from) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        client.write(Arrays.copyOfRange(message, from, message.length));
        return client.readFrame();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, PEERS);
  }

  // An ordinary client: 20 messages of 1 KiB and 200 KiB, each answered.
  static void innocentIsServed(int port) throws IOException {
    try (FrameClient innocent = FrameClient.named(HOST, port, "innocent")) {
      for (int i = 0; i < 20; i++) {
        byte[] message = random(i % 2 == 0 ? 1024 : 200 * 1024, 100 + i);
        innocent.sendFrame(message);
        assertArrayEquals(message, innocent.readFrame(), "message " + i + " of the innocent client");
      }
    }
  }

  @Test
  void partialMessagesBeyondTheDirectMemoryWaitAndNobodyIsReset() throws Exception {
    int port = freePort();
    int holders = 6;
    int size = 12 << 20;
    int sentFirst = 11 << 20;
    // 64 MiB of direct memory and a budget of 16 MiB: one 12 MiB message is read at a time,
    // while the six holders together would pin 66 MiB.
    Limits limits = Limits.DEFAULTS.withMaxMessageSize(16 << 20).withMaxHeldInputBytes(16 << 20);
    try (ChildJvm server = server(limits, port, "64m")) {
      List<FrameClient> peers = new ArrayList<>();
      List<byte[]> messages = new ArrayList<>();
      List<CompletableFuture<Void>> parts = new ArrayList<>();
      try {
        for (int i = 0; i < holders; i++) {
          FrameClient holder = FrameClient.named(HOST, port, "holder" + i);
          peers.add(holder);
          messages.add(random(size, i));
          parts.add(sendPart(holder, messages.get(i), sentFirst));
        }
        // Whatever the holders do, ordinary clients are read and answered.
        innocentIsServed(port);
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        for (int i = 0; i < holders; i++) {
          int holder = i;
          echoes.add(parts.get(i).thenCompose(v -> finish(peers.get(holder), messages.get(holder), sentFirst)));
        }
        for (int i = 0; i < holders; i++) {
          assertArrayEquals(messages.get(i), echoes.get(i).get(120, TimeUnit.SECONDS), "holder " + i + " got its echo");
        }
      } finally {
        for (FrameClient peer : peers) {
          peer.close();
        }
      }
      String output = server.output();
      assertFalse(output.contains("out of memory"), output);
      assertFalse(output.contains("OutOfDirectMemoryError"), output);
    }
  }

  @Test
  void readersThatDoNotReadCannotTakeTheMemoryOfEveryoneElse() throws Exception {
    int port = freePort();
    int flooders = 6;
    // 64 MiB of direct memory; each connection may queue 16 MiB (the default), six of them 96 MiB.
    // The node's output budget (default: 3/8 of it, 24 MiB) refuses sends past it instead.
    try (ChildJvm server = server(Limits.DEFAULTS, port, "64m", FloodProcessor.class.getName())) {
      List<FrameClient> peers = new ArrayList<>();
      try {
        for (int i = 0; i < flooders; i++) {
          FrameClient flooder = FrameClient.named(HOST, port, "flooder" + i);
          peers.add(flooder);
          flooder.sendFrame("flood"); // and never read
          server.awaitLine("flood to flooder" + i + ": \\d+ MiB queued, then refused", Duration.ofSeconds(60));
        }
        innocentIsServed(port);
      } finally {
        for (FrameClient peer : peers) {
          peer.close();
        }
      }
      String output = server.output();
      assertFalse(output.contains("out of memory"), output);
      assertFalse(output.contains("OutOfDirectMemoryError"), output);
    }
  }

  @Test
  void whenTheBudgetIsSetPastTheMemoryThereIsTheConnectionThatRanOutIsClosedAndLogged() throws Exception {
    int port = freePort();
    try (ChildJvm server = server(Limits.DEFAULTS.withMaxHeldInputBytes(1L << 30), port, "16m")) {
      byte[] message = random(32 << 20, 7);
      try (FrameClient greedy = FrameClient.named(HOST, port, "greedy")) {
        CompletableFuture<Void> sent = sendPart(greedy, message, message.length);
        assertTrue(greedy.awaitClosed(), "the connection whose read ran out of memory is closed");
        sent.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
      }
      server.awaitLine("closing .*greedy.*: out of memory", Duration.ofSeconds(30));
      // The memory came back with it: the server serves the next client.
      try (FrameClient next = FrameClient.named(HOST, port, "next")) {
        next.sendFrame("still here");
        assertEquals("still here", next.readText());
      }
    }
  }
}
