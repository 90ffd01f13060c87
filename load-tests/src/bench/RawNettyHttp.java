package bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference: a hand-written raw Netty HTTP responder (GET /n answers n bytes of 'X'),
 * one epoll event loop, keep-alive and pipelining, cached responses, one flush per read cycle.
 * It does the HTTP work asockio's example does ({@code examples/HttpServer.java}): the same
 * one-pass head scan, and "Connection: close" (or HTTP/1.0 without keep-alive) closes after the
 * answer, so that connection churn (wrk -H "Connection: close") compares like with like.
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
    private boolean closed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (closed) {
        in.release(); // answered "close": the rest is dropped
        return;
      }
      if (pending != null) {
        pending.writeBytes(in);
        in.release();
        in = pending;
        pending = null;
      }
      int pos = in.readerIndex();
      int end = in.writerIndex();
      while (true) {
        int headEnd = scanHead(in, pos, end);
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
        pos = headEnd + 4;
        if (closeRequested) {
          in.release();
          ctx.writeAndFlush(response(n).duplicate()).addListener(ChannelFutureListener.CLOSE);
          closed = true;
          return;
        }
        ctx.write(response(n).duplicate(), ctx.voidPromise());
      }
      if (pos < end) {
        pending = ctx.alloc().buffer(end - pos + 1024).writeBytes(in, pos, end - pos);
      }
      in.release();
    }

    private static final byte[] HTTP_1_0 = " http/1.0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);
    private boolean closeRequested;

    // The example's scan, on a ByteBuf: where the blank line starts (-1: not all here), and whether to close.
    private int scanHead(ByteBuf in, int from, int end) {
      int lineStart = from;
      boolean http10 = false;
      boolean close = false;
      boolean keepAlive = false;
      for (int i = from + 1; i < end; i++) {
        if (in.getByte(i) != '\n' || in.getByte(i - 1) != '\r') {
          continue;
        }
        int lineEnd = i - 1;
        if (lineEnd == lineStart && lineStart > from) {
          closeRequested = close || (http10 && !keepAlive);
          return lineStart - 2;
        }
        if (lineStart == from) {
          http10 = lineEnd - lineStart >= HTTP_1_0.length && matches(in, lineEnd - HTTP_1_0.length, HTTP_1_0);
        } else if (lineEnd - lineStart >= CONNECTION.length && matches(in, lineStart, CONNECTION)) {
          close |= contains(in, lineStart + CONNECTION.length, lineEnd, CLOSE);
          keepAlive |= contains(in, lineStart + CONNECTION.length, lineEnd, KEEP_ALIVE);
        }
        lineStart = i + 1;
      }
      return -1;
    }

    private static boolean matches(ByteBuf in, int at, byte[] needle) {
      for (int j = 0; j < needle.length; j++) {
        int b = in.getByte(at + j);
        if (b >= 'A' && b <= 'Z') {
          b += 'a' - 'A';
        }
        if (b != needle[j]) {
          return false;
        }
      }
      return true;
    }

    private static boolean contains(ByteBuf in, int from, int to, byte[] needle) {
      for (int i = from; i + needle.length <= to; i++) {
        if (matches(in, i, needle)) {
          return true;
        }
      }
      return false;
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
