package io.asockio.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

  public static final ClusterConfig DEFAULTS = new ClusterConfig(false, "asockio", "127.0.0.1", 5701, List.of("127.0.0.1"), 10);

  static final Set<String> KEYS = Set.of("enabled", "name", "host", "port", "members", "memberTimeoutSeconds");

  public ClusterConfig {
    members = List.copyOf(members);
  }

  public ClusterConfig enabled(String clusterName) {
    return new ClusterConfig(true, clusterName, host, port, members, memberTimeoutSeconds);
  }

  static ClusterConfig fromJson(JsonObject json, String path) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(KEYS);
    List<String> members = new ArrayList<>();
    JsonArray array = f.array("members");
    if (array == null) {
      members.addAll(DEFAULTS.members());
    } else {
      for (int i = 0; i < array.size(); i++) {
        Object m = array.getValue(i);
        if (!(m instanceof String) || ((String) m).isBlank() || ((String) m).contains("-")) {
          throw new ConfigException(f.key("members") + "[" + i + "]", "expected host or host:port (no port ranges)");
        }
        members.add((String) m);
      }
    }
    String name = f.string("name", DEFAULTS.name());
    if (name.isBlank()) {
      throw new ConfigException(f.key("name"), "must not be empty");
    }
    return new ClusterConfig(f.bool("enabled", false), name, f.string("host", DEFAULTS.host()),
        f.integer("port", DEFAULTS.port(), 1, 65535), members,
        f.integer("memberTimeoutSeconds", DEFAULTS.memberTimeoutSeconds(), 2, 600));
  }

  JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("name", name).put("host", host).put("port", port)
        .put("members", new JsonArray(new ArrayList<>(members))).put("memberTimeoutSeconds", memberTimeoutSeconds);
  }
}
