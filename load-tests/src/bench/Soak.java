package bench;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The churn soak against a running {@link BenchServer}: STEADY named clients stay connected
 * while THREADS workers run CYCLES connect / handshake / echo / disconnect cycles; every tenth
 * is a takeover (a second connection under the same name replaces the first, which must see
 * its end). Once a
 * second it asks the server for its heap after a GC, direct memory, descriptors and client
 * count (the {@code bench-control} client's {@code stats}) and writes them to CSV. At the end:
 * every steady client must still echo, and the server's figures are compared with the
 * baseline taken before the churn. Prints one JSON line.
 *
 * Usage: Soak PORT CYCLES STEADY THREADS CSV [MAX_SECONDS]
 */
public final class Soak {

  static final String HOST = "127.0.0.1";

  /** A blocking framed connection. */
  static final class Conn implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;

    Conn(int port, String keyword) throws IOException {
      socket = new Socket(HOST, port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      send(keyword.getBytes(StandardCharsets.UTF_8));
      String answer = new String(read(), StandardCharsets.UTF_8);
      if (!answer.equals("OK")) {
        throw new IOException("handshake of " + keyword + ": " + answer);
      }
    }

    void send(byte[] payload) throws IOException {
      out.write(ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN).putLong(payload.length).put(payload).array());
      out.flush();
    }

    byte[] read() throws IOException {
      byte[] header = new byte[8];
      in.readFully(header);
      long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return payload;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  record Stats(long heap, long clients, long direct, long fds) {
    static Stats parse(String line) {
      String[] f = line.split(" ");
      return new Stats(Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[5]), Long.parseLong(f[7]));
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long cycles = Long.parseLong(args[1]);
    int steadyCount = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    Path csv = Path.of(args[4]);
    long maxNanos = (args.length > 5 ? Long.parseLong(args[5]) : 600) * 1_000_000_000L;

    Conn control = new Conn(port, "bench-control");
    List<Conn> steady = new ArrayList<>();
    for (int i = 0; i < steadyCount; i++) {
      steady.add(new Conn(port, "steady-" + i));
    }
    Stats baseline = stats(control);

    AtomicLong done = new AtomicLong();
    AtomicLong takenOver = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long t0 = System.nanoTime();
    long deadline = t0 + maxNanos;
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      int worker = w;
      Thread t = new Thread(() -> {
        byte[] payload = new byte[1024];
        Arrays.fill(payload, (byte) worker);
        for (long i = worker; i < cycles && System.nanoTime() < deadline; i += threads) {
          try {
            if (i % 10 == 0) {
              // A takeover: a second connection under the same name replaces the first.
              String name = "shared-" + worker;
              try (Conn first = new Conn(port, name); Conn second = new Conn(port, name)) {
                try {
                  first.read();
                  failures.incrementAndGet(); // the replaced connection must only see its end
                } catch (EOFException | java.net.SocketException replaced) {
                  takenOver.incrementAndGet();
                }
                echo(second, payload, failures);
              }
            } else {
              try (Conn c = new Conn(port, "churn-" + i)) {
                echo(c, payload, failures);
              }
            }
          } catch (IOException e) {
            failures.incrementAndGet();
          }
          done.incrementAndGet();
        }
      }, "soak-" + w);
      workers.add(t);
      t.start();
    }

    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
      out.println("seconds,cycles,heap_bytes,direct_bytes,fds,clients");
      out.printf("%.1f,%d,%d,%d,%d,%d%n", 0.0, 0, baseline.heap(), baseline.direct(), baseline.fds(), baseline.clients());
      while (workers.stream().anyMatch(Thread::isAlive)) {
        Thread.sleep(1000);
        Stats s = stats(control);
        out.printf("%.1f,%d,%d,%d,%d,%d%n", (System.nanoTime() - t0) / 1e9, done.get(), s.heap(), s.direct(), s.fds(), s.clients());
        out.flush();
      }
      double churnSeconds = (System.nanoTime() - t0) / 1e9;
      // Settled: every churn connection is gone from the server.
      Stats end = stats(control);
      for (int i = 0; i < 100 && end.clients() > baseline.clients(); i++) {
        Thread.sleep(100);
        end = stats(control);
      }
      out.printf("%.1f,%d,%d,%d,%d,%d%n", (System.nanoTime() - t0) / 1e9, done.get(), end.heap(), end.direct(), end.fds(), end.clients());
      int steadyAlive = 0;
      for (Conn c : steady) {
        try {
          byte[] ping = "still here".getBytes(StandardCharsets.UTF_8);
          c.send(ping);
          if (Arrays.equals(ping, c.read())) {
            steadyAlive++;
          }
        } catch (IOException e) {
          // counted as not alive
        }
      }
      System.out.printf("{\"cycles\": %d, \"seconds\": %.1f, \"cycles_per_s\": %.0f, \"takeovers\": %d, \"failures\": %d, "
              + "\"steady\": %d, \"steady_alive\": %d, \"baseline\": {\"heap\": %d, \"direct\": %d, \"fds\": %d, \"clients\": %d}, "
              + "\"end\": {\"heap\": %d, \"direct\": %d, \"fds\": %d, \"clients\": %d}}%n",
          done.get(), churnSeconds, done.get() / churnSeconds, takenOver.get(), failures.get(), steadyCount, steadyAlive,
          baseline.heap(), baseline.direct(), baseline.fds(), baseline.clients(), end.heap(), end.direct(), end.fds(), end.clients());
    }
    for (Conn c : steady) {
      c.close();
    }
    control.close();
  }

  static void echo(Conn c, byte[] payload, AtomicLong failures) throws IOException {
    c.send(payload);
    if (!Arrays.equals(payload, c.read())) {
      failures.incrementAndGet();
    }
  }

  static Stats stats(Conn control) throws IOException {
    control.send("stats".getBytes(StandardCharsets.UTF_8));
    return Stats.parse(new String(control.read(), StandardCharsets.UTF_8));
  }
}
