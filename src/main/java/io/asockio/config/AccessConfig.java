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

  static final Key<String> RULE_NAME = Key.string("name", null);
  static final Key<String> KEYWORD = Key.string("keyword", null);
  static final Key<Object> TRANSPORT = Key.custom("transport");
  static final Key<Object> GATE = Key.custom("gate");
  static final Key<Object> SOURCE = Key.custom("source");
  static final Key<Object> CERTIFICATE = Key.custom("certificate");
  static final Key<AccessRules.Action> ACTION = Key.enumeration("action", AccessRules.Action.class, null);
  static final Key<String> REASON = Key.string("reason", AccessRules.DEFAULT_DENY_REASON);

  /** One rule. */
  static final Section<AccessRules.Rule> RULE = new Section<AccessRules.Rule>()
      .add(RULE_NAME, AccessRules.Rule::name)
      .add(KEYWORD, r -> r.keyword() == null ? null : r.keyword().toString())
      .add(TRANSPORT, r -> array(r.transports()))
      .add(GATE, r -> array(r.gates()))
      .add(SOURCE, r -> array(r.sources().stream().map(Object::toString).toList()))
      .add(CERTIFICATE, r -> certificateJson(r.certificate()))
      .add(ACTION, AccessRules.Rule::action)
      .add(REASON, AccessRules.Rule::reason);

  static final Key<AccessRules.Action> DEFAULT = Key.enumeration("default", AccessRules.Action.class, AccessRules.Action.ALLOW);
  static final Key<String> DEFAULT_REASON = Key.string("defaultReason", AccessRules.DEFAULT_DENY_REASON);
  static final Key<io.vertx.core.json.JsonArray> RULES = Key.objects("rules", RULE);

  /** The rules for named peers, or for anonymous ones. */
  static final Section<AccessRules.RuleSet> RULE_SET = new Section<AccessRules.RuleSet>()
      .add(DEFAULT, AccessRules.RuleSet::defaultAction).add(DEFAULT_REASON, AccessRules.RuleSet::defaultReason)
      .add(RULES, set -> {
        JsonArray rules = new JsonArray();
        set.rules().forEach(r -> rules.add(RULE.toJson(r)));
        return rules;
      });

  static final Key<JsonObject> NAMED = Key.object("named", RULE_SET);
  static final Key<JsonObject> ANONYMOUS = Key.object("anonymous", RULE_SET);

  static final Section<AccessRules> SECTION = new Section<AccessRules>()
      .add(NAMED, rules -> RULE_SET.toJson(rules.named()))
      .add(ANONYMOUS, rules -> RULE_SET.toJson(rules.anonymous()));
  // Any other word could never match: it is refused as the typo it is.
  static final List<String> TRANSPORTS = List.of("tcp", "tls", "udp", "unix");
  static final int MAX_REASON = 100;

  private AccessConfig() {
  }

  /** Parses the section; an absent section allows everyone. */
  public static AccessRules fromJson(JsonObject json, String path) {
    JsonFields f = SECTION.fields(json, path);
    return new AccessRules(ruleSet(f.read(NAMED), f.key(NAMED), true), ruleSet(f.read(ANONYMOUS), f.key(ANONYMOUS), false));
  }

  private static AccessRules.RuleSet ruleSet(JsonObject json, String path, boolean named) {
    JsonFields f = RULE_SET.fields(json, path);
    AccessRules.Action defaultAction = f.read(DEFAULT);
    String defaultReason = reason(f, DEFAULT_REASON);
    List<AccessRules.Rule> rules = new ArrayList<>();
    JsonArray array = f.read(RULES);
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
    JsonFields f = RULE.fields(json, path);
    if (!f.has(ACTION)) {
      throw new ConfigException(f.key(ACTION), "required: allow or deny");
    }
    AccessRules.Action action = f.read(ACTION);
    String keyword = f.read(KEYWORD);
    if (keyword != null && !named) {
      throw new ConfigException(f.key(KEYWORD), "anonymous peers have no keyword");
    }
    if (keyword != null && keyword.isEmpty()) {
      throw new ConfigException(f.key(KEYWORD), "an empty pattern matches nothing; leave the key out to match any keyword");
    }
    Set<String> transports = new LinkedHashSet<>();
    strings(f, json, TRANSPORT).forEach(t -> transports.add(t.toLowerCase(java.util.Locale.ROOT))); // any case, as every value
    for (String t : transports) {
      if (!TRANSPORTS.contains(t)) {
        throw new ConfigException(f.key(TRANSPORT), "expected one of " + TRANSPORTS + ", got \"" + t + "\"");
      }
    }
    Set<String> gates = strings(f, json, GATE);
    List<Cidr> sources = new ArrayList<>();
    for (String s : strings(f, json, SOURCE)) {
      try {
        sources.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(f.key(SOURCE), e.getMessage());
      }
    }
    AccessRules.CertificateCondition certificate = certificate(f, json);
    if (certificate != null && certificate.kind() == AccessRules.CertificateCondition.Kind.KEYWORD && !named) {
      throw new ConfigException(f.key(CERTIFICATE), "\"keyword\" binds a name to a certificate: named rules only");
    }
    String reason = reason(f, REASON);
    String name = f.read(RULE_NAME);
    return new AccessRules.Rule(name == null ? "rules[" + index + "]" : name, keyword == null ? null : new Glob(keyword),
        transports, gates, sources, certificate, action, reason);
  }

  private static AccessRules.CertificateCondition certificate(JsonFields f, JsonObject json) {
    Object value = json.getValue(CERTIFICATE.name);
    if (value == null) {
      return null;
    }
    if (value instanceof String && ((String) value).equalsIgnoreCase("any")) {
      return new AccessRules.CertificateCondition(AccessRules.CertificateCondition.Kind.ANY, null);
    }
    if (value instanceof String && ((String) value).equalsIgnoreCase("keyword")) {
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
    throw new ConfigException(f.key(CERTIFICATE),
        "expected \"any\", \"keyword\", {\"cn\": \"...\"} or {\"san\": \"...\"}, got " + JsonFields.describe(value));
  }

  private static String reason(JsonFields f, Key<String> key) {
    String reason = f.read(key);
    if (reason.isEmpty() || reason.length() > MAX_REASON || !reason.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new ConfigException(f.key(key), "a reason is 1.." + MAX_REASON + " printable ASCII characters");
    }
    return reason;
  }

  private static Set<String> strings(JsonFields f, JsonObject json, Key<Object> key) {
    Object value = json.getValue(key.name);
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
    return SECTION.toJson(rules);
  }

  private static JsonArray array(java.util.Collection<String> values) {
    return values.isEmpty() ? null : new JsonArray(new ArrayList<>(values));
  }

  private static Object certificateJson(AccessRules.CertificateCondition certificate) {
    if (certificate == null) {
      return null;
    }
    return switch (certificate.kind()) {
      case ANY -> "any";
      case KEYWORD -> "keyword";
      case CN -> new JsonObject().put("cn", certificate.value());
      case SAN -> new JsonObject().put("san", certificate.value());
    };
  }
}
