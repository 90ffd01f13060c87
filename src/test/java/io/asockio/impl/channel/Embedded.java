package io.asockio.impl.channel;

import io.asockio.api.ClientConnection;
import io.asockio.api.CloseReason;
import io.asockio.api.ConnectionHandler;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.asockio.impl.core.ClientRegistry;
import io.asockio.impl.core.HandlerRoutes;
import io.asockio.impl.core.NodeContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Connections on Netty {@link EmbeddedChannel}s, without sockets: the pipeline stages are
 * installed as on a real socket (in front of a handler named like Vert.x's), bytes go in with
 * {@link #in}, frames come out with {@link #outFrame}. The channel's writes pass a
 * {@link FlushGate} first, so that a test can hold the "socket" full.
 */
final class Embedded implements AutoCloseable {

  /** Holds flushes while closed: written bytes then stay pending, as on a socket that does not drain. */
  static final class FlushGate extends ChannelOutboundHandlerAdapter {
    private boolean open = true;
    private boolean pending;
    private ChannelHandlerContext ctx;
    int flushes;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      if (open) {
        ctx.flush();
      } else {
        pending = true;
      }
    }

    void close() {
      open = false;
    }

    void open() {
      open = true;
      if (pending) {
        pending = false;
        ctx.flush();
      }
    }
  }

  /** Records a connection's callbacks as text: {@code open alice}, {@code msg hello}, {@code drained}, {@code closed <cause>}. */
  static class Recorder implements ConnectionHandler {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile ClientConnection connection;
    boolean drained = true;

    @Override
    public void onConnected(ClientConnection c) {
      connection = c;
      events.add("open " + c.name());
    }

    @Override
    public void onDataReceived(ClientConnection c, Buffer data) {
      events.add("msg " + data.toString(StandardCharsets.ISO_8859_1));
    }

    @Override
    public boolean wantsOutputBuffersAreEmpty() {
      return drained;
    }

    @Override
    public void onOutputBuffersAreEmpty(ClientConnection c) {
      events.add("drained");
    }

    @Override
    public void onConnectionLost(ClientConnection c, CloseReason cause) {
      events.add("closed " + cause);
    }
  }

  final Vertx vertx;
  private final boolean ownsVertx;
  final Context context;
  final EmbeddedChannel channel = new EmbeddedChannel();
  final FlushGate gate = new FlushGate();
  final ClientRegistry registry = new ClientRegistry();
  final NodeContext services;
  final Recorder handler;
  ChannelConnection connection;

  /** Every connection is served by {@code handler}. */
  Embedded(AsockioConfig config, Recorder handler) {
    this(Vertx.vertx(), true, config, handler);
  }

  /** On a Vert.x of the caller's, which {@link #close()} leaves running (many channels, one Vert.x). */
  Embedded(Vertx vertx, AsockioConfig config, Recorder handler) {
    this(vertx, false, config, handler);
  }

  private Embedded(Vertx vertx, boolean ownsVertx, AsockioConfig config, Recorder handler) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.context = vertx.getOrCreateContext();
    HandlerRoutes routes = new HandlerRoutes(address -> {
      throw new IllegalStateException("no bus here");
    });
    routes.nodeHandler(handler);
    this.services = new NodeContext(config, registry, routes);
    this.handler = handler;
    channel.pipeline().addFirst("flush-gate", gate);
    channel.pipeline().addLast("handler", new ChannelInboundHandlerAdapter());
  }

  /** Accepts the channel as a connection of the config's first gate. */
  Embedded accept() {
    GateConfig g = services.config().gates().get(0);
    connection = Pipelines.accept(services, g, 0, channel.pipeline(), "handler", context, PeerFacts.of("127.0.0.1:40000"));
    smallWaterMark();
    return this;
  }

  /** Dials: the channel is a connection of {@code link} that introduces itself as {@code keyword}. */
  Embedded dial(io.asockio.config.LinkConfig link, String keyword, DialOutcome outcome) {
    connection = Pipelines.dial(services, ConnectionOrigin.link(link), channel.pipeline(), "handler", context,
        PeerFacts.of("127.0.0.1:25000"), keyword.getBytes(StandardCharsets.UTF_8), outcome);
    smallWaterMark();
    return this;
  }

  // The stages set production marks; tests fill a small "socket" instead.
  private void smallWaterMark() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 4096));
  }

  /** Bytes arriving in one read. */
  Embedded in(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuf read = channel.alloc().directBuffer(n);
    for (byte[] p : parts) {
      read.writeBytes(p);
    }
    channel.writeInbound(read);
    channel.runPendingTasks();
    return this;
  }

  static byte[] frame(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return frame(bytes);
  }

  static byte[] frame(byte[] bytes) {
    ByteBuf b = Unpooled.buffer(8 + bytes.length).writeLongLE(bytes.length).writeBytes(bytes);
    return ByteBufUtil.getBytes(b);
  }

  /** Everything written to the channel so far, as one byte string. */
  byte[] outBytes() {
    List<byte[]> parts = new ArrayList<>();
    int n = 0;
    for (Object o; (o = channel.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      byte[] bytes = ByteBufUtil.getBytes(b);
      b.release();
      parts.add(bytes);
      n += bytes.length;
    }
    byte[] all = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, pos, p.length);
      pos += p.length;
    }
    return all;
  }

  /** The frames written so far, as text. */
  List<String> outFrames() {
    ByteBuf all = Unpooled.wrappedBuffer(outBytes());
    List<String> frames = new ArrayList<>();
    while (all.readableBytes() >= 8) {
      int len = (int) all.readLongLE();
      frames.add(all.readCharSequence(len, StandardCharsets.UTF_8).toString());
    }
    return frames;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
    if (ownsVertx) {
      vertx.close().await();
    }
  }
}
