package bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The reference for framed echo: hand-written Netty, the asockio framing (8-byte LE length),
 * keyword answered with OK, each frame echoed. A frame's buffer is sized from its header
 * (no cumulation reallocation), one flush per read cycle. Usage: RawNettyEcho PORT
 */
public final class RawNettyEcho {

  static final class Handler extends ChannelInboundHandlerAdapter {
    private final byte[] header = new byte[8];
    private int headerBytes;
    private ByteBuf body;
    private long remaining;
    private boolean handshaken;
    // Frames above this size are passed through as they arrive (what "raw Netty copying" means
    // for a 5 GiB message): header first, then every chunk, with back-pressure.
    static final long PASS_THROUGH = 16L << 20;
    private long passThrough;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        while (in.isReadable()) {
          if (passThrough > 0) {
            int n = (int) Math.min(passThrough, in.readableBytes());
            ctx.write(in.readRetainedSlice(n), ctx.voidPromise());
            passThrough -= n;
            if (!ctx.channel().isWritable()) {
              ctx.channel().config().setAutoRead(false);
            }
            continue;
          }
          if (body == null) {
            if (headerBytes == 0 && in.readableBytes() >= 8) {
              remaining = in.readLongLE();
            } else {
              header[headerBytes++] = in.readByte();
              if (headerBytes < 8) {
                continue;
              }
              headerBytes = 0;
              remaining = 0;
              for (int i = 7; i >= 0; i--) {
                remaining = (remaining << 8) | (header[i] & 0xff);
              }
            }
            if (handshaken && Long.compareUnsigned(remaining, PASS_THROUGH) > 0) {
              ctx.write(ctx.alloc().buffer(8).writeLongLE(remaining), ctx.voidPromise());
              passThrough = remaining;
              remaining = 0;
              continue;
            }
            body = ctx.alloc().buffer(8 + (int) remaining).writeLongLE(remaining);
            if (remaining > 0 && in.readableBytes() >= remaining) {
              body.writeBytes(in, (int) remaining);
              remaining = 0;
            }
          } else {
            int n = (int) Math.min(remaining, in.readableBytes());
            body.writeBytes(in, n);
            remaining -= n;
          }
          if (remaining == 0) {
            ByteBuf frame = body;
            body = null;
            if (!handshaken) {
              handshaken = true;
              frame.release();
              ctx.write(ctx.alloc().buffer(10).writeLongLE(2).writeByte('O').writeByte('K'), ctx.voidPromise());
            } else {
              ctx.write(frame, ctx.voidPromise());
            }
          }
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(true);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  public static void main(String[] args) throws Exception {
    NettyServer.serve(Integer.parseInt(args[0]), Handler::new, "raw netty echo");
  }
}
