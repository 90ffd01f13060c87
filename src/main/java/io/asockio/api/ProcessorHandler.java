package io.asockio.api;

import io.asockio.gate.Connection;
import io.asockio.gate.ConnectionHandler;
import io.asockio.gate.MessageStream;
import io.vertx.core.buffer.Buffer;

/** Adapts an {@link InlineProcessor} to the gate's {@link ConnectionHandler}. */
final class ProcessorHandler implements ConnectionHandler {

  // Whether a processor class overrides onOutputBuffersAreEmpty, computed once per class.
  private static final ClassValue<Boolean> WANTS_DRAINED = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      for (Class<?> c = type; c != null && c != InlineProcessor.class; c = c.getSuperclass()) {
        try {
          c.getDeclaredMethod("onOutputBuffersAreEmpty");
          return true;
        } catch (NoSuchMethodException notHere) {
          // look in the superclass
        }
      }
      return false;
    }
  };

  private final InlineProcessor processor;

  ProcessorHandler(InlineProcessor processor) {
    this.processor = processor;
  }

  @Override
  public boolean wantsDrained() {
    return WANTS_DRAINED.get(processor.getClass());
  }

  @Override
  public void onOpen(Connection connection) {
    processor.bind(connection);
    processor.onConnected();
  }

  @Override
  public void onMessage(Connection connection, Buffer data) {
    processor.onDataReceived(data);
  }

  @Override
  public boolean readsInPlace() {
    return processor.readsInPlace();
  }

  @Override
  public long streamThreshold() {
    return processor.streamThreshold();
  }

  @Override
  public void onStream(Connection connection, MessageStream stream) {
    processor.onMessageStream(stream);
  }

  @Override
  public void onDrained(Connection connection) {
    processor.onOutputBuffersAreEmpty();
  }

  @Override
  public void onClosed(Connection connection, String cause) {
    processor.onConnectionLost(cause);
  }
}
