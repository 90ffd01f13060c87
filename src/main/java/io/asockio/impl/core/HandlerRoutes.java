package io.asockio.impl.core;

import io.asockio.api.ClientConnection;
import io.asockio.api.ConnectionHandler;
import io.asockio.api.InlineProcessor;
import io.vertx.core.buffer.Buffer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Decides who serves a new connection. First match wins:
 *
 * <pre>
 *  1. the client's processor        (by API or clients[].processor)
 *  2. the client's bus delivery     (clientDelivery, clients[].deliverTo)
 *  3. the gate's processor          (gateProcessor by API, then gates[].processor / links[].processor)
 *  4. the gate's bus delivery       (gateDelivery, gates[].deliverTo)
 *  5. the node's handler            (Asockio.start(..., handler), IoCore)
 *  6. nobody: messages are dropped, with one warning per connection
 * </pre>
 *
 * Pure bookkeeping: bus deliveries come from the factory it is given.
 */
public final class HandlerRoutes {

  private static final Logger LOG = Logger.getLogger(HandlerRoutes.class.getName());

  private final Map<String, Supplier<? extends InlineProcessor>> processorClasses = new ConcurrentHashMap<>();
  private final Map<String, Supplier<? extends InlineProcessor>> clientProcessors = new ConcurrentHashMap<>();
  private final Map<String, Supplier<? extends InlineProcessor>> gateProcessors = new ConcurrentHashMap<>();
  private final Map<String, String> clientDeliveries = new ConcurrentHashMap<>();
  private final Map<String, String> gateDeliveries = new ConcurrentHashMap<>();
  private final Function<String, ConnectionHandler> deliveries;
  private volatile ConnectionHandler nodeHandler;

  /** {@code deliveries}: the handler that delivers to a bus address (one per address). */
  public HandlerRoutes(Function<String, ConnectionHandler> deliveries) {
    this.deliveries = deliveries;
  }

  public void clientProcessor(String client, Supplier<? extends InlineProcessor> processor) {
    clientProcessors.put(client, processor);
  }

  public void gateProcessor(String gate, Supplier<? extends InlineProcessor> processor) {
    gateProcessors.put(gate, processor);
  }

  /** A processor class named in the config, resolved once ({@code gates[].processor}). */
  public void processorClass(String className, Supplier<? extends InlineProcessor> processor) {
    processorClasses.put(className, processor);
  }

  public boolean knowsProcessorClass(String className) {
    return processorClasses.containsKey(className);
  }

  public boolean hasGateProcessor(String gate) {
    return gateProcessors.containsKey(gate);
  }

  public void clientDelivery(String client, String address) {
    clientDeliveries.put(client, address);
  }

  public void gateDelivery(String gate, String address) {
    gateDeliveries.put(gate, address);
  }

  public void nodeHandler(ConnectionHandler handler) {
    this.nodeHandler = handler;
  }

  /**
   * The handler of a new connection of client {@code client} on gate (or link) {@code gate},
   * whose config names {@code configuredProcessor} (or null).
   */
  public ConnectionHandler handlerFor(String client, String gate, String configuredProcessor) {
    Supplier<? extends InlineProcessor> processor = clientProcessors.get(client);
    if (processor != null) {
      return processor.get();
    }
    String delivery = clientDeliveries.get(client);
    if (delivery != null) {
      return deliveries.apply(delivery);
    }
    processor = gateProcessors.get(gate);
    if (processor == null && configuredProcessor != null) {
      processor = processorClasses.get(configuredProcessor);
    }
    if (processor != null) {
      return processor.get();
    }
    delivery = gateDeliveries.get(gate);
    if (delivery != null) {
      return deliveries.apply(delivery);
    }
    ConnectionHandler handler = nodeHandler;
    return handler != null ? handler : DROPPING;
  }

  /** Handler of connections nobody asked to handle: drops their messages, with one warning per connection. */
  static final ConnectionHandler DROPPING = new ConnectionHandler() {
    @Override
    public boolean wantsOutputBuffersAreEmpty() {
      return false;
    }

    @Override
    public void onConnected(ClientConnection connection) {
      LOG.warning(() -> "no processor or handler for " + connection.describe() + ": its messages are dropped");
    }

    @Override
    public void onDataReceived(ClientConnection connection, Buffer data) {
      // dropped on purpose: nobody registered to receive them (warned at open)
    }
  };
}
