package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Clustering with Vert.x and Hazelcast. Loopback-only defaults; no multicast, no automatic
 * discovery, no phone-home; members are joined over TCP/IP from an explicit list.
 *
 * @param enabled              run clustered
 * @param name                 cluster name: only nodes with the same name join
 * @param host                 address Hazelcast and the event bus bind to and announce
 * @param port                 first Hazelcast port to try (the next ones are tried when taken)
 * @param members              addresses of members to join (host or host:port)
 * @param memberTimeoutSeconds a member silent this long is removed; its clients are then swept
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
                            int memberTimeoutSeconds) {

  public static final String DEFAULT_NAME = "asockio";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final List<String> DEFAULT_MEMBERS = List.of(DEFAULT_HOST);
  public static final int DEFAULT_MEMBER_TIMEOUT_SECONDS = 10;

  public static final ClusterConfig DEFAULTS = new ClusterConfig(false, DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT,
      DEFAULT_MEMBERS, DEFAULT_MEMBER_TIMEOUT_SECONDS);

  // host, host:port, [v6] or [v6]:port; a port range (5701-5703) is refused: Hazelcast's member list takes none here.
  private static final Pattern MEMBER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^\\s:\\[\\]]+)(:[0-9]{1,5})?");

  static final Key<Boolean> ENABLED = Key.bool("enabled", false);
  static final Key<String> NAME = Key.string("name", DEFAULT_NAME);
  static final Key<String> HOST = Key.string("host", DEFAULT_HOST);
  static final Key<Integer> PORT = Key.integer("port", DEFAULT_PORT, 1, 65535);
  static final Key<List<String>> MEMBERS = Key.strings("members");
  static final Key<Integer> MEMBER_TIMEOUT_SECONDS = Key.integer("memberTimeoutSeconds", DEFAULT_MEMBER_TIMEOUT_SECONDS, 2, 600);

  static final Section<ClusterConfig> SECTION = new Section<ClusterConfig>()
      .add(ENABLED, ClusterConfig::enabled)
      .add(NAME, ClusterConfig::name)
      .add(HOST, ClusterConfig::host)
      .add(PORT, ClusterConfig::port)
      .add(MEMBERS, ClusterConfig::members)
      .add(MEMBER_TIMEOUT_SECONDS, ClusterConfig::memberTimeoutSeconds);

  public ClusterConfig {
    members = List.copyOf(members);
  }

  public ClusterConfig enabled(String clusterName) {
    return new ClusterConfig(true, clusterName, host, port, members, memberTimeoutSeconds);
  }

  static ClusterConfig fromJson(JsonObject json, String path) {
    JsonFields f = SECTION.fields(json, path);
    List<String> members = f.read(MEMBERS);
    if (members == null) {
      members = DEFAULT_MEMBERS;
    }
    for (int i = 0; i < members.size(); i++) {
      if (!MEMBER.matcher(members.get(i)).matches()) {
        throw new ConfigException(f.key(MEMBERS) + "[" + i + "]", "expected host or host:port (no port ranges), got \""
            + members.get(i) + "\"");
      }
    }
    String name = f.read(NAME);
    if (name.isBlank()) {
      throw new ConfigException(f.key(NAME), "must not be empty");
    }
    return new ClusterConfig(f.read(ENABLED), name, f.read(HOST), f.read(PORT), members, f.read(MEMBER_TIMEOUT_SECONDS));
  }

  JsonObject toJson() {
    return SECTION.toJson(this);
  }
}
