package io.asockio.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Echo traffic on already connected clients, one thread each, until {@link #close()}: every
 * client sends a message, reads it back and checks it byte for byte, again and again. What
 * happens to each client is kept: round trips, and the first failure (a wrong echo counts as
 * one). Bounded: it stops by itself after {@code maxRoundTrips} per client.
 */
public final class EchoLoad implements AutoCloseable {

  /** One client's record. */
  public static final class Peer {
    public final String name;
    final FrameClient client;
    final AtomicLong roundTrips = new AtomicLong();
    volatile Throwable failure;

    Peer(String name, FrameClient client) {
      this.name = name;
      this.client = client;
    }

    public long roundTrips() {
      return roundTrips.get();
    }

    /** The first thing that went wrong, or null. */
    public Throwable failure() {
      return failure;
    }
  }

  private final List<Peer> peers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stop;

  /**
   * Starts one thread per client.
   *
   * @param maxSize       largest message, in bytes (sizes vary from 1 up to it)
   * @param maxRoundTrips per client, after which it stops by itself
   */
  public EchoLoad(List<String> names, List<FrameClient> clients, int maxSize, long maxRoundTrips) {
    for (int i = 0; i < clients.size(); i++) {
      Peer peer = new Peer(names.get(i), clients.get(i));
      peers.add(peer);
      long seed = i;
      Thread t = new Thread(() -> run(peer, new Random(seed), maxSize, maxRoundTrips), "echo-load-" + peer.name);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void run(Peer peer, Random random, int maxSize, long maxRoundTrips) {
    try {
      while (!stop && peer.roundTrips.get() < maxRoundTrips) {
        byte[] message = new byte[1 + random.nextInt(maxSize)];
        random.nextBytes(message);
        peer.client.sendFrame(message);
        byte[] echo = peer.client.readFrame();
        if (!Arrays.equals(message, echo)) {
          throw new IllegalStateException("wrong echo of a " + message.length + "-byte message (" + echo.length + " bytes back)");
        }
        peer.roundTrips.incrementAndGet();
      }
    } catch (IOException | RuntimeException e) {
      peer.failure = e;
    }
  }

  public List<Peer> peers() {
    return peers;
  }

  /** Round trips of all clients so far. */
  public long total() {
    return peers.stream().mapToLong(Peer::roundTrips).sum();
  }

  /** Stops every thread (each finishes its round trip) and waits for them. */
  @Override
  public void close() throws InterruptedException {
    stop = true;
    for (Thread t : threads) {
      t.join(FrameClient.READ_TIMEOUT_MS + 5_000L);
    }
  }
}
