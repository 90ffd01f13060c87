package io.asockio.gate;

import io.asockio.api.Asockio;
import io.asockio.api.InlineProcessor;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.demo.EchoProcessor;
import io.asockio.testing.Await;
import io.asockio.testing.FrameClient;
import io.asockio.testing.NodeFixture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads come straight from Netty's pooled buffers: nothing may read them after they go back
 * to the pool, and every one must go back. Runs in its own JVM (surefire execution
 * "pooled-reads") with Netty's paranoid leak detection and without object recycling, so a
 * use after release throws instead of reading reused memory, and a leak is reported here.
 */
class PooledReadsLeakTest {

  static final String HOST = "127.0.0.1";
  static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    // Must run before Netty's buffer classes load: this test class is the first in its JVM.
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
        return new ResourceLeakDetector<T>(resource, samplingInterval) {
          @Override
          protected boolean needReport() {
            return true;
          }

          @Override
          protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + records);
          }

          @Override
          protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType);
          }
        };
      }
    });
  }

  final NodeFixture fixture = new NodeFixture();

  /** Frames of random sizes, written in random pieces from one thread while another reads the echoes. */
  @Test
  void inPlaceEchoReturnsEveryByteOfEveryFrame() throws Exception {
    try (NodeFixture f = fixture) {
      Asockio node = f.start(AsockioConfig.of(GateConfig.tcp("echo", HOST, 0).withProcessor(EchoProcessor.class.getName())));
      Random random = new Random(42);
      List<byte[]> frames = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        // Every 100th over EchoProcessor's 1 MiB threshold: streamed back, its chunks lent and re-sent.
        byte[] payload = new byte[i % 100 == 50 ? 1_500_000 + random.nextInt(100_000) : random.nextInt(i % 25 == 0 ? 900_000 : 5000)];
        random.nextBytes(payload);
        frames.add(payload);
      }
      try (FrameClient client = FrameClient.named(HOST, node.port("echo"), "leak-echo")) {
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
          try {
            Random pieces = new Random(7);
            for (byte[] payload : frames) {
              byte[] frame = FrameClient.frame(payload);
              for (int pos = 0; pos < frame.length; ) {
                int n = Math.min(frame.length - pos, 1 + pieces.nextInt(70_000));
                client.write(Arrays.copyOfRange(frame, pos, pos + n));
                pos += n;
              }
            }
          } catch (Throwable e) {
            writeFailure.set(e);
          }
        });
        writer.start();
        for (int i = 0; i < frames.size(); i++) {
          assertArrayEquals(frames.get(i), client.readFrame(), "echo of frame " + i);
        }
        writer.join();
        assertNull(writeFailure.get());
      }
    }
  }

  /** UDP: datagrams echoed from the memory they came in, lists cut into datagrams, peers forgotten when idle. */
  @Test
  void udpEchoesListsAndIdlePeersReturnEveryBuffer() throws Exception {
    try (NodeFixture f = fixture) {
      GateConfig udp = GateConfig.udp("udp", HOST, 0).withProcessor(EchoProcessor.class.getName());
      Asockio node = f.start(AsockioConfig.of(udp.withLimits(udp.limits().withIdleTimeoutMs(400))));
      Random random = new Random(11);
      try (io.asockio.testing.UdpPeer peer = io.asockio.testing.UdpPeer.named(HOST, node.port("udp"), "leak-udp")) {
        for (int i = 0; i < 300; i++) {
          byte[] payload = new byte[1 + random.nextInt(i % 10 == 0 ? 60_000 : 2000)];
          random.nextBytes(payload);
          peer.send(payload);
          assertArrayEquals(payload, peer.receive(Await.DEFAULT), "echo of datagram " + i);
        }
        long id = node.client("leak-udp").id();
        node.send(id, List.of(Buffer.buffer("a"), Buffer.buffer(new byte[3000]), Buffer.buffer("c"))).await();
        assertEquals(1, peer.receive(Await.DEFAULT).length);
        assertEquals(3000, peer.receive(Await.DEFAULT).length);
        assertEquals(1, peer.receive(Await.DEFAULT).length);
        Await.until("the silent peer forgotten", () -> node.client("leak-udp") == null);
      }
    }
  }

  /** A processor that keeps what it receives gets copies that outlive the reads. */
  public static final class Keeper extends InlineProcessor {
    static final List<Buffer> KEPT = new CopyOnWriteArrayList<>();

    @Override
    protected void onDataReceived(Buffer data) {
      KEPT.add(data);
    }
  }

  @Test
  void keptMessagesAreCopiesThatOutliveTheirReads() throws Exception {
    try (NodeFixture f = fixture) {
      Asockio node = f.start(AsockioConfig.of(GateConfig.tcp("keep", HOST, 0).withProcessor(Keeper.class.getName()),
          GateConfig.tcp("echo", HOST, 0).withProcessor(EchoProcessor.class.getName())));
      Random random = new Random(3);
      List<byte[]> sent = new ArrayList<>();
      try (FrameClient client = FrameClient.named(HOST, node.port("keep"), "keeper")) {
        for (int i = 0; i < 50; i++) {
          byte[] payload = new byte[1 + random.nextInt(100_000)];
          random.nextBytes(payload);
          sent.add(payload);
          client.sendFrame(payload);
        }
        Await.until("every message kept", () -> Keeper.KEPT.size() == sent.size());
      }
      // More traffic through the pool, so that reused memory would show in the kept buffers.
      try (FrameClient other = FrameClient.named(HOST, node.port("echo"), "churn")) {
        byte[] noise = new byte[200_000];
        Arrays.fill(noise, (byte) 0x5a);
        for (int i = 0; i < 20; i++) {
          other.sendFrame(noise);
          assertArrayEquals(noise, other.readFrame());
        }
      }
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), Keeper.KEPT.get(i).getBytes(), "kept message " + i);
      }
    }
  }

  /** Sends a lot to a peer that does not read, then more behind a lazy producer: the backlog holds buffers. */
  public static final class Flooder extends InlineProcessor {
    @Override
    protected void onDataReceived(Buffer data) {
      sendAll(IntStream.range(0, 100_000).mapToObj(i -> Buffer.buffer(new byte[1000])).iterator());
      for (int i = 0; i < 100; i++) {
        send(Buffer.buffer(new byte[5000]));
      }
    }
  }

  @Test
  void partialFramesPausedInputAndQueuedOutputAreReleasedWhenPeersLeave() throws Exception {
    try (NodeFixture f = fixture) {
      Asockio node = f.start(AsockioConfig.of(GateConfig.tcp("echo", HOST, 0).withProcessor(EchoProcessor.class.getName()),
          GateConfig.tcp("flood", HOST, 0).withProcessor(Flooder.class.getName())));
      // Half a frame, then gone.
      try (FrameClient client = FrameClient.named(HOST, node.port("echo"), "half")) {
        client.write(FrameClient.header(100_000));
        client.write(new byte[40_000]);
      }
      // Writes without reading: the echo pauses with input held, then the peer vanishes.
      try (FrameClient client = FrameClient.named(HOST, node.port("echo"), "stuffer")) {
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
          try {
            byte[] frame = FrameClient.frame(new byte[64_000]);
            for (int i = 0; i < 2000; i++) {
              client.write(frame);
              written.incrementAndGet();
            }
          } catch (IOException expected) {
            // the socket is closed under the writer
          }
        });
        writer.setDaemon(true);
        writer.start();
        // 6 MB unread echoes fill both socket buffers: the echo pauses with input held.
        Await.until("the echo's output filled", () -> written.get() >= 100);
        client.resetOnClose();
      }
      // A flood queued behind a producer, to a peer that never reads.
      try (FrameClient client = FrameClient.named(HOST, node.port("flood"), "flooded")) {
        client.sendFrame("go");
        Await.until("flooded open", () -> node.counters().getOrDefault("opened", 0L) >= 3);
      }
      Await.until("every peer gone", () -> node.clients().isEmpty());
    }
  }

  /** Stops reading at its first delivery and never resumes. */
  public static final class StopsReading extends InlineProcessor {
    static final java.util.Set<String> PAUSED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    protected void onDataReceived(Buffer data) {
      pauseReading();
      PAUSED.add(gateName());
    }
  }

  /**
   * Reads that arrive while a connection is paused are held by the connection (the rest of
   * the read that paused it, and what the kernel hands over before reading stops); it must
   * free them when the channel closes. The second write is read after the pause (it is sent
   * only once the pause happened) and before the end of stream (TCP keeps the order).
   */
  @Test
  void readsQueuedWhilePausedAreReleasedWhenThePeerLeaves() throws Exception {
    try (NodeFixture f = fixture) {
      Asockio node = f.start(AsockioConfig.of(
          GateConfig.tcp("framed", HOST, 0).withProcessor(StopsReading.class.getName()),
          GateConfig.tcp("raw", HOST, 0).withMode(GateConfig.Mode.RAW).withProcessor(StopsReading.class.getName())));
      try (FrameClient client = FrameClient.named(HOST, node.port("framed"), "pauser")) {
        client.sendFrame("first");
        Await.until("the framed gate paused", () -> StopsReading.PAUSED.contains("framed"));
        client.sendFrame("second");
      }
      try (FrameClient client = FrameClient.tcp(HOST, node.port("raw"))) {
        client.write("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Await.until("the raw gate paused", () -> StopsReading.PAUSED.contains("raw"));
        client.write(new byte[100]);
      }
      Await.until("both peers gone", () -> node.clients().isEmpty());
    }
  }

  /**
   * After every test: a canary buffer leaked on purpose must be reported (proof that the
   * detector runs), and nothing else may be.
   */
  @AfterAll
  static void nothingLeaked() {
    leakCanary();
    long deadline = System.nanoTime() + 60_000_000_000L;
    int roundsAfterCanary = 0;
    while (System.nanoTime() < deadline && roundsAfterCanary < 5) {
      System.gc();
      // The detector looks for collected buffers when the next one is tracked.
      for (int i = 0; i < 100; i++) {
        PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
      }
      if (LEAKS.stream().anyMatch(l -> l.contains("leakCanary"))) {
        roundsAfterCanary++;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(LEAKS.stream().anyMatch(l -> l.contains("leakCanary")), "the leak detector did not run: " + LEAKS);
    List<String> real = LEAKS.stream().filter(l -> !l.contains("leakCanary")).toList();
    assertTrue(real.isEmpty(), "leaked buffers:\n" + String.join("\n\n", real));
  }

  private static void leakCanary() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
    leaked.writeInt(1);
  }
}
