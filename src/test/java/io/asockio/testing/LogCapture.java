package io.asockio.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages one logger writes while it is open (any level, any thread); closing stops
 * listening: {@code try (LogCapture log = LogCapture.of(SomeClass.class)) { ...; log.messages() }}.
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
    logger.addHandler(this);
  }

  /** Listens to the logger named after {@code source}, as asockio's classes name theirs. */
  public static LogCapture of(Class<?> source) {
    return of(source.getName());
  }

  public static LogCapture of(String loggerName) {
    return new LogCapture(Logger.getLogger(loggerName));
  }

  /** What was logged so far, in order (a live view: read it again to see more). */
  public List<String> messages() {
    return messages;
  }

  @Override
  public void publish(LogRecord record) {
    messages.add(record.getMessage());
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
