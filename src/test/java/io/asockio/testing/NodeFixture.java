package io.asockio.testing;

import io.asockio.api.Asockio;
import io.asockio.config.AsockioConfig;
import io.asockio.api.ConnectionHandler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A Vert.x instance (native transport preferred) and an asockio node on it, for one test.
 * Register it as a field ({@code @RegisterExtension final NodeFixture fixture = new NodeFixture();})
 * and it is closed after each test; or use it in try-with-resources.
 */
public final class NodeFixture implements AutoCloseable, AfterEachCallback {

  public final Vertx vertx;
  public final Path tmp;
  private Asockio node;

  public NodeFixture() {
    try {
      // Short, private folder for Unix sockets (paths are limited to 107 bytes).
      tmp = Files.createTempDirectory(Path.of("/tmp"), "ask");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  public Asockio start(AsockioConfig config) {
    return start(config, null);
  }

  public Asockio start(AsockioConfig config, ConnectionHandler handler) {
    node = Asockio.start(vertx, config, handler).await();
    return node;
  }

  public Asockio node() {
    return node;
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    close();
  }

  @Override
  public void close() throws IOException {
    try {
      if (node != null) {
        node.stop().await();
      }
    } finally {
      vertx.close().await();
      try (Stream<Path> files = Files.walk(tmp)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
