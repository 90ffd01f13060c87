package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ClientShare} over UDP: COUNT named clients PREFIX{FROM}..PREFIX{FROM+COUNT-1}, one
 * datagram socket each, bound to SOURCE and sending to a framed UDP gate at 127.0.0.1:PORT
 * (docs/PROTOCOL.md §7: the first datagram is the keyword, answered by a datagram {@code OK};
 * a keyword said again is answered {@code OK} again, so a client without its answer after a
 * second says it again: the gate's socket drops what its receive buffer cannot hold; at most
 * {@value #WINDOW} handshakes are unanswered at once). The
 * server keeps one socket for them all, so one node can hold more of them than its open-files
 * limit would let it hold TCP clients. Same lines as {@link ClientShare}:
 * <ul>
 *   <li>at start: {@code {"start_ns", "connected", "all_ok", "ok_ns", "keywords_sent"}} once every client got OK
 *       (or 120 s passed);</li>
 *   <li>on a line {@code expect}: {@code ready}, then {@code {"reached", "done_ns"}} once each client got one
 *       datagram other than {@code OK} (or 120 s passed).</li>
 * </ul>
 *
 * Usage: UdpClientShare PORT PREFIX FROM COUNT SOURCE
 */
public final class UdpClientShare {

  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(120);
  private static final long RESEND_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int WINDOW = 256;

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String prefix = args[1];
    int from = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
    InetSocketAddress source = new InetSocketAddress(args[4], 0);
    Selector selector = Selector.open();
    List<DatagramChannel> channels = new ArrayList<>(count);
    byte[][] keywords = new byte[count][];
    boolean[] ok = new boolean[count];
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET).bind(source).connect(server);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, i);
      channels.add(channel);
      keywords[i] = (prefix + (from + i)).getBytes(StandardCharsets.UTF_8);
    }
    // At most WINDOW handshakes unanswered: a burst of thousands would overflow the gate's receive buffer, and
    // every dropped keyword costs a second's wait.
    long[] saidAt = new long[count];
    int[] next = {0};
    int[] pending = {count};
    long[] keywordsSent = {0};
    Runnable sayNext = () -> {
      int i = next[0]++;
      saidAt[i] = System.nanoTime();
      keywordsSent[0] += say(channels.get(i), keywords[i]);
    };
    for (int i = 0; i < Math.min(WINDOW, count); i++) {
      sayNext.run();
    }
    ByteBuffer in = ByteBuffer.allocateDirect(65536);
    long deadline = start + WAIT_NANOS;
    long nextResend = System.nanoTime() + RESEND_NANOS;
    while (pending[0] > 0 && System.nanoTime() < deadline) {
      read(selector, in, (i, text) -> {
        if (!ok[i] && text.equals("OK")) {
          ok[i] = true;
          pending[0]--;
          if (next[0] < count) {
            sayNext.run();
          }
        }
      });
      long now = System.nanoTime();
      if (now >= nextResend) {
        for (int i = 0; i < next[0]; i++) {
          if (!ok[i] && now - saidAt[i] >= RESEND_NANOS) {
            saidAt[i] = now;
            keywordsSent[0] += say(channels.get(i), keywords[i]);
          }
        }
        nextResend = now + RESEND_NANOS / 4;
      }
    }
    long okAt = System.nanoTime();
    System.out.printf("{\"start_ns\": %d, \"connected\": %d, \"all_ok\": %b, \"ok_ns\": %d, \"keywords_sent\": %d}%n",
        start, count - pending[0], pending[0] == 0, okAt, keywordsSent[0]);
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = commands.readLine()) != null; ) {
      if (line.equals("expect")) {
        boolean[] got = new boolean[count];
        int[] missing = {count};
        drain(selector, in); // a late OK of the handshake is not the message
        System.out.println("ready");
        long until = System.nanoTime() + WAIT_NANOS;
        while (missing[0] > 0 && System.nanoTime() < until) {
          read(selector, in, (i, text) -> {
            if (!got[i] && !text.equals("OK")) {
              got[i] = true;
              missing[0]--;
            }
          });
        }
        System.out.printf("{\"reached\": %d, \"done_ns\": %d}%n", count - missing[0], System.nanoTime());
      }
    }
    for (DatagramChannel channel : channels) {
      channel.close();
    }
  }

  private static int say(DatagramChannel channel, byte[] keyword) {
    try {
      return channel.write(ByteBuffer.wrap(keyword)) > 0 ? 1 : 0; // 0: the socket's send buffer is full, said again later
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  interface Datagram {
    void received(int client, String text);
  }

  // Up to 100 ms of waiting; every datagram of every ready socket.
  private static void read(Selector selector, ByteBuffer in, Datagram datagram) throws IOException {
    if (selector.select(100) == 0) {
      return;
    }
    for (SelectionKey key : selector.selectedKeys()) {
      DatagramChannel channel = (DatagramChannel) key.channel();
      int client = (Integer) key.attachment();
      while (true) {
        in.clear();
        if (channel.read(in) <= 0) {
          break;
        }
        in.flip();
        datagram.received(client, StandardCharsets.UTF_8.decode(in).toString());
      }
    }
    selector.selectedKeys().clear();
  }

  private static void drain(Selector selector, ByteBuffer in) throws IOException {
    if (selector.selectNow() > 0) {
      selector.selectedKeys().clear();
      for (SelectionKey key : selector.keys()) {
        DatagramChannel channel = (DatagramChannel) key.channel();
        do {
          in.clear();
        } while (channel.read(in) > 0);
      }
    }
  }
}
