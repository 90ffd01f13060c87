// HTTP over a raw gate: GET /<n> answers n bytes of 'X', in either programming style.
// HTTP/1.1 keep-alive and pipelining; "Connection: close" and HTTP/1.0 are honoured.
// No HTTP library: the raw gate hands over bytes as they come and this file frames requests.
//
//   java -cp target/asockio.jar examples/HttpServer.java [inline|plain] [PORT] [INSTANCES] [quiet]
//   curl http://127.0.0.1:8080/5        ->  XXXXX
//
// This is also the server of the HTTP benchmark in load-tests/.
import io.asockio.api.Asockio;
import io.asockio.api.InlineProcessor;
import io.asockio.api.IoCore;
import io.asockio.api.IoIterationResult;
import io.asockio.api.SharedBuffers;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

public class HttpServer {

  /** Largest body served: beyond it the answer is 413. */
  static final int MAX_BODY = 64 * 1024 * 1024;
  /** A request head longer than this without its blank line is refused (431). */
  static final int MAX_HEAD = 16 * 1024;
  static final ConcurrentHashMap<Integer, Buffer> RESPONSES = new ConcurrentHashMap<>();

  static Buffer response(int n) {
    return RESPONSES.computeIfAbsent(n, size -> {
      byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + size + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      byte[] all = Arrays.copyOf(head, head.length + size);
      Arrays.fill(all, head.length, all.length, (byte) 'X');
      return SharedBuffers.of(all); // sent again and again: off-heap once, no copy per send
    });
  }

  static Buffer error(int status, String reason) {
    return Buffer.buffer("HTTP/1.1 " + status + " " + reason + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }

  /**
   * Frames pipelined requests out of one connection's byte stream and answers each, in order.
   * Style-neutral: the inline and the plain server both feed it.
   */
  static final class RequestParser {
    private Buffer pending;

    /** Feeds bytes; answers go to {@code send}; returns true when the connection must close after them. */
    boolean feed(Buffer data, Consumer<Buffer> send) {
      Buffer in = pending == null ? data : pending.appendBuffer(data);
      pending = null;
      int pos = 0;
      int end = in.length();
      Buffer batch = null;
      boolean close = false;
      while (pos < end && !close) {
        int headEnd = scanHead(in, pos, end);
        if (headEnd < 0) {
          if (end - pos > MAX_HEAD) {
            send.accept(error(431, "Request Header Fields Too Large"));
            return true;
          }
          pending = in.getBuffer(pos, end); // a copy: the rest of the head comes with a later read
          break;
        }
        Buffer answer;
        int n = parseTarget(in, pos, headEnd);
        if (n == -1) {
          answer = error(400, "Bad Request");
          close = true;
        } else if (n == -2) {
          answer = error(413, "Payload Too Large");
          close = true;
        } else {
          answer = response(n);
          close = closeRequested;
        }
        pos = headEnd + 4;
        if (batch == null && (close || pos >= end)) {
          send.accept(answer); // the common case: one request, its cached answer, no copy
        } else {
          if (batch == null) {
            batch = Buffer.buffer();
          }
          batch.appendBuffer(answer);
        }
      }
      if (batch != null) {
        send.accept(batch);
      }
      return close;
    }

    // "GET /123 HTTP/1.1": the number after the slash; -1 when malformed, -2 when too big.
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
      return (int) n;
    }

    private static final byte[] HTTP_1_0 = " http/1.0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);

    // Set by scanHead: the request asks to close the connection after its answer.
    private boolean closeRequested;

    /**
     * One pass over a request head, as it runs for every request: returns where its blank line
     * starts (-1: the head is not all here yet) and notes whether it asks to close
     * ("Connection: close", or HTTP/1.0 without "Connection: keep-alive"). The raw Netty reference of
     * the benchmark (load-tests/src/bench/RawNettyHttp.java) runs this same scan over a ByteBuf.
     */
    private int scanHead(Buffer in, int from, int end) {
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

    // ASCII, case-insensitive, needle in lower case; no allocation.
    private static boolean matches(Buffer in, int at, byte[] needle) {
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

    private static boolean contains(Buffer in, int from, int to, byte[] needle) {
      for (int i = from; i + needle.length <= to; i++) {
        if (matches(in, i, needle)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Inheritance style: one parser per connection, on its event loop. */
  static final class Http extends InlineProcessor {
    private final RequestParser parser = new RequestParser();

    // The parser copies the partial request it keeps, so it can read the socket's buffer in place.
    @Override
    public boolean readsInPlace() {
      return true;
    }

    @Override
    protected void onDataReceived(Buffer data) {
      if (parser.feed(data, this::send)) {
        closeAfterFlush();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String style = args.length > 0 ? args[0] : "inline";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    int instances = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    // "quiet": no one sends to an HTTP peer by name, so its connection needs no bus address,
    // directory record or events (announce off); the default announces, and is what is benchmarked.
    boolean quiet = args.length > 3 && args[3].equals("quiet");
    AsockioConfig config = AsockioConfig.of(GateConfig.tcp("http", "127.0.0.1", port)
        .withMode(GateConfig.Mode.RAW).withInstances(instances).withAnnounce(!quiet));
    if (style.equals("inline")) {
      Asockio node = Asockio.startWith(vertx, config, n -> n.gateProcessor("http", Http::new)).await();
      System.out.println("http (inline) listening on 127.0.0.1:" + node.port("http"));
      return;
    }
    // Plain style: one thread, one parser per client, answers sent from the loop, which
    // also does the connections' reads and writes (no hand-off between threads per request).
    IoCore core = IoCore.startOnThisThread(vertx, config).reportEmptyOutput(false); // this loop never asks
    System.out.println("http (plain) listening on 127.0.0.1:" + core.node().port("http"));
    Map<Long, RequestParser> parsers = new HashMap<>();
    while (true) {
      IoIterationResult events = core.ioIteration(Duration.ofSeconds(1));
      for (long id : events.clientsHaveDataToRead()) {
        RequestParser parser = parsers.computeIfAbsent(id, k -> new RequestParser());
        for (Buffer chunk : core.readMessages(id)) {
          if (parser.feed(chunk, answer -> core.sendMessageToClient(id, answer))) {
            core.closeAfterFlush(id);
            break;
          }
        }
      }
      for (long id : events.clientsWithDisconnectedConnection()) {
        parsers.remove(id);
        core.removeClient(id);
      }
    }
  }
}
