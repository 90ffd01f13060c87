package bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N named clients connected at once to BenchServer: time until every one got OK, the
 * server's RSS and heap (after a GC) and its directory's size, then one message by name to
 * each (sent by the server through its direct API), then one more through the event bus
 * (a request to each client's bus address), and the time until all arrived. Clients dial
 * from 127.0.0.1, 127.0.0.2, ... (at most {@value #PER_SOURCE_ADDRESS} each), so that loopback
 * ports suffice. Prints one JSON line.
 *
 * Usage: ManyClients PORT N SERVER_PID [HOLD_SECONDS]
 */
public final class ManyClients {

  /** Clients per source address: well under the kernel's ephemeral port range (about 28,000 ports). */
  static final int PER_SOURCE_ADDRESS = 20_000;

  static final class Client extends ChannelInboundHandlerAdapter {
    final String name;
    final CountDownLatch ok;
    volatile CountDownLatch got;
    final AtomicReference<String> lastText;
    int frames;
    long remaining = -1;
    final ByteBuf acc = io.netty.buffer.Unpooled.buffer();

    Client(String name, CountDownLatch ok, CountDownLatch got, AtomicReference<String> lastText) {
      this.name = name;
      this.ok = ok;
      this.got = got;
      this.lastText = lastText;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      byte[] k = name.getBytes(StandardCharsets.UTF_8);
      ctx.writeAndFlush(ctx.alloc().buffer().writeLongLE(k.length).writeBytes(k));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      acc.writeBytes(in);
      in.release();
      while (true) {
        if (remaining < 0 && acc.readableBytes() >= 8) {
          remaining = acc.readLongLE();
        }
        if (remaining < 0 || acc.readableBytes() < remaining) {
          break;
        }
        String text = acc.readCharSequence((int) remaining, StandardCharsets.UTF_8).toString();
        remaining = -1;
        acc.discardReadBytes();
        if (frames++ == 0) {
          ok.countDown();
        } else {
          lastText.set(text);
          got.countDown();
        }
      }
    }
  }

  /** Connects {@code client} to 127.0.0.1:PORT from {@code source} and waits until it is connected. */
  static Channel connect(EventLoopGroup group, Client client, int port, java.net.InetSocketAddress source)
      throws InterruptedException {
    // The source address is bound without a port (the kernel picks it at connect, by the whole 4-tuple): binding
    // a port first searches for one no socket uses, slower with every client connected.
    Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
        .option(io.netty.channel.epoll.EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(client);
          }
        });
    return b.connect(new java.net.InetSocketAddress("127.0.0.1", port), source).sync().channel();
  }

  /** Sends a control command and waits (30 s at most) for its answer: null if none came. */
  static String ask(Channel ctl, AtomicReference<String> answer, String command) {
    answer.set(null);
    byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
    ctl.writeAndFlush(ctl.alloc().buffer().writeLongLE(bytes.length).writeBytes(bytes));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (answer.get() == null && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    return answer.get();
  }

  /** The heap in MiB from a {@code stats} answer ("heap BYTES ..."), or -1 without one. */
  static double heapMiB(String statsLine) {
    return statsLine == null ? -1 : Long.parseLong(statsLine.split(" ")[1]) / 1048576.0;
  }

  static long status(long pid, String key) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    long pid = Long.parseLong(args[2]);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    CountDownLatch ok = new CountDownLatch(n);
    CountDownLatch got = new CountDownLatch(n);
    AtomicReference<String> control = new AtomicReference<>();
    List<Channel> channels = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    long rssBefore = status(pid, "VmRSS");
    // The control client first: the server's heap after a GC before the clients, so that their own share shows.
    CountDownLatch controlOk = new CountDownLatch(1);
    Channel ctl = new Bootstrap().group(group).channel(EpollSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new Client("bench-control", controlOk, new CountDownLatch(Integer.MAX_VALUE), control));
      }
    }).connect("127.0.0.1", port).sync().channel();
    controlOk.await(30, TimeUnit.SECONDS);
    String heapLineBefore = ask(ctl, control, "stats");
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Client client = new Client("m-" + i, ok, got, new AtomicReference<>());
      clients.add(client);
      channels.add(connect(group, client, port, new java.net.InetSocketAddress("127.0.0." + (1 + i / PER_SOURCE_ADDRESS), 0)));
    }
    boolean allOk = ok.await(60, TimeUnit.SECONDS);
    double connectSeconds = (System.nanoTime() - t0) / 1e9;
    String heapLine = ask(ctl, control, "stats");
    long rss = status(pid, "VmRSS");
    long t1 = System.nanoTime();
    byte[] cmd = ("broadcast m- " + n).getBytes(StandardCharsets.UTF_8);
    ctl.writeAndFlush(ctl.alloc().buffer().writeLongLE(cmd.length).writeBytes(cmd));
    boolean allGot = got.await(60, TimeUnit.SECONDS);
    double broadcastSeconds = (System.nanoTime() - t1) / 1e9;
    long reachedByName = n - got.getCount();
    // Again through the event bus: a fresh count per client, and the server's answer with its replies.
    CountDownLatch gotByBus = new CountDownLatch(n);
    clients.forEach(c -> c.got = gotByBus);
    control.set(null);
    long t2 = System.nanoTime();
    byte[] busCmd = ("busbroadcast m- " + n).getBytes(StandardCharsets.UTF_8);
    ctl.writeAndFlush(ctl.alloc().buffer().writeLongLE(busCmd.length).writeBytes(busCmd));
    boolean allGotByBus = gotByBus.await(60, TimeUnit.SECONDS);
    double busSeconds = (System.nanoTime() - t2) / 1e9;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((control.get() == null || !control.get().startsWith("bus ")) && System.nanoTime() < until) {
      Thread.onSpinWait(); // the direct broadcast's own answer ("sent ...") may still come first
    }
    String busAnswer = control.get(); // "bus N ok K"
    long busReplies = busAnswer == null ? -1 : Long.parseLong(busAnswer.split(" ")[3]);
    long directory = heapLine == null ? -1 : Long.parseLong(heapLine.split(" ")[9]);
    System.out.printf("{\"clients\": %d, \"all_connected\": %b, \"connect_s\": %.3f, \"server_rss_mib\": %.1f, "
            + "\"server_rss_before_mib\": %.1f, \"server_heap_mib\": %.1f, \"all_reached_by_name\": %b, \"by_name_s\": %.3f, "
            + "\"reached\": %d, \"all_reached_by_bus\": %b, \"by_bus_s\": %.3f, \"reached_by_bus\": %d, \"bus_replies_ok\": %d, "
            + "\"directory_size\": %d, \"source_addresses\": %d, \"server_heap_before_mib\": %.1f}%n",
        n, allOk, connectSeconds, rss / 1048576.0, rssBefore / 1048576.0,
        heapMiB(heapLine), allGot, broadcastSeconds, reachedByName,
        allGotByBus, busSeconds, n - gotByBus.getCount(), busReplies, directory, (n + PER_SOURCE_ADDRESS - 1) / PER_SOURCE_ADDRESS,
        heapMiB(heapLineBefore));
    if (args.length > 3) {
      Thread.sleep(Long.parseLong(args[3]) * 1000); // HOLD_SECONDS: keep them connected, e.g. for a heap histogram
    }
    channels.forEach(Channel::close);
    ctl.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
