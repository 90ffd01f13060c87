package bench;

import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/** Vert.x HttpServer answering GET /n with n bytes of 'X'. Usage: VertxHttp PORT */
public final class VertxHttp {

  static final ConcurrentHashMap<Integer, Buffer> BODIES = new ConcurrentHashMap<>();

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1)).build();
    vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> {
      int n;
      try {
        n = Integer.parseInt(req.path().substring(1));
      } catch (RuntimeException e) {
        req.response().setStatusCode(400).end();
        return;
      }
      // Off-heap once, as the raw Netty and asockio peers keep theirs: a heap body would be
      // copied to direct memory on every response (5 MiB x 200 connections outgrows the JVM's
      // direct-memory limit, and the server collapses).
      Buffer body = BODIES.computeIfAbsent(n, size -> {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'X');
        return BufferInternal.buffer(Unpooled.unreleasableBuffer(Unpooled.directBuffer(size, size).writeBytes(b)));
      });
      req.response().putHeader("Content-Type", "text/plain").end(body);
    }).listen(port, "127.0.0.1").await();
    System.out.println("vertx http listening on 127.0.0.1:" + port);
  }
}
