package io.asockio.config;

import io.vertx.core.json.JsonObject;

/**
 * An outgoing connection (the client role): where to dial, the keyword to introduce
 * ourselves with, and how to reconnect. Once open it is a client like any other, known
 * under {@code name}.
 *
 * @param name                 name of the link in this node's client set
 * @param endpoint             where to dial (TCP host and port, optionally TLS, a UDP host and port, a Unix
 *                             socket path), or {@code process}: a child process over its stdin and stdout
 * @param keyword              what we introduce ourselves as (framed links); defaults to {@code name}; a
 *                             process link has no handshake (the parent named its child)
 * @param mode                 {@code framed} (keyword, wait for OK) or {@code raw} (no handshake)
 * @param reconnect            backoff after a failure or a loss; {@code enabled: false} dials once
 * @param offlineQueueMessages messages kept while disconnected and sent on (re)connect; 0 refuses them
 * @param processor            class name of an {@code InlineProcessor} serving the link, or null
 * @param process              the command of a process link; null on other transports
 */
public record LinkConfig(String name, Endpoint endpoint, String keyword, GateConfig.Mode mode, Reconnect reconnect,
                         int offlineQueueMessages, String processor, ProcessCommand process) {

  public static final int DEFAULT_OFFLINE_QUEUE_MESSAGES = 1000;

  /**
   * Exponential backoff with jitter: the n-th retry waits
   * {@code min(maxDelayMs, initialDelayMs * multiplier^n) * (1 ± jitter)}.
   */
  public record Reconnect(boolean enabled, long initialDelayMs, long maxDelayMs, double multiplier, double jitter) {

    public static final long DEFAULT_INITIAL_DELAY_MS = 100;
    public static final long DEFAULT_MAX_DELAY_MS = 30_000;
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final double DEFAULT_JITTER = 0.2;
    public static final Reconnect DEFAULTS = new Reconnect(true, DEFAULT_INITIAL_DELAY_MS, DEFAULT_MAX_DELAY_MS,
        DEFAULT_MULTIPLIER, DEFAULT_JITTER);
    public static final Reconnect OFF = DEFAULTS.withEnabled(false);
    /** Exponents beyond this would overflow a double's useful range; the delay is capped long before. */
    private static final int MAX_EXPONENT = 62;

    static final Key<Boolean> ENABLED = Key.bool("enabled", true);
    static final Key<Long> INITIAL_DELAY_MS = Key.number("initialDelayMs", DEFAULT_INITIAL_DELAY_MS, 1, 3_600_000);
    static final Key<Long> MAX_DELAY_MS = Key.number("maxDelayMs", DEFAULT_MAX_DELAY_MS, 1, Limits.DAY_MS);
    static final Key<Double> MULTIPLIER = Key.decimal("multiplier", DEFAULT_MULTIPLIER, 1.0, 100.0);
    static final Key<Double> JITTER = Key.decimal("jitter", DEFAULT_JITTER, 0.0, 1.0);

    static final Section<Reconnect> SECTION = new Section<Reconnect>()
        .add(ENABLED, Reconnect::enabled)
        .add(INITIAL_DELAY_MS, Reconnect::initialDelayMs)
        .add(MAX_DELAY_MS, Reconnect::maxDelayMs)
        .add(MULTIPLIER, Reconnect::multiplier)
        .add(JITTER, Reconnect::jitter);

    public Reconnect withEnabled(boolean on) {
      return new Reconnect(on, initialDelayMs, maxDelayMs, multiplier, jitter);
    }

    public Reconnect withInitialDelayMs(long ms) {
      return new Reconnect(enabled, ms, maxDelayMs, multiplier, jitter);
    }

    public Reconnect withMaxDelayMs(long ms) {
      return new Reconnect(enabled, initialDelayMs, ms, multiplier, jitter);
    }

    public Reconnect withMultiplier(double factor) {
      return new Reconnect(enabled, initialDelayMs, maxDelayMs, factor, jitter);
    }

    public Reconnect withJitter(double share) {
      return new Reconnect(enabled, initialDelayMs, maxDelayMs, multiplier, share);
    }

    /** Delay before retry number {@code attempt} (0-based), with {@code random} in [0, 1). */
    public long delayMs(int attempt, double random) {
      double base = Math.min(maxDelayMs, initialDelayMs * Math.pow(multiplier, Math.min(attempt, MAX_EXPONENT)));
      double factor = 1 + jitter * (2 * random - 1);
      return Math.max(1, Math.round(base * factor));
    }

    static Reconnect fromJson(JsonObject json, String path) {
      JsonFields f = SECTION.fields(json, path);
      long initial = f.read(INITIAL_DELAY_MS);
      long max = f.read(MAX_DELAY_MS);
      if (max < initial) {
        throw new ConfigException(f.key(MAX_DELAY_MS), "must be at least initialDelayMs (" + initial + ")");
      }
      return new Reconnect(f.read(ENABLED), initial, max, f.read(MULTIPLIER), f.read(JITTER));
    }
  }

  static final Key<String> NAME = Key.requiredString("name");
  static final Key<String> KEYWORD = Key.string("keyword", null);
  static final Key<GateConfig.Mode> MODE = Key.enumeration("mode", GateConfig.Mode.class, GateConfig.Mode.FRAMED);
  static final Key<JsonObject> RECONNECT = Key.object("reconnect", Reconnect.SECTION);
  static final Key<Integer> OFFLINE_QUEUE_MESSAGES = Key.integer("offlineQueueMessages", DEFAULT_OFFLINE_QUEUE_MESSAGES, 0,
      Limits.MAX_COUNT);
  static final Key<String> PROCESSOR = Key.optionalName("processor");
  static final Key<java.util.List<String>> COMMAND = Key.strings("command");
  static final Key<Object> ENV = Key.custom("env");
  static final Key<String> CWD = Key.string("cwd", null);

  static final Section<LinkConfig> SECTION = new Section<LinkConfig>()
      .add(NAME, LinkConfig::name)
      .inline(Endpoint.SECTION, LinkConfig::endpoint)
      .add(KEYWORD, LinkConfig::keyword)
      .add(MODE, LinkConfig::mode)
      .add(RECONNECT, l -> Reconnect.SECTION.toJson(l.reconnect))
      .add(OFFLINE_QUEUE_MESSAGES, LinkConfig::offlineQueueMessages)
      .add(PROCESSOR, LinkConfig::processor)
      .add(COMMAND, l -> l.process == null ? null : l.process.command())
      .add(ENV, l -> ProcessCommand.envJson(l.process))
      .add(CWD, l -> l.process == null ? null : l.process.cwd());

  /** A framed TCP link with default reconnection. */
  public static LinkConfig tcp(String name, String host, int port) {
    return new LinkConfig(name, Endpoint.tcp(host, port), name, GateConfig.Mode.FRAMED, Reconnect.DEFAULTS,
        DEFAULT_OFFLINE_QUEUE_MESSAGES, null, null);
  }

  /** A framed UDP link with default reconnection (one datagram per message; see PROTOCOL.md §8). */
  public static LinkConfig udp(String name, String host, int port) {
    return new LinkConfig(name, Endpoint.udp(host, port), name, GateConfig.Mode.FRAMED, Reconnect.DEFAULTS,
        DEFAULT_OFFLINE_QUEUE_MESSAGES, null, null);
  }

  /**
   * A framed link to a child process running {@code command}, over its stdin and stdout, with
   * default reconnection (the child is started again after it exits).
   */
  public static LinkConfig process(String name, ProcessCommand command) {
    return new LinkConfig(name, Endpoint.process(), name, GateConfig.Mode.FRAMED, Reconnect.DEFAULTS,
        DEFAULT_OFFLINE_QUEUE_MESSAGES, null, command);
  }

  /** A framed Unix-socket link with default reconnection. */
  public static LinkConfig unix(String name, String path) {
    return new LinkConfig(name, Endpoint.unix(path), name, GateConfig.Mode.FRAMED, Reconnect.DEFAULTS,
        DEFAULT_OFFLINE_QUEUE_MESSAGES, null, null);
  }

  public GateConfig.Transport transport() {
    return endpoint.transport();
  }

  public String host() {
    return endpoint.host();
  }

  public int port() {
    return endpoint.port();
  }

  public String path() {
    return endpoint.path();
  }

  public TlsConfig tls() {
    return endpoint.tls();
  }

  public LinkConfig withKeyword(String newKeyword) {
    return new LinkConfig(name, endpoint, newKeyword, mode, reconnect, offlineQueueMessages, processor, process);
  }

  public LinkConfig withMode(GateConfig.Mode newMode) {
    return new LinkConfig(name, endpoint, keyword, newMode, reconnect, offlineQueueMessages, processor, process);
  }

  public LinkConfig withReconnect(Reconnect newReconnect) {
    return new LinkConfig(name, endpoint, keyword, mode, newReconnect, offlineQueueMessages, processor, process);
  }

  public LinkConfig withOfflineQueueMessages(int messages) {
    return new LinkConfig(name, endpoint, keyword, mode, reconnect, messages, processor, process);
  }

  public LinkConfig withProcessor(String className) {
    return new LinkConfig(name, endpoint, keyword, mode, reconnect, offlineQueueMessages, className, process);
  }

  /** TCP only (an IllegalArgumentException on other transports). */
  public LinkConfig withTls(TlsConfig newTls) {
    return new LinkConfig(name, endpoint.withTls(newTls), keyword, mode, reconnect, offlineQueueMessages, processor, process);
  }

  /** UDP: the socket's receive buffer to ask for, 0..1 GiB (0: the system's default; an IllegalArgumentException on other transports). */
  public LinkConfig withReceiveBufferBytes(int bytes) {
    return new LinkConfig(name, endpoint.withReceiveBufferBytes(bytes), keyword, mode, reconnect, offlineQueueMessages, processor,
        process);
  }

  /** Human form of the target, e.g. {@code tcp 127.0.0.1:25000}, {@code process [python3, worker.py]}. */
  public String target() {
    return process == null ? endpoint.toString() : "process " + process.command();
  }

  static LinkConfig fromJson(JsonObject json, String path) {
    JsonFields f = SECTION.fields(json, path);
    String name = f.read(NAME);
    Endpoint endpoint = Endpoint.read(f, false);
    String keyword = f.read(KEYWORD);
    if (keyword == null) {
      keyword = name;
    } else if (keyword.isEmpty()) {
      throw new ConfigException(f.key(KEYWORD), "an empty keyword is not a name");
    }
    ProcessCommand process = null;
    if (endpoint.transport() == GateConfig.Transport.PROCESS) {
      java.util.List<String> command = f.read(COMMAND);
      if (command == null || command.isEmpty()) {
        throw new ConfigException(f.key(COMMAND), "required for transport process: the program and its arguments, "
            + "e.g. [\"python3\", \"worker.py\"]");
      }
      process = new ProcessCommand(command, ProcessCommand.env(f.read(ENV), f.key(ENV)), f.read(CWD));
    } else {
      for (Key<?> processOnly : java.util.List.of(COMMAND, ENV, CWD)) {
        if (f.has(processOnly)) {
          throw new ConfigException(f.key(processOnly), "only for transport process");
        }
      }
    }
    return new LinkConfig(name, endpoint, keyword, f.read(MODE),
        f.has(RECONNECT) ? Reconnect.fromJson(f.read(RECONNECT), f.key(RECONNECT)) : Reconnect.DEFAULTS,
        f.read(OFFLINE_QUEUE_MESSAGES), f.read(PROCESSOR), process);
  }

  public JsonObject toJson() {
    return SECTION.toJson(this);
  }
}
