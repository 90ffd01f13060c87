package bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One share of a client population too large for one process's open-files limit: COUNT named
 * clients PREFIX{FROM}..PREFIX{FROM+COUNT-1}, all dialling from SOURCE to 127.0.0.1:PORT, held
 * until standard input closes. The harness runs several and reads their JSON lines; times are
 * {@code System.nanoTime()}, the monotonic clock every process on the machine shares, so the
 * harness can compare them with its own.
 * <ul>
 *   <li>at start: {@code {"start_ns", "connected", "all_ok", "ok_ns"}} once every client got OK (or 120 s passed);</li>
 *   <li>on a line {@code expect}: {@code ready}, then {@code {"reached", "done_ns"}} once each client got one
 *       more message (or 120 s passed).</li>
 * </ul>
 *
 * Usage: ClientShare PORT PREFIX FROM COUNT SOURCE
 */
public final class ClientShare {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String prefix = args[1];
    int from = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    InetSocketAddress source = new InetSocketAddress(args[4], 0);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    CountDownLatch ok = new CountDownLatch(count);
    List<ManyClients.Client> clients = new ArrayList<>(count);
    List<Channel> channels = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      ManyClients.Client client = new ManyClients.Client(prefix + (from + i), ok, null, new AtomicReference<>());
      clients.add(client);
      channels.add(ManyClients.connect(group, client, port, source));
    }
    boolean allOk = ok.await(120, TimeUnit.SECONDS);
    long okAt = System.nanoTime();
    System.out.printf("{\"start_ns\": %d, \"connected\": %d, \"all_ok\": %b, \"ok_ns\": %d}%n",
        start, count - ok.getCount(), allOk, okAt);
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = commands.readLine()) != null; ) {
      if (line.equals("expect")) {
        CountDownLatch got = new CountDownLatch(count);
        clients.forEach(c -> c.got = got);
        System.out.println("ready");
        got.await(120, TimeUnit.SECONDS);
        System.out.printf("{\"reached\": %d, \"done_ns\": %d}%n", count - got.getCount(), System.nanoTime());
      }
    }
    channels.forEach(Channel::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
