package io.asockio.config;

import io.asockio.security.AccessRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole, validated configuration of an asockio node. Immutable; built from JSON with
 * {@link #fromJson} (which names the offending key on any error) and written back with
 * {@link #toJson}.
 *
 * @param gates           listening endpoints; clients of all of them form one set
 * @param clients         expected named clients (more can be added at run time)
 * @param links           outgoing connections (client role)
 * @param policies        unknown keywords and takeover
 * @param limits          sizes and timeouts
 * @param nativeTransport prefer Netty's native epoll transport (falls back to NIO with a log line)
 * @param access          who may connect (rules checked before {@code OK}, and at accept for raw gates)
 * @param reloadScanMs    how often the config file is checked for new access rules; 0: never
 * @param cluster         clustering (off by default)
 */
public record AsockioConfig(List<GateConfig> gates, List<ClientConfig> clients, List<LinkConfig> links,
                            Policies policies, Limits limits, boolean nativeTransport, AccessRules access,
                            long reloadScanMs, ClusterConfig cluster) {

  public static final boolean DEFAULT_NATIVE_TRANSPORT = true;
  public static final long DEFAULT_RELOAD_SCAN_MS = 0;

  static final Set<String> KEYS = Set.of("gates", "clients", "links", "policies", "limits", "nativeTransport", "access",
      "reloadScanMs", "cluster");

  public AsockioConfig {
    gates = List.copyOf(gates);
    clients = List.copyOf(clients);
    links = List.copyOf(links);
    access = access == null ? AccessRules.ALLOW_ALL : access;
    cluster = cluster == null ? ClusterConfig.DEFAULTS : cluster;
  }

  /** A config with these gates and every other value at its default. */
  public static AsockioConfig of(GateConfig... gates) {
    return new AsockioConfig(List.of(gates), List.of(), List.of(), Policies.DEFAULTS, Limits.DEFAULTS,
        DEFAULT_NATIVE_TRANSPORT, AccessRules.ALLOW_ALL, DEFAULT_RELOAD_SCAN_MS, ClusterConfig.DEFAULTS);
  }

  public AsockioConfig withClients(String... names) {
    List<ClientConfig> list = new ArrayList<>();
    for (String name : names) {
      list.add(ClientConfig.named(name));
    }
    return withClientConfigs(list);
  }

  public AsockioConfig withClientConfigs(List<ClientConfig> newClients) {
    return new AsockioConfig(gates, newClients, links, policies, limits, nativeTransport, access, reloadScanMs, cluster);
  }

  public AsockioConfig withLinks(LinkConfig... newLinks) {
    return new AsockioConfig(gates, clients, List.of(newLinks), policies, limits, nativeTransport, access, reloadScanMs, cluster);
  }

  public AsockioConfig withPolicies(Policies newPolicies) {
    return new AsockioConfig(gates, clients, links, newPolicies, limits, nativeTransport, access, reloadScanMs, cluster);
  }

  public AsockioConfig withLimits(Limits newLimits) {
    return new AsockioConfig(gates, clients, links, policies, newLimits, nativeTransport, access, reloadScanMs, cluster);
  }

  public AsockioConfig withGates(List<GateConfig> newGates) {
    return new AsockioConfig(newGates, clients, links, policies, limits, nativeTransport, access, reloadScanMs, cluster);
  }

  public AsockioConfig withCluster(ClusterConfig newCluster) {
    return new AsockioConfig(gates, clients, links, policies, limits, nativeTransport, access, reloadScanMs, newCluster);
  }

  public AsockioConfig withAccess(AccessRules rules) {
    return new AsockioConfig(gates, clients, links, policies, limits, nativeTransport, rules, reloadScanMs, cluster);
  }

  /** Names of the expected clients. */
  public List<String> clientNames() {
    return clients.stream().map(ClientConfig::name).toList();
  }

  /** Parses and validates; the exception names the first wrong key. */
  public static AsockioConfig fromJson(JsonObject json) {
    JsonFields f = new JsonFields(json, "");
    f.rejectUnknown(KEYS);
    JsonArray gateArray = f.array("gates");
    JsonArray linkArray = f.array("links");
    if ((gateArray == null || gateArray.isEmpty()) && (linkArray == null || linkArray.isEmpty())) {
      throw new ConfigException("gates", "required, expected a non-empty array of gates (or some links)");
    }
    List<GateConfig> gates = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> endpoints = new HashSet<>();
    for (int i = 0; gateArray != null && i < gateArray.size(); i++) {
      String path = "gates[" + i + "]";
      GateConfig gate = GateConfig.fromJson(object(gateArray.getValue(i), path), path);
      if (!names.add(gate.name())) {
        throw new ConfigException(path + ".name", "duplicate gate name \"" + gate.name() + "\"");
      }
      if (!(gate.transport() == GateConfig.Transport.TCP && gate.port() == 0) && !endpoints.add(gate.endpoint())) {
        throw new ConfigException(path, "endpoint " + gate.endpoint() + " is used by another gate");
      }
      gates.add(gate);
    }
    List<ClientConfig> clients = new ArrayList<>();
    Set<String> clientNames = new HashSet<>();
    JsonArray clientArray = f.array("clients");
    for (int i = 0; clientArray != null && i < clientArray.size(); i++) {
      ClientConfig client = ClientConfig.fromJson(clientArray.getValue(i), "clients[" + i + "]");
      if (!clientNames.add(client.name())) {
        throw new ConfigException("clients[" + i + "]", "duplicate client name \"" + client.name() + "\"");
      }
      clients.add(client);
    }
    List<LinkConfig> links = new ArrayList<>();
    for (int i = 0; linkArray != null && i < linkArray.size(); i++) {
      String path = "links[" + i + "]";
      LinkConfig link = LinkConfig.fromJson(object(linkArray.getValue(i), path), path);
      if (!clientNames.add(link.name())) {
        throw new ConfigException(path + ".name", "\"" + link.name() + "\" already names a client or another link");
      }
      links.add(link);
    }
    AccessRules access = AccessConfig.fromJson(f.object("access"), "access");
    checkRuleGates(access, gates);
    return new AsockioConfig(gates, clients, links, Policies.fromJson(f.object("policies"), "policies"),
        Limits.fromJson(f.object("limits"), "limits"), f.bool("nativeTransport", DEFAULT_NATIVE_TRANSPORT), access,
        f.number("reloadScanMs", DEFAULT_RELOAD_SCAN_MS, 0, 24L * 3600 * 1000),
        ClusterConfig.fromJson(f.object("cluster"), "cluster"));
  }

  /** Rules that name a gate must name one of ours: a typo would silently never match. */
  public static void checkRuleGates(AccessRules access, List<GateConfig> gates) {
    Set<String> names = new HashSet<>();
    gates.forEach(g -> names.add(g.name()));
    for (String set : List.of("named", "anonymous")) {
      List<AccessRules.Rule> rules = set.equals("named") ? access.named().rules() : access.anonymous().rules();
      for (int i = 0; i < rules.size(); i++) {
        for (String gate : rules.get(i).gates()) {
          if (!names.contains(gate)) {
            throw new ConfigException("access." + set + ".rules[" + i + "].gate", "no gate is named \"" + gate + "\"");
          }
        }
      }
    }
  }

  private static JsonObject object(Object entry, String path) {
    if (!(entry instanceof JsonObject)) {
      throw new ConfigException(path, "expected an object, got " + (entry == null ? "null" : JsonFields.describe(entry)));
    }
    return (JsonObject) entry;
  }

  public JsonObject toJson() {
    JsonArray gateArray = new JsonArray();
    gates.forEach(g -> gateArray.add(g.toJson()));
    JsonArray clientArray = new JsonArray();
    clients.forEach(c -> clientArray.add(c.toJson()));
    JsonArray linkArray = new JsonArray();
    links.forEach(l -> linkArray.add(l.toJson()));
    return new JsonObject().put("gates", gateArray).put("clients", clientArray).put("links", linkArray)
        .put("policies", policies.toJson()).put("limits", limits.toJson()).put("nativeTransport", nativeTransport)
        .put("access", AccessConfig.toJson(access)).put("reloadScanMs", reloadScanMs).put("cluster", cluster.toJson());
  }
}
