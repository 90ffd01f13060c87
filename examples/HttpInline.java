// HTTP over a raw gate, inheritance style: GET /<n> answers n bytes of 'X'.
// HTTP/1.1 keep-alive and pipelining; "Connection: close" is honoured. No HTTP library:
// the raw gate hands over bytes as they come, and this class frames requests itself.
//
//   java -cp target/asockio.jar examples/HttpInline.java [PORT]      (default 8080)
//   curl http://127.0.0.1:8080/5        ->  XXXXX
import io.asockio.api.Asockio;
import io.asockio.api.InlineProcessor;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

public class HttpInline {

  /** Largest body served: beyond it the answer is 413. */
  static final int MAX_BODY = 64 * 1024 * 1024;
  /** A request head longer than this without its blank line is refused (431). */
  static final int MAX_HEAD = 16 * 1024;
  static final ConcurrentHashMap<Integer, Buffer> RESPONSES = new ConcurrentHashMap<>();

  static Buffer response(int n) {
    return RESPONSES.computeIfAbsent(n, size -> {
      byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + size + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      byte[] all = new byte[head.length + size];
      System.arraycopy(head, 0, all, 0, head.length);
      java.util.Arrays.fill(all, head.length, all.length, (byte) 'X');
      return Buffer.buffer(all);
    });
  }

  static Buffer error(int status, String reason) {
    return Buffer.buffer("HTTP/1.1 " + status + " " + reason + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }

  /** Frames pipelined requests out of the byte stream and answers each in order. */
  static final class Http extends InlineProcessor {
    private Buffer pending;

    @Override
    protected void onDataReceived(Buffer data) {
      Buffer in = pending == null ? data : pending.appendBuffer(data);
      pending = null;
      int pos = 0;
      int end = in.length();
      Buffer batch = null;
      while (pos < end) {
        int headEnd = indexOfBlankLine(in, pos, end);
        if (headEnd < 0) {
          if (end - pos > MAX_HEAD) {
            send(error(431, "Request Header Fields Too Large"));
            closeAfterFlush();
            return;
          }
          pending = in.getBuffer(pos, end); // a copy: the rest comes with the next read
          break;
        }
        Buffer answer;
        boolean close = false;
        int n = parseTarget(in, pos, headEnd);
        if (n == -1) {
          answer = error(400, "Bad Request");
          close = true;
        } else if (n == -2) {
          answer = error(413, "Payload Too Large");
          close = true;
        } else {
          answer = response(n);
          close = wantsClose(in, pos, headEnd);
        }
        pos = headEnd + 4;
        if (batch == null && (close || pos >= end)) {
          send(answer); // the common case: one request, its cached answer, no copy
        } else {
          if (batch == null) {
            batch = Buffer.buffer();
          }
          batch.appendBuffer(answer);
        }
        if (close) {
          break;
        }
        if (close || pos >= end) {
          break;
        }
      }
      if (batch != null) {
        send(batch);
      }
    }

    // "GET /123 HTTP/1.1": the number after the slash, -1 when malformed, -2 when too big.
    private static int parseTarget(Buffer in, int start, int headEnd) {
      if (headEnd - start < 14 || in.getByte(start) != 'G' || in.getByte(start + 1) != 'E' || in.getByte(start + 2) != 'T'
          || in.getByte(start + 3) != ' ' || in.getByte(start + 4) != '/') {
        return -1;
      }
      long n = 0;
      int i = start + 5;
      for (; i < headEnd; i++) {
        byte b = in.getByte(i);
        if (b == ' ' || b == '?') {
          break;
        }
        if (b < '0' || b > '9') {
          return -1;
        }
        n = n * 10 + (b - '0');
        if (n > MAX_BODY) {
          return -2;
        }
      }
      return i == start + 5 ? 0 : (int) n;
    }

    private static boolean wantsClose(Buffer in, int start, int headEnd) {
      String head = in.getString(start, headEnd, "US-ASCII").toLowerCase();
      return head.contains("\r\nconnection: close") || head.contains("http/1.0") && !head.contains("keep-alive");
    }

    private static int indexOfBlankLine(Buffer in, int from, int end) {
      for (int i = from; i + 3 < end; i++) {
        if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r' && in.getByte(i + 3) == '\n') {
          return i;
        }
      }
      return -1;
    }
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    AsockioConfig config = AsockioConfig.of(GateConfig.tcp("http", "127.0.0.1", port)
        .withMode(GateConfig.Mode.RAW).withInstances(instances));
    Asockio node = Asockio.start(vertx, config).await();
    node.gateProcessor("http", Http::new);
    System.out.println("http (inline) listening on 127.0.0.1:" + node.port("http"));
  }
}
