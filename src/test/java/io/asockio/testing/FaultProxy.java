package io.asockio.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that stands between asockio and its peers and breaks the network
 * on purpose: delay, slicing into tiny writes, a bandwidth cap, a cut (reset) after a number
 * of bytes, a half-open stall (bytes stop, nobody closes), or a cut of everything now. Faults
 * may change while connections run. Every connection is a pair of blocking pumps on threads
 * of their own; {@link #close()} stops them all.
 *
 * <pre>
 *   peer ──► [accept] ──pump(upstream faults)──► target
 *   peer ◄──────────── pump(downstream faults) ◄─ target
 * </pre>
 */
public final class FaultProxy implements AutoCloseable {

  /** The faults applied to one direction. */
  public static final class Faults {
    volatile long delayMs;
    volatile int sliceBytes = Integer.MAX_VALUE;
    volatile long bytesPerSecond;
    final AtomicLong cutAfter = new AtomicLong(-1);
    volatile boolean stalled;

    /** Each chunk waits this long before it is forwarded. */
    public Faults delayMs(long ms) {
      delayMs = ms;
      return this;
    }

    /** Bytes go on in writes of at most {@code bytes} (1: one segment per byte). */
    public Faults sliceBytes(int bytes) {
      sliceBytes = bytes;
      return this;
    }

    /** At most this many bytes per second (0: no cap). */
    public Faults bytesPerSecond(long rate) {
      bytesPerSecond = rate;
      return this;
    }

    /**
     * One cut, armed now: after {@code bytes} more bytes went this way (on whichever
     * connection), that connection is cut: the receiving side gets exactly those bytes and
     * then a close, the sending side a reset.
     */
    public Faults cutAfterBytes(long bytes) {
      cutAfter.set(bytes);
      return this;
    }

    /** Stops forwarding without closing anything (a half-open path); false lets bytes flow again. */
    public Faults stalled(boolean on) {
      synchronized (this) {
        stalled = on;
        notifyAll();
      }
      return this;
    }

    // Holds the bytes until their time has come (injected latency, bandwidth cap), or the proxy closes (which wakes it).
    void holdUntil(long dueNanos, java.util.function.BooleanSupplier closed) throws InterruptedException {
      synchronized (this) {
        for (long left = dueNanos - System.nanoTime(); left > 0 && !closed.getAsBoolean(); left = dueNanos - System.nanoTime()) {
          wait(left / 1_000_000, (int) (left % 1_000_000));
        }
      }
    }

    // Blocks while stalled, until released or the proxy closes (which wakes it).
    void awaitFlowing(java.util.function.BooleanSupplier closed) throws InterruptedException {
      synchronized (this) {
        while (stalled && !closed.getAsBoolean()) {
          wait();
        }
      }
    }
  }

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean closed;
  /** Faults on bytes from peers to the target. */
  public final Faults upstream = new Faults();
  /** Faults on bytes from the target back to peers. */
  public final Faults downstream = new Faults();

  public FaultProxy(String targetHost, int targetPort) throws IOException {
    this.target = new InetSocketAddress(targetHost, targetPort);
    this.server = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
    this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port peers connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections cut by {@link Faults#cutAfterBytes} or {@link #cutAll()}. */
  public int cuts() {
    return cuts.get();
  }

  /** Resets every connection now (both sides see a reset). */
  public void cutAll() {
    for (Socket s : sockets) {
      reset(s);
    }
    cuts.incrementAndGet();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket peer;
      try {
        peer = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      Socket upstreamSocket = new Socket();
      try {
        peer.setTcpNoDelay(true);
        upstreamSocket.setTcpNoDelay(true);
        upstreamSocket.connect(target, 5000);
      } catch (IOException e) {
        reset(peer);
        reset(upstreamSocket);
        continue;
      }
      sockets.add(peer);
      sockets.add(upstreamSocket);
      AtomicLong pairCut = new AtomicLong();
      start("fault-proxy-up", () -> pump(peer, upstreamSocket, upstream, pairCut));
      start("fault-proxy-down", () -> pump(upstreamSocket, peer, downstream, pairCut));
    }
  }

  private static void start(String name, Runnable pump) {
    Thread t = new Thread(pump, name);
    t.setDaemon(true);
    t.start();
  }

  private void pump(Socket from, Socket to, Faults faults, AtomicLong pairCut) {
    byte[] buf = new byte[64 * 1024];
    long forwarded = 0;
    long started = System.nanoTime();
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          to.shutdownOutput(); // pass the half-close on
          return;
        }
        int at = 0;
        while (at < n) {
          faults.awaitFlowing(() -> closed);
          if (faults.delayMs > 0) {
            faults.holdUntil(System.nanoTime() + faults.delayMs * 1_000_000L, () -> closed);
          }
          int piece = Math.min(n - at, faults.sliceBytes);
          long left = faults.cutAfter.get();
          if (left >= 0 && piece >= left && faults.cutAfter.compareAndSet(left, -1)) {
            out.write(buf, at, (int) left);
            out.flush();
            if (pairCut.getAndIncrement() == 0) {
              cuts.incrementAndGet();
            }
            to.shutdownOutput(); // what was forwarded arrives, then the end
            reset(from);
            return;
          }
          if (left > 0) {
            faults.cutAfter.addAndGet(-piece);
          }
          out.write(buf, at, piece);
          out.flush();
          at += piece;
          forwarded += piece;
          long rate = faults.bytesPerSecond;
          if (rate > 0) {
            long due = started + forwarded * 1_000_000_000L / rate;
            faults.holdUntil(due, () -> closed); // the bandwidth cap: the next bytes wait for their time
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      reset(from);
      reset(to);
    }
  }

  private static void reset(Socket socket) {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (SocketException ignored) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    for (Faults faults : List.of(upstream, downstream)) {
      synchronized (faults) {
        faults.notifyAll(); // a pump waiting out a stall sees the close
      }
    }
    server.close();
    for (Socket s : sockets) {
      reset(s);
    }
  }
}
