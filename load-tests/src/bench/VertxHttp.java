package bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

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
      Buffer body = BODIES.computeIfAbsent(n, size -> {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'X');
        return Buffer.buffer(b);
      });
      req.response().putHeader("Content-Type", "text/plain").end(body);
    }).listen(port, "127.0.0.1").await();
    System.out.println("vertx http listening on 127.0.0.1:" + port);
  }
}
