package io.asockio.config;

import io.asockio.security.AccessRules;
import io.asockio.security.Cidr;
import io.asockio.security.Glob;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code access} section: JSON to {@link AccessRules} and back, validated whole (a
 * reload that does not validate is rejected with the key named).
 *
 * <pre>{@code
 * "access": {
 *   "named":     { "default": "allow", "rules": [ {"keyword": "manager", "transport": "unix", "action": "allow"}, ... ] },
 *   "anonymous": { "default": "allow", "rules": [ {"source": ["127.0.0.0/8"], "action": "allow"} ] }
 * }
 * }</pre>
 */
public final class AccessConfig {

  static final Set<String> KEYS = Set.of("named", "anonymous");
  static final Set<String> SET_KEYS = Set.of("default", "defaultReason", "rules");
  static final Set<String> RULE_KEYS = Set.of("name", "keyword", "transport", "gate", "source", "certificate", "action",
      "reason");
  // No UDP gate exists: a rule naming "udp" could never match, so it is refused as a typo would be.
  static final List<String> TRANSPORTS = List.of("tcp", "tls", "unix");
  static final int MAX_REASON = 100;

  private AccessConfig() {
  }

  /** Parses the section; an absent section allows everyone. */
  public static AccessRules fromJson(JsonObject json, String path) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(KEYS);
    return new AccessRules(ruleSet(f.object("named"), f.key("named"), true),
        ruleSet(f.object("anonymous"), f.key("anonymous"), false));
  }

  private static AccessRules.RuleSet ruleSet(JsonObject json, String path, boolean named) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(SET_KEYS);
    AccessRules.Action defaultAction = f.enumValue("default", AccessRules.Action.class, AccessRules.Action.ALLOW);
    String defaultReason = reason(f, "defaultReason");
    List<AccessRules.Rule> rules = new ArrayList<>();
    JsonArray array = f.array("rules");
    for (int i = 0; array != null && i < array.size(); i++) {
      String rulePath = path + ".rules[" + i + "]";
      Object entry = array.getValue(i);
      if (!(entry instanceof JsonObject)) {
        throw new ConfigException(rulePath, "expected an object, got " + (entry == null ? "null" : JsonFields.describe(entry)));
      }
      rules.add(rule((JsonObject) entry, rulePath, i, named));
    }
    return new AccessRules.RuleSet(rules, defaultAction, defaultReason);
  }

  private static AccessRules.Rule rule(JsonObject json, String path, int index, boolean named) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(RULE_KEYS);
    if (!f.has("action")) {
      throw new ConfigException(f.key("action"), "required: allow or deny");
    }
    AccessRules.Action action = f.enumValue("action", AccessRules.Action.class, null);
    String keyword = f.string("keyword", null);
    if (keyword != null && !named) {
      throw new ConfigException(f.key("keyword"), "anonymous peers have no keyword");
    }
    if (keyword != null && keyword.isEmpty()) {
      throw new ConfigException(f.key("keyword"), "an empty pattern matches nothing; leave the key out to match any keyword");
    }
    Set<String> transports = strings(f, json, "transport");
    for (String t : transports) {
      if (!TRANSPORTS.contains(t)) {
        throw new ConfigException(f.key("transport"), "expected one of " + TRANSPORTS + ", got \"" + t + "\"");
      }
    }
    Set<String> gates = strings(f, json, "gate");
    List<Cidr> sources = new ArrayList<>();
    for (String s : strings(f, json, "source")) {
      try {
        sources.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(f.key("source"), e.getMessage());
      }
    }
    AccessRules.CertificateCondition certificate = certificate(f, json);
    if (certificate != null && certificate.kind() == AccessRules.CertificateCondition.Kind.KEYWORD && !named) {
      throw new ConfigException(f.key("certificate"), "\"keyword\" binds a name to a certificate: named rules only");
    }
    String reason = reason(f, "reason");
    return new AccessRules.Rule(f.string("name", "rules[" + index + "]"), keyword == null ? null : new Glob(keyword),
        transports, gates, sources, certificate, action, reason);
  }

  private static AccessRules.CertificateCondition certificate(JsonFields f, JsonObject json) {
    Object value = json.getValue("certificate");
    if (value == null) {
      return null;
    }
    if ("any".equals(value)) {
      return new AccessRules.CertificateCondition(AccessRules.CertificateCondition.Kind.ANY, null);
    }
    if ("keyword".equals(value)) {
      return new AccessRules.CertificateCondition(AccessRules.CertificateCondition.Kind.KEYWORD, null);
    }
    if (value instanceof JsonObject) {
      JsonObject o = (JsonObject) value;
      if (o.size() == 1 && o.getValue("cn") instanceof String) {
        return new AccessRules.CertificateCondition(AccessRules.CertificateCondition.Kind.CN, o.getString("cn"));
      }
      if (o.size() == 1 && o.getValue("san") instanceof String) {
        return new AccessRules.CertificateCondition(AccessRules.CertificateCondition.Kind.SAN, o.getString("san"));
      }
    }
    throw new ConfigException(f.key("certificate"),
        "expected \"any\", \"keyword\", {\"cn\": \"...\"} or {\"san\": \"...\"}, got " + JsonFields.describe(value));
  }

  private static String reason(JsonFields f, String key) {
    String reason = f.string(key, AccessRules.DEFAULT_DENY_REASON);
    if (reason.isEmpty() || reason.length() > MAX_REASON || !reason.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new ConfigException(f.key(key), "a reason is 1.." + MAX_REASON + " printable ASCII characters");
    }
    return reason;
  }

  private static Set<String> strings(JsonFields f, JsonObject json, String key) {
    Object value = json.getValue(key);
    Set<String> out = new LinkedHashSet<>();
    if (value == null) {
      return out;
    }
    if (value instanceof String) {
      out.add((String) value);
      return out;
    }
    if (value instanceof JsonArray) {
      for (Object item : (JsonArray) value) {
        if (!(item instanceof String) || ((String) item).isEmpty()) {
          throw new ConfigException(f.key(key), "expected non-empty strings, got " + (item == null ? "null" : JsonFields.describe(item)));
        }
        out.add((String) item);
      }
      return out;
    }
    throw new ConfigException(f.key(key), "expected a string or an array of strings, got " + JsonFields.describe(value));
  }

  /** Writes rules back to JSON (round-trips through {@link #fromJson}). */
  public static JsonObject toJson(AccessRules rules) {
    return new JsonObject().put("named", setJson(rules.named(), true)).put("anonymous", setJson(rules.anonymous(), false));
  }

  private static JsonObject setJson(AccessRules.RuleSet set, boolean named) {
    JsonArray array = new JsonArray();
    for (AccessRules.Rule r : set.rules()) {
      JsonObject o = new JsonObject().put("name", r.name());
      if (r.keyword() != null) {
        o.put("keyword", r.keyword().toString());
      }
      if (!r.transports().isEmpty()) {
        o.put("transport", new JsonArray(new ArrayList<>(r.transports())));
      }
      if (!r.gates().isEmpty()) {
        o.put("gate", new JsonArray(new ArrayList<>(r.gates())));
      }
      if (!r.sources().isEmpty()) {
        JsonArray sources = new JsonArray();
        r.sources().forEach(c -> sources.add(c.toString()));
        o.put("source", sources);
      }
      if (r.certificate() != null) {
        switch (r.certificate().kind()) {
          case ANY -> o.put("certificate", "any");
          case KEYWORD -> o.put("certificate", "keyword");
          case CN -> o.put("certificate", new JsonObject().put("cn", r.certificate().value()));
          case SAN -> o.put("certificate", new JsonObject().put("san", r.certificate().value()));
          default -> throw new IllegalStateException();
        }
      }
      o.put("action", r.action().name().toLowerCase()).put("reason", r.reason());
      array.add(o);
    }
    return new JsonObject().put("default", set.defaultAction().name().toLowerCase())
        .put("defaultReason", set.defaultReason()).put("rules", array);
  }
}
