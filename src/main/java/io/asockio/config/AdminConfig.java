package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The admin HTTP API: metrics, health, clients, the live page. Off by default; on loopback
 * by default when on. Anywhere else it needs a bearer token (a config error otherwise).
 *
 * @param enabled serve the admin API
 * @param host    address to bind ({@code 127.0.0.1} by default)
 * @param port    TCP port (0: any free one)
 * @param token   bearer token every request must carry ({@code Authorization: Bearer <token>}),
 *                or null: allowed only on a loopback host
 * @param tls     TLS for the admin port, or null
 */
public record AdminConfig(boolean enabled, String host, int port, String token, TlsConfig tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 25080;
  /** A token this short could be guessed; a generated one is 32 characters or more. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public static final AdminConfig DEFAULTS = new AdminConfig(false, DEFAULT_HOST, DEFAULT_PORT, null, null);

  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

  static final Key<Boolean> ENABLED = Key.bool("enabled", false);
  static final Key<String> HOST = Key.string("host", DEFAULT_HOST);
  static final Key<Integer> PORT = Key.integer("port", DEFAULT_PORT, 0, 65535);
  static final Key<String> TOKEN_KEY = Key.optionalName("token");
  static final Key<JsonObject> TLS = Key.object("tls", TlsConfig.SECTION);

  static final Section<AdminConfig> SECTION = new Section<AdminConfig>()
      .add(ENABLED, AdminConfig::enabled)
      .add(HOST, AdminConfig::host)
      .add(PORT, AdminConfig::port)
      .add(TOKEN_KEY, AdminConfig::token)
      .add(TLS, a -> a.tls == null ? null : a.tls.toJson());

  /** On at {@code host:port} (port 0: any free one), without token or TLS. */
  public static AdminConfig on(String host, int port) {
    return new AdminConfig(true, host, port, null, null);
  }

  public AdminConfig withToken(String newToken) {
    return new AdminConfig(enabled, host, port, newToken, tls);
  }

  public AdminConfig withTls(TlsConfig newTls) {
    return new AdminConfig(enabled, host, port, token, newTls);
  }

  /** Whether {@code host} is a loopback address (a literal, or {@code localhost}); names are not resolved. */
  public static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return false; // a host name: whatever it resolves to, treat it as reachable from outside
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static AdminConfig fromJson(JsonObject json, String path) {
    JsonFields f = SECTION.fields(json, path);
    String host = f.read(HOST);
    String token = f.read(TOKEN_KEY);
    if (token != null && (token.length() < MIN_TOKEN_LENGTH || !TOKEN.matcher(token).matches())) {
      throw new ConfigException(f.key(TOKEN_KEY), "expected at least " + MIN_TOKEN_LENGTH
          + " printable ASCII characters without spaces (the value is not shown)");
    }
    boolean enabled = f.read(ENABLED);
    if (enabled && token == null && !isLoopback(host)) {
      throw new ConfigException(f.key(TOKEN_KEY), "required when " + f.key(HOST) + " (" + host
          + ") is not a loopback address: anyone who reaches the port could disconnect clients");
    }
    TlsConfig tls = f.has(TLS) ? TlsConfig.fromJson(f.read(TLS), f.key(TLS), true) : null;
    return new AdminConfig(enabled, host, f.read(PORT), token, tls);
  }

  JsonObject toJson() {
    return SECTION.toJson(this);
  }

  /** Never print the token. */
  @Override
  public String toString() {
    return "AdminConfig[enabled=" + enabled + ", host=" + host + ", port=" + port + ", token=" + (token == null ? "none" : "(set)")
        + ", tls=" + (tls != null) + "]";
  }
}
