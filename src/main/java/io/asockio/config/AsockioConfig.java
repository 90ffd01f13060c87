package io.asockio.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole, validated configuration of an asockio node. Immutable; built from JSON with
 * {@link #fromJson} (which names the offending key on any error) and written back with
 * {@link #toJson}.
 *
 * @param gates           listening endpoints; clients of all of them form one set
 * @param clients         names of the expected named clients (more can be added at run time)
 * @param policies        unknown keywords and takeover
 * @param limits          sizes and timeouts
 * @param nativeTransport prefer Netty's native epoll transport (falls back to NIO with a log line)
 */
public record AsockioConfig(List<GateConfig> gates, List<String> clients, Policies policies, Limits limits,
                            boolean nativeTransport) {

  public static final boolean DEFAULT_NATIVE_TRANSPORT = true;

  static final Set<String> KEYS = Set.of("gates", "clients", "policies", "limits", "nativeTransport");

  public AsockioConfig {
    gates = List.copyOf(gates);
    clients = List.copyOf(clients);
  }

  /** A config with these gates and every other value at its default. */
  public static AsockioConfig of(GateConfig... gates) {
    return new AsockioConfig(List.of(gates), List.of(), Policies.DEFAULTS, Limits.DEFAULTS, DEFAULT_NATIVE_TRANSPORT);
  }

  public AsockioConfig withClients(String... names) {
    return new AsockioConfig(gates, List.of(names), policies, limits, nativeTransport);
  }

  public AsockioConfig withPolicies(Policies newPolicies) {
    return new AsockioConfig(gates, clients, newPolicies, limits, nativeTransport);
  }

  public AsockioConfig withLimits(Limits newLimits) {
    return new AsockioConfig(gates, clients, policies, newLimits, nativeTransport);
  }

  public AsockioConfig withGates(List<GateConfig> newGates) {
    return new AsockioConfig(newGates, clients, policies, limits, nativeTransport);
  }

  /** Parses and validates; the exception names the first wrong key. */
  public static AsockioConfig fromJson(JsonObject json) {
    JsonFields f = new JsonFields(json, "");
    f.rejectUnknown(KEYS);
    JsonArray gateArray = f.array("gates");
    if (gateArray == null || gateArray.isEmpty()) {
      throw new ConfigException("gates", "required, expected a non-empty array of gates");
    }
    List<GateConfig> gates = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> endpoints = new HashSet<>();
    for (int i = 0; i < gateArray.size(); i++) {
      String path = "gates[" + i + "]";
      Object entry = gateArray.getValue(i);
      if (!(entry instanceof JsonObject)) {
        throw new ConfigException(path, "expected an object, got " + JsonFields.describe(entry));
      }
      GateConfig gate = GateConfig.fromJson((JsonObject) entry, path);
      if (!names.add(gate.name())) {
        throw new ConfigException(path + ".name", "duplicate gate name \"" + gate.name() + "\"");
      }
      if (!(gate.transport() == GateConfig.Transport.TCP && gate.port() == 0) && !endpoints.add(gate.endpoint())) {
        throw new ConfigException(path, "endpoint " + gate.endpoint() + " is used by another gate");
      }
      gates.add(gate);
    }
    List<String> clients = new ArrayList<>();
    JsonArray clientArray = f.array("clients");
    if (clientArray != null) {
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < clientArray.size(); i++) {
        Object entry = clientArray.getValue(i);
        if (!(entry instanceof String) || ((String) entry).isEmpty()) {
          throw new ConfigException("clients[" + i + "]", "expected a non-empty name, got "
              + (entry == null ? "null" : JsonFields.describe(entry)));
        }
        if (!seen.add((String) entry)) {
          throw new ConfigException("clients[" + i + "]", "duplicate client name \"" + entry + "\"");
        }
        clients.add((String) entry);
      }
    }
    return new AsockioConfig(gates, clients, Policies.fromJson(f.object("policies"), "policies"),
        Limits.fromJson(f.object("limits"), "limits"), f.bool("nativeTransport", DEFAULT_NATIVE_TRANSPORT));
  }

  public JsonObject toJson() {
    JsonArray gateArray = new JsonArray();
    gates.forEach(g -> gateArray.add(g.toJson()));
    return new JsonObject().put("gates", gateArray).put("clients", new JsonArray(new ArrayList<>(clients)))
        .put("policies", policies.toJson()).put("limits", limits.toJson()).put("nativeTransport", nativeTransport);
  }
}
