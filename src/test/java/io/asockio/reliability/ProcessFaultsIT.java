package io.asockio.reliability;

import io.asockio.api.Asockio;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.ChildJvm;
import io.asockio.testing.EchoLoad;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Processes that die or are told to stop while clients are busy. */
class ProcessFaultsIT {

  static final String HOST = "127.0.0.1";
  static final Duration START = Duration.ofSeconds(60);

  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return probe.getLocalPort();
    }
  }

  static Path config(GateConfig gate) throws IOException {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "pf");
    Files.writeString(work.resolve("node.json"), new JsonObject().put("gates", new JsonArray().add(gate.toJson())).encode());
    return work;
  }

  static void awaitRoundTrips(EchoLoad load, long atLeast) {
    Await.until(atLeast + " round trips", () -> load.total() >= atLeast, Duration.ofSeconds(60));
  }

  @Test
  void killingOneOfTwoReusePortProcessesUnderLoadLeavesTheOthersClientsUntouched() throws Exception {
    int port = freePort();
    GateConfig gate = GateConfig.tcp("tcp", HOST, port).withReusePort(true).withProcessor(EchoProcessor.class.getName());
    Path work = config(gate);
    try (ChildJvm doomed = ChildJvm.startJar(work, Map.of(), work.resolve("node.json").toString());
         NodeFixture fixture = new NodeFixture()) {
      doomed.awaitLine("asockio: ready \\(epoll\\)", START);
      Asockio survivor = fixture.start(AsockioConfig.of(gate));
      List<String> names = new ArrayList<>();
      List<FrameClient> clients = new ArrayList<>();
      // The kernel spreads connections over both listeners; enough clients land on each.
      int onSurvivor = 0;
      for (int i = 0; i < 200 && (clients.size() < 20 || onSurvivor < 5 || onSurvivor > clients.size() - 5); i++) {
        String name = "c" + i;
        FrameClient client = FrameClient.named(HOST, port, name);
        names.add(name);
        clients.add(client);
        if (survivor.client(name) != null) {
          onSurvivor++;
        }
      }
      List<Boolean> servedBySurvivor = new ArrayList<>();
      for (String name : names) {
        servedBySurvivor.add(survivor.client(name) != null);
      }
      try (EchoLoad load = new EchoLoad(names, clients, 8 * 1024, 1_000_000)) {
        awaitRoundTrips(load, 2_000);
        doomed.process().destroyForcibly(); // kill -9: no goodbye
        doomed.process().waitFor();
        long atKill = load.total();
        awaitRoundTrips(load, atKill + 2_000);
        load.close();
        System.out.printf("kill -9 of one reusePort process: %d clients (%d on the survivor), %d round trips before the kill,"
            + " %d after%n", names.size(), servedBySurvivor.stream().filter(b -> b).count(), atKill, load.total() - atKill);
        for (int i = 0; i < names.size(); i++) {
          EchoLoad.Peer peer = load.peers().get(i);
          if (servedBySurvivor.get(i)) {
            assertNull(peer.failure(), peer.name + " on the survivor: " + peer.failure());
          } else {
            assertNotNull(peer.failure(), peer.name + " was on the killed process: its connection ended");
            assertTrue(peer.failure() instanceof IOException, peer.name + ": " + peer.failure());
          }
        }
      } finally {
        for (FrameClient c : clients) {
          c.close();
        }
      }
      // New clients all reach the survivor.
      for (int i = 0; i < 50; i++) {
        try (FrameClient late = FrameClient.named(HOST, port, "late" + i)) {
          late.sendFrame("still served");
          assertEquals("still served", late.readText());
        }
      }
    }
  }

  @Test
  void sigtermUnderLoadExitsCleanlyAndNoFrameIsLeftHalfWritten() throws Exception {
    int port = freePort();
    Path work = config(GateConfig.tcp("tcp", HOST, port).withProcessor(EchoProcessor.class.getName()));
    try (ChildJvm server = ChildJvm.startJar(work, Map.of(), work.resolve("node.json").toString())) {
      server.awaitLine("asockio: ready", START);
      List<String> names = new ArrayList<>();
      List<FrameClient> clients = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        names.add("busy" + i);
        clients.add(FrameClient.named(HOST, port, "busy" + i));
      }
      // A client that asks for a lot and does not read yet: at SIGTERM the server holds output for it
      // beyond what the kernel buffers take, which must still reach it, whole, before the close.
      FrameClient slow = FrameClient.named(HOST, port, "slow");
      clients.add(slow);
      List<byte[]> asked = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        byte[] message = new byte[900 * 1024];
        new java.util.Random(i).nextBytes(message);
        asked.add(message);
      }
      // 21 MB: more than the kernel buffers hold, so the server queues output (and pauses reading
      // the slow client once limits.maxQueuedOutputBytes is queued); the writer waits in the background.
      Thread writer = new Thread(() -> {
        try {
          for (byte[] message : asked) {
            slow.sendFrame(message);
          }
        } catch (IOException ended) {
          // the server stopped reading us and closed
        }
      }, "slow-writer");
      writer.setDaemon(true);
      writer.start();
      try (EchoLoad load = new EchoLoad(names, clients.subList(0, names.size()), 256 * 1024, 1_000_000)) {
        awaitRoundTrips(load, 500);
        server.terminate();
        int whole = 0;
        try {
          for (byte[] expected : asked) {
            assertArrayEquals(expected, slow.readFrame(), "echo " + whole + " of the slow client");
            whole++;
          }
        } catch (EOFException end) {
          assertEquals("closed after 0 of 8 bytes", end.getMessage(), "the slow client's output ended between frames");
        }
        assertTrue(whole > 0, "the slow client got what was queued for it");
        System.out.printf("SIGTERM under load: the slow client got %d whole echoes of 900 KiB after the signal%n", whole);
        writer.join(30_000);
        assertEquals(0, server.awaitExit(Duration.ofSeconds(30)), server.output());
        load.close();
        int betweenFrames = 0;
        for (EchoLoad.Peer peer : load.peers()) {
          // Every echo that came was whole and exact (EchoLoad checks); the connection then ended
          // between two frames: an EOF before the next header, never inside a frame.
          Throwable end = peer.failure();
          assertNotNull(end, peer.name + " saw its connection end");
          assertTrue(end instanceof IOException, peer.name + ": " + end);
          assertTrue(!end.getMessage().startsWith("closed inside a frame"), peer.name + ": " + end.getMessage());
          if (end instanceof EOFException) {
            assertEquals("closed after 0 of 8 bytes", end.getMessage(), peer.name);
            betweenFrames++;
          }
        }
        System.out.printf("SIGTERM under load: %d round trips, %d of %d busy clients saw the end between two frames"
            + " (the others: a reset, their last request unread)%n", load.total(), betweenFrames, load.peers().size());
      } finally {
        for (FrameClient c : clients) {
          c.close();
        }
      }
      String output = server.output();
      assertTrue(output.contains("stopping: SIGTERM"), output);
    }
  }
}
