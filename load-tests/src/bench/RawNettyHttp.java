package bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference: a hand-written raw Netty HTTP responder (GET /n answers n bytes of 'X'),
 * one epoll event loop, keep-alive and pipelining, cached responses, one flush per read cycle.
 * Usage: RawNettyHttp PORT
 */
public final class RawNettyHttp {

  static final ConcurrentHashMap<Integer, ByteBuf> RESPONSES = new ConcurrentHashMap<>();

  static ByteBuf response(int n) {
    return RESPONSES.computeIfAbsent(n, size -> {
      byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + size + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      byte[] all = Arrays.copyOf(head, head.length + size);
      Arrays.fill(all, head.length, all.length, (byte) 'X');
      return Unpooled.unreleasableBuffer(Unpooled.directBuffer(all.length).writeBytes(all));
    });
  }

  static final class Handler extends ChannelInboundHandlerAdapter {
    private ByteBuf pending;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (pending != null) {
        pending.writeBytes(in);
        in.release();
        in = pending;
        pending = null;
      }
      int pos = in.readerIndex();
      int end = in.writerIndex();
      while (true) {
        int headEnd = -1;
        for (int i = pos; i + 3 < end; i++) {
          if (in.getByte(i + 3) == '\n' && in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r') {
            headEnd = i;
            break;
          }
        }
        if (headEnd < 0) {
          break;
        }
        int n = 0;
        for (int i = pos + 5; i < headEnd; i++) {
          byte b = in.getByte(i);
          if (b < '0' || b > '9') {
            break;
          }
          n = n * 10 + (b - '0');
        }
        ctx.write(response(n).duplicate(), ctx.voidPromise());
        pos = headEnd + 4;
      }
      if (pos < end) {
        pending = ctx.alloc().buffer(end - pos + 1024).writeBytes(in, pos, end - pos);
      }
      in.release();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  public static void main(String[] args) throws Exception {
    NettyServer.serve(Integer.parseInt(args[0]), Handler::new, "raw netty http");
  }
}
