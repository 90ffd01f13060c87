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
 * @param admin           the admin HTTP API: metrics, health, clients, the live page (off by default)
 */
public record AsockioConfig(List<GateConfig> gates, List<ClientConfig> clients, List<LinkConfig> links,
                            Policies policies, Limits limits, boolean nativeTransport, AccessRules access,
                            long reloadScanMs, ClusterConfig cluster, AdminConfig admin) {

  public static final boolean DEFAULT_NATIVE_TRANSPORT = true;
  public static final long DEFAULT_RELOAD_SCAN_MS = 0;

  static final Key<JsonArray> GATES = Key.objects("gates", GateConfig.SECTION);
  static final Key<JsonArray> CLIENTS = Key.objects("clients", ClientConfig.SECTION);
  static final Key<JsonArray> LINKS = Key.objects("links", LinkConfig.SECTION);
  static final Key<JsonObject> POLICIES = Key.object("policies", Policies.SECTION);
  static final Key<JsonObject> LIMITS = Key.object("limits", Limits.SECTION);
  static final Key<Boolean> NATIVE_TRANSPORT = Key.bool("nativeTransport", DEFAULT_NATIVE_TRANSPORT);
  static final Key<JsonObject> ACCESS = Key.object("access", AccessConfig.SECTION);
  static final Key<Long> RELOAD_SCAN_MS = Key.number("reloadScanMs", DEFAULT_RELOAD_SCAN_MS, 0, Limits.DAY_MS);
  static final Key<JsonObject> CLUSTER = Key.object("cluster", ClusterConfig.SECTION);
  static final Key<JsonObject> ADMIN = Key.object("admin", AdminConfig.SECTION);

  /** The whole file: every key a config accepts hangs below this. */
  static final Section<AsockioConfig> SECTION = new Section<AsockioConfig>()
      .add(GATES, c -> {
        JsonArray a = new JsonArray();
        c.gates.forEach(g -> a.add(g.toJson()));
        return a;
      })
      .add(CLIENTS, c -> {
        JsonArray a = new JsonArray();
        c.clients.forEach(client -> a.add(client.toJson()));
        return a;
      })
      .add(LINKS, c -> {
        JsonArray a = new JsonArray();
        c.links.forEach(l -> a.add(l.toJson()));
        return a;
      })
      .add(POLICIES, c -> c.policies.toJson())
      .add(LIMITS, c -> c.limits.toJson())
      .add(NATIVE_TRANSPORT, AsockioConfig::nativeTransport)
      .add(ACCESS, c -> AccessConfig.toJson(c.access))
      .add(RELOAD_SCAN_MS, AsockioConfig::reloadScanMs)
      .add(CLUSTER, c -> c.cluster.toJson())
      .add(ADMIN, c -> c.admin.toJson());

  /** Every key path the config accepts, as the README's tables write them ({@code gates[].port}, {@code limits.maxMessageSize}). */
  public static List<String> keyPaths() {
    return SECTION.paths("");
  }

  public AsockioConfig {
    gates = List.copyOf(gates);
    clients = List.copyOf(clients);
    links = List.copyOf(links);
    access = access == null ? AccessRules.ALLOW_ALL : access;
    cluster = cluster == null ? ClusterConfig.DEFAULTS : cluster;
    admin = admin == null ? AdminConfig.DEFAULTS : admin;
  }

  /** A config with these gates and every other value at its default. */
  public static AsockioConfig of(GateConfig... gates) {
    return new AsockioConfig(List.of(gates), List.of(), List.of(), Policies.DEFAULTS, Limits.DEFAULTS,
        DEFAULT_NATIVE_TRANSPORT, AccessRules.ALLOW_ALL, DEFAULT_RELOAD_SCAN_MS, ClusterConfig.DEFAULTS,
        AdminConfig.DEFAULTS);
  }

  public AsockioConfig withClients(String... names) {
    List<ClientConfig> list = new ArrayList<>();
    for (String name : names) {
      list.add(ClientConfig.named(name));
    }
    return withClientConfigs(list);
  }

  public AsockioConfig withClientConfigs(List<ClientConfig> newClients) {
    return new AsockioConfig(gates, newClients, links, policies, limits, nativeTransport, access, reloadScanMs, cluster, admin);
  }

  public AsockioConfig withLinks(LinkConfig... newLinks) {
    return new AsockioConfig(gates, clients, List.of(newLinks), policies, limits, nativeTransport, access, reloadScanMs, cluster, admin);
  }

  public AsockioConfig withPolicies(Policies newPolicies) {
    return new AsockioConfig(gates, clients, links, newPolicies, limits, nativeTransport, access, reloadScanMs, cluster, admin);
  }

  public AsockioConfig withLimits(Limits newLimits) {
    return new AsockioConfig(gates, clients, links, policies, newLimits, nativeTransport, access, reloadScanMs, cluster, admin);
  }

  public AsockioConfig withGates(List<GateConfig> newGates) {
    return new AsockioConfig(newGates, clients, links, policies, limits, nativeTransport, access, reloadScanMs, cluster, admin);
  }

  public AsockioConfig withAdmin(AdminConfig newAdmin) {
    return new AsockioConfig(gates, clients, links, policies, limits, nativeTransport, access, reloadScanMs, cluster, newAdmin);
  }

  public AsockioConfig withCluster(ClusterConfig newCluster) {
    return new AsockioConfig(gates, clients, links, policies, limits, nativeTransport, access, reloadScanMs, newCluster, admin);
  }

  public AsockioConfig withAccess(AccessRules rules) {
    return new AsockioConfig(gates, clients, links, policies, limits, nativeTransport, rules, reloadScanMs, cluster, admin);
  }

  /** Names of the expected clients. */
  public List<String> clientNames() {
    return clients.stream().map(ClientConfig::name).toList();
  }

  /** Parses and validates; the exception names the first wrong key. */
  public static AsockioConfig fromJson(JsonObject json) {
    JsonFields f = SECTION.fields(json, "");
    JsonArray gateArray = f.read(GATES);
    JsonArray linkArray = f.read(LINKS);
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
      if (!(gate.transport() != GateConfig.Transport.UNIX && gate.port() == 0) && !endpoints.add(gate.endpoint().toString())) {
        throw new ConfigException(path, "endpoint " + gate.endpoint() + " is used by another gate");
      }
      gates.add(gate);
    }
    List<ClientConfig> clients = new ArrayList<>();
    Set<String> clientNames = new HashSet<>();
    JsonArray clientArray = f.read(CLIENTS);
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
    AccessRules access = AccessConfig.fromJson(f.read(ACCESS), f.key(ACCESS));
    checkRuleGates(access, gates);
    return new AsockioConfig(gates, clients, links, Policies.fromJson(f.read(POLICIES), f.key(POLICIES)),
        Limits.fromJson(f.read(LIMITS), f.key(LIMITS)), f.read(NATIVE_TRANSPORT), access, f.read(RELOAD_SCAN_MS),
        ClusterConfig.fromJson(f.read(CLUSTER), f.key(CLUSTER)), AdminConfig.fromJson(f.read(ADMIN), f.key(ADMIN)));
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
    return SECTION.toJson(this);
  }
}
