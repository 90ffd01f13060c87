// Echo server, in either programming style.
//
//   java -cp target/asockio.jar examples/EchoServer.java [inline|plain] [PORT]   (default inline 25001)
//   python3 examples/python/echo_client.py 127.0.0.1:25001 alice hello
//
// inline: one InlineProcessor per connection, called on the connection's event loop.
// plain:  one ordinary thread polls ioIteration(), reads and answers.
import io.asockio.api.Asockio;
import io.asockio.api.CloseReason;
import io.asockio.api.InlineProcessor;
import io.asockio.api.IoCore;
import io.asockio.api.IoIterationResult;
import io.asockio.config.AsockioConfig;
import io.asockio.config.GateConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;

public class EchoServer {

  /** Sends every message back; stops reading from a client that does not read its echoes. */
  static final class Echo extends InlineProcessor {
    @Override
    protected void onConnected() {
      System.out.println(name() + " connected from " + remoteAddress());
    }

    @Override
    protected void onDataReceived(Buffer message) {
      send(message);
      if (isOutputFull()) {
        pauseReadingUntilDrained(); // reads again once the echoes reached the kernel
      }
    }

    @Override
    protected void onConnectionLost(CloseReason cause) {
      System.out.println(name() + " left: " + cause);
    }
  }

  public static void main(String[] args) throws Exception {
    String style = args.length > 0 ? args[0] : "inline";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 25001;
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    AsockioConfig config = AsockioConfig.of(GateConfig.tcp("tcp", "127.0.0.1", port));
    if (style.equals("inline")) {
      Asockio node = Asockio.startWith(vertx, config, n -> n.gateProcessor("tcp", Echo::new)).await();
      System.out.println("echo (inline) listening on 127.0.0.1:" + node.port("tcp"));
      return;
    }
    IoCore core = IoCore.start(vertx, config).await();
    System.out.println("echo (plain) listening on 127.0.0.1:" + core.node().port("tcp"));
    while (true) {
      IoIterationResult events = core.ioIteration(Duration.ofSeconds(1));
      for (long id : events.newlyConnectedUnknownClients()) {
        var client = core.client(id);
        System.out.println((client == null ? "client " + id : client.name()) + " connected");
      }
      for (long id : events.clientsHaveDataToRead()) {
        core.sendMessagesToClient(id, core.readMessages(id));
      }
      for (long id : events.clientsWithDisconnectedConnection()) {
        core.removeClient(id); // forget it and whatever it left unread
      }
    }
  }
}
