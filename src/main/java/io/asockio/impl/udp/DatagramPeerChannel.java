package io.asockio.impl.udp;

import io.asockio.codec.Frames;
import io.asockio.impl.channel.DatagramMessage;
import io.asockio.impl.channel.VirtualChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One UDP peer as a Netty channel of its own, so that it gets the same pipeline as a TCP
 * connection (outbound queue, handshake, connection stage) and is a client like any other.
 * It lives on its socket's event loop and owns no file descriptor: its socket's
 * {@link DatagramSocketHandler} pushes the peer's datagrams into its pipeline, and what the
 * pipeline writes goes out as datagrams on that socket.
 *
 * <p>A single send arrives as a {@link DatagramMessage} and goes out as it is. Everything
 * else (lists, lazy senders' batches, handshake answers) the pipeline writes with 8-byte
 * headers (the outbound queue keeps them for datagram channels); {@link #doWrite} cuts that
 * byte stream at the headers and sends each payload as one datagram, without its header:
 *
 * <pre>
 *   written:  [len 8 LE][payload][len 8 LE][payload]...   (any split across buffers)
 *   sent:     datagram(payload), datagram(payload), ...
 * </pre>
 *
 * Its own output buffer holds what the socket cannot take yet (the socket's queue is above its
 * high-water mark), so each peer's queued bytes count against its own limits, and a slow
 * socket never grows memory beyond them.
 */
public final class DatagramPeerChannel extends VirtualChannel {

  private final DatagramSocketHandler socket;
  private final InetSocketAddress remote;
  // Amplification guard: the first answer goes to an address that proved nothing, so it is at most this long (-1: no cap).
  private int firstAnswerCap = -1;
  // Cutting the written byte stream into datagrams:
  private long header;
  private int headerBytes;
  private long payloadLeft = -1; // -1: reading a header
  private CompositeByteBuf partial;

  DatagramPeerChannel(DatagramSocketHandler socket, InetSocketAddress remote) {
    super(socket.channel(), "a UDP peer");
    this.socket = socket;
    this.remote = remote;
    config().setAllocator(socket.channel().config().getAllocator());
  }

  /** The first datagram sent (the handshake's answer) is cut to {@code bytes}, or not sent when "ERR" does not fit. */
  void capFirstAnswer(int bytes) {
    firstAnswerCap = bytes;
  }

  public InetSocketAddress remote() {
    return remote;
  }

  // ---- writing ---------------------------------------------------------------------------

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    for (;;) {
      Object msg = in.current();
      if (msg == null) {
        break;
      }
      if (!socket.writable()) {
        socket.resumeWhenWritable(this);
        break;
      }
      if (msg instanceof DatagramMessage) {
        emit(((DatagramMessage) msg).content().retain()); // a whole message, written without a header
        in.remove();
      } else if (msg instanceof ByteBuf) {
        cut((ByteBuf) msg);
        in.remove();
      } else {
        in.remove(new UnsupportedOperationException("a UDP peer takes ByteBufs, not " + msg.getClass().getName()));
      }
    }
    socket.flush();
  }

  // Sends the payloads of the frames in {@code bytes}; a frame may span several buffers.
  private void cut(ByteBuf bytes) {
    while (bytes.isReadable()) {
      if (payloadLeft < 0) {
        if (headerBytes == 0 && bytes.readableBytes() >= Frames.HEADER_SIZE) {
          header = bytes.readLongLE();
          headerBytes = Frames.HEADER_SIZE;
        } else {
          header |= (bytes.readByte() & 0xFFL) << (8 * headerBytes++);
        }
        if (headerBytes == Frames.HEADER_SIZE) {
          payloadLeft = header;
          header = 0;
          headerBytes = 0;
          if (payloadLeft == 0) {
            payloadLeft = -1;
            emit(Unpooled.EMPTY_BUFFER);
          }
        }
        continue;
      }
      int take = (int) Math.min(payloadLeft, bytes.readableBytes());
      ByteBuf piece = bytes.readRetainedSlice(take);
      payloadLeft -= take;
      if (partial == null && payloadLeft == 0) {
        payloadLeft = -1;
        emit(piece);
        continue;
      }
      if (partial == null) {
        partial = alloc().compositeDirectBuffer(Integer.MAX_VALUE);
      }
      partial.addComponent(true, piece);
      if (payloadLeft == 0) {
        payloadLeft = -1;
        ByteBuf whole = partial;
        partial = null;
        emit(whole);
      }
    }
  }

  private void emit(ByteBuf datagram) {
    int cap = firstAnswerCap;
    if (cap >= 0) {
      firstAnswerCap = -1;
      if (datagram.readableBytes() > cap) {
        if (cap < Math.min(datagram.readableBytes(), 3)) { // not even "OK" or "ERR" fits: no answer at all
          datagram.release();
          socket.amplificationRefused();
          return;
        }
        datagram.writerIndex(datagram.readerIndex() + cap);
      }
    }
    socket.send(datagram, remote);
  }

  // ---- the channel's life ----------------------------------------------------------------

  @Override
  protected void doClose() {
    markClosed();
    if (partial != null) {
      partial.release();
      partial = null;
    }
    socket.forget(this);
  }

  @Override
  protected void doBeginRead() {
    // Datagrams are pushed by the socket's handler; one paused peer cannot pause a shared socket.
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    return loop == socket.channel().eventLoop();
  }

  @Override
  protected SocketAddress localAddress0() {
    return socket.channel().localAddress();
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return remote;
  }

  /** Passes one datagram of this peer into its pipeline (it takes {@code content} over). */
  void deliver(ByteBuf content) {
    if (!isOpen()) {
      ReferenceCountUtil.release(content);
      return;
    }
    pipeline().fireChannelRead(content);
  }

  /** The socket's read loop ended: the pipeline's end-of-read (its one flush) runs now. */
  void readComplete() {
    if (isOpen()) {
      pipeline().fireChannelReadComplete();
    }
  }

  /** The socket can take datagrams again: what waits in this peer's buffer goes on. */
  void resumeWriting() {
    if (isOpen()) {
      unsafe().flush();
    }
  }
}
