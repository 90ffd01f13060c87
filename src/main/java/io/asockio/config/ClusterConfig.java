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
 * @param eventBusHost         address the event bus binds to, or null for {@code host}
 * @param eventBusPort         port the event bus binds to (0: any free one)
 * @param publicHost           address other members reach this one at (behind NAT, in a container),
 *                             or null for the bound one; announced by Hazelcast and the event bus
 * @param publicPort           Hazelcast port other members reach this one at (0: the bound one)
 * @param eventBusPublicPort   event-bus port other members reach this one at (0: the bound one)
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
                            int memberTimeoutSeconds, String eventBusHost, int eventBusPort, String publicHost,
                            int publicPort, int eventBusPublicPort) {

  public static final String DEFAULT_NAME = "asockio";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final List<String> DEFAULT_MEMBERS = List.of(DEFAULT_HOST);
  public static final int DEFAULT_MEMBER_TIMEOUT_SECONDS = 10;

  public static final ClusterConfig DEFAULTS = new ClusterConfig(false, DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT,
      DEFAULT_MEMBERS, DEFAULT_MEMBER_TIMEOUT_SECONDS, null, 0, null, 0, 0);

  // host, host:port, [v6] or [v6]:port; a port range (5701-5703) is refused: Hazelcast's member list takes none here.
  private static final Pattern MEMBER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^\\s:\\[\\]]+)(:[0-9]{1,5})?");

  static final Key<Boolean> ENABLED = Key.bool("enabled", false);
  static final Key<String> NAME = Key.string("name", DEFAULT_NAME);
  static final Key<String> HOST = Key.string("host", DEFAULT_HOST);
  static final Key<Integer> PORT = Key.integer("port", DEFAULT_PORT, 1, 65535);
  static final Key<List<String>> MEMBERS = Key.strings("members");
  static final Key<Integer> MEMBER_TIMEOUT_SECONDS = Key.integer("memberTimeoutSeconds", DEFAULT_MEMBER_TIMEOUT_SECONDS, 2, 600);
  static final Key<String> EVENT_BUS_HOST = Key.optionalName("eventBusHost");
  static final Key<Integer> EVENT_BUS_PORT = Key.integer("eventBusPort", 0, 0, 65535);
  static final Key<String> PUBLIC_HOST = Key.optionalName("publicHost");
  static final Key<Integer> PUBLIC_PORT = Key.integer("publicPort", 0, 0, 65535);
  static final Key<Integer> EVENT_BUS_PUBLIC_PORT = Key.integer("eventBusPublicPort", 0, 0, 65535);

  static final Section<ClusterConfig> SECTION = new Section<ClusterConfig>()
      .add(ENABLED, ClusterConfig::enabled)
      .add(NAME, ClusterConfig::name)
      .add(HOST, ClusterConfig::host)
      .add(PORT, ClusterConfig::port)
      .add(MEMBERS, ClusterConfig::members)
      .add(MEMBER_TIMEOUT_SECONDS, ClusterConfig::memberTimeoutSeconds)
      .add(EVENT_BUS_HOST, ClusterConfig::eventBusHost)
      .add(EVENT_BUS_PORT, ClusterConfig::eventBusPort)
      .add(PUBLIC_HOST, ClusterConfig::publicHost)
      .add(PUBLIC_PORT, ClusterConfig::publicPort)
      .add(EVENT_BUS_PUBLIC_PORT, ClusterConfig::eventBusPublicPort);

  public ClusterConfig {
    members = List.copyOf(members);
  }

  public ClusterConfig enabled(String clusterName) {
    return new ClusterConfig(true, clusterName, host, port, members, memberTimeoutSeconds, eventBusHost, eventBusPort,
        publicHost, publicPort, eventBusPublicPort);
  }

  public ClusterConfig withMembers(List<String> newMembers) {
    return new ClusterConfig(enabled, name, host, port, newMembers, memberTimeoutSeconds, eventBusHost, eventBusPort,
        publicHost, publicPort, eventBusPublicPort);
  }

  public ClusterConfig withMemberTimeoutSeconds(int seconds) {
    return new ClusterConfig(enabled, name, host, port, members, seconds, eventBusHost, eventBusPort,
        publicHost, publicPort, eventBusPublicPort);
  }

  /** The address the event bus binds to. */
  public String effectiveEventBusHost() {
    return eventBusHost == null ? host : eventBusHost;
  }

  /** Whether {@code host} asks to bind on every interface. */
  public boolean bindsAnyAddress() {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
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
    return new ClusterConfig(f.read(ENABLED), name, f.read(HOST), f.read(PORT), members, f.read(MEMBER_TIMEOUT_SECONDS),
        f.read(EVENT_BUS_HOST), f.read(EVENT_BUS_PORT), f.read(PUBLIC_HOST), f.read(PUBLIC_PORT), f.read(EVENT_BUS_PUBLIC_PORT));
  }

  JsonObject toJson() {
    return SECTION.toJson(this);
  }
}
