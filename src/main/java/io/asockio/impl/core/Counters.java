package io.asockio.impl.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's counters. Names come from typed reasons ({@code Refusal.counter()},
 * {@code CloseCause.counter()}) and a few fixed events, so their number stays bounded;
 * {@code denied.<rule>} is bounded by the configured rules.
 */
public final class Counters {

  public static final String OPENED = "opened";
  public static final String CLOSED = "closed";
  public static final String TAKEOVER = "takeover";
  public static final String OUTPUT_FULL = sendFailed(io.asockio.api.SendException.Reason.OUTPUT_FULL);
  public static final String STREAMS_RECEIVED = "streams.received";
  /** A connection stopped being read until the node's held-input budget had room ({@code limits.maxHeldInputBytes}). */
  public static final String HELD_INPUT_WAITS = "input.waited for memory";
  /** Sends refused because the node's output together was at limits.maxNodeOutputBytes (also counted as output full). */
  public static final String NODE_OUTPUT_FULL = "output.node budget full";

  /** The counter of sends refused for {@code reason}, e.g. {@code send.output full}. */
  public static String sendFailed(io.asockio.api.SendException.Reason reason) {
    return "send." + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  public void count(String name) {
    counters.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  /** Current value (0 when it never counted). */
  public long get(String name) {
    LongAdder adder = counters.get(name);
    return adder == null ? 0 : adder.sum();
  }

  /** A sorted snapshot. */
  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new TreeMap<>();
    counters.forEach((k, v) -> snapshot.put(k, v.sum()));
    return snapshot;
  }
}
