package io.asockio.security;

import io.asockio.config.AccessConfig;
import io.asockio.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure rule logic: CIDR, globs, first match, defaults, parsing errors. */
class AccessRulesTest {

  static byte[] ip(String text) {
    return Cidr.numeric(text);
  }

  @Test
  void cidrMatchesIpv4Ipv6AndMappedAddresses() {
    Cidr lo = Cidr.parse("127.0.0.0/8");
    assertTrue(lo.contains(ip("127.0.0.1")));
    assertTrue(lo.contains(ip("127.255.1.2")));
    assertFalse(lo.contains(ip("128.0.0.1")));
    assertTrue(lo.contains(ip("::ffff:127.0.0.1")), "IPv4-mapped IPv6 is the same host");
    assertFalse(lo.contains(ip("::1")));
    Cidr net = Cidr.parse("10.1.0.0/16");
    assertTrue(net.contains(ip("10.1.200.3")));
    assertFalse(net.contains(ip("10.2.0.1")));
    assertTrue(Cidr.parse("::1").contains(ip("::1")));
    assertTrue(Cidr.parse("fd00::/8").contains(ip("fd12:3456::1")));
    assertFalse(Cidr.parse("fd00::/8").contains(ip("fe80::1")));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.1.0.1/16"), "host bits set");
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.1.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"), "never a DNS lookup");
    assertEquals(null, Cidr.numeric("localhost"));
  }

  @Test
  void onlyWellFormedLiteralsAreNumericAddresses() {
    assertEquals(4, Cidr.numeric("10.1.2.3").length);
    assertEquals(4, Cidr.numeric("::ffff:10.1.2.3").length, "IPv4-mapped: unmapped");
    assertEquals(16, Cidr.numeric("[::1]").length);
    assertEquals(16, Cidr.numeric("fe80::1%eth0").length, "the zone is not part of the address");
    assertEquals(null, Cidr.numeric("256.1.1.1"));
    assertEquals(null, Cidr.numeric("1.2.3"));
    assertEquals(null, Cidr.numeric("1.2.3.4.5"));
    assertEquals(null, Cidr.numeric("::g"));
    assertEquals(null, Cidr.numeric(""));
    assertEquals(null, Cidr.numeric("example.com"));
  }

  @Test
  void globsMatchNamesExactlyOrWithWildcards() {
    assertTrue(new Glob("worker-*").matches("worker-1"));
    assertTrue(new Glob("worker-*").matches("worker-"));
    assertFalse(new Glob("worker-*").matches("Worker-1"), "case-sensitive");
    assertFalse(new Glob("worker-*").matches("my-worker-1"));
    assertTrue(new Glob("w?rker").matches("worker"));
    assertTrue(new Glob("*").matches(""));
    assertTrue(new Glob("a*b*c").matches("a-b-b-c"));
    assertFalse(new Glob("manager").matches("manager2"));
    assertFalse(new Glob("*.*").matches("nodot"));
    // "?" is one character, also outside the Basic Multilingual Plane (two Java chars).
    assertTrue(new Glob("bot-?").matches("bot-\uD83D\uDE00"), "bot-? matches bot-😀");
    assertFalse(new Glob("q??").matches("q\uD83D\uDE00"), "q?? needs two characters, 😀 is one");
    assertTrue(new Glob("q?").matches("q\uD83D\uDE00"));
    assertTrue(new Glob("*\uD83D\uDE00").matches("smile \uD83D\uDE00"));
  }

  static AccessRules parse(String json) {
    return AccessConfig.fromJson(new JsonObject(json), "access");
  }

  static Peer named(String keyword, String transport, String address) {
    return new Peer(keyword, transport, transport.equals("unix") ? "unix" : "tcp", address == null ? null : ip(address), null, null);
  }

  @Test
  void firstMatchWinsAndTheDefaultCatchesTheRest() {
    AccessRules rules = parse("""
        {"named": {"default": "deny", "rules": [
          {"name": "manager-unix", "keyword": "manager", "transport": "unix", "action": "allow"},
          {"name": "manager-elsewhere", "keyword": "manager", "action": "deny", "reason": "manager only over the Unix socket"},
          {"name": "workers", "keyword": "worker-*", "source": ["127.0.0.0/8", "10.1.0.0/16"], "action": "allow"}
        ]}}""");
    assertEquals(new AccessRules.Decision(true, "manager-unix", "not allowed"), rules.decide(named("manager", "unix", null)));
    AccessRules.Decision d = rules.decide(named("manager", "tcp", "127.0.0.1"));
    assertFalse(d.allowed());
    assertEquals("manager-elsewhere", d.rule());
    assertEquals("manager only over the Unix socket", d.reason());
    assertTrue(rules.decide(named("worker-7", "tcp", "10.1.3.4")).allowed());
    assertTrue(rules.decide(named("worker-7", "tcp", "127.0.0.1")).allowed());
    assertEquals("default", rules.decide(named("worker-7", "tcp", "192.168.1.1")).rule());
    assertFalse(rules.decide(named("worker-7", "unix", null)).allowed(), "a Unix peer has no address to match");
    assertFalse(rules.decide(named("stranger", "tcp", "127.0.0.1")).allowed());
    assertTrue(rules.decide(new Peer(null, "tcp", "tcp", ip("203.0.113.1"), null, null)).allowed(),
        "anonymous peers have their own list, allow by default");
  }

  @Test
  void certificateConditions() {
    AccessRules rules = parse("""
        {"named": {"default": "deny", "rules": [
          {"keyword": "billing", "transport": "tls", "certificate": {"cn": "billing"}, "action": "allow"},
          {"keyword": "svc-*", "transport": "tls", "certificate": "keyword", "action": "allow"},
          {"keyword": "any-cert", "certificate": "any", "action": "allow"}
        ]}}""");
    assertTrue(rules.decide(new Peer("billing", "tls", "tls", ip("127.0.0.1"), "billing", List.of())).allowed());
    assertFalse(rules.decide(new Peer("billing", "tls", "tls", ip("127.0.0.1"), "mallory", List.of())).allowed());
    assertFalse(rules.decide(new Peer("billing", "tls", "tls", ip("127.0.0.1"), null, null)).allowed());
    assertFalse(rules.decide(new Peer("billing", "tcp", "tcp", ip("127.0.0.1"), "billing", List.of())).allowed());
    assertTrue(rules.decide(new Peer("svc-a", "tls", "tls", null, "x", List.of("svc-a"))).allowed(), "a SAN names it");
    assertFalse(rules.decide(new Peer("svc-a", "tls", "tls", null, "svc-b", List.of("svc-b"))).allowed());
    assertTrue(rules.decide(new Peer("any-cert", "tls", "tls", null, "whoever", List.of())).allowed());
  }

  @Test
  void badRulesAreRejectedWithTheKeyNamed() {
    assertKey("access.named.rules[0].action", "{\"named\": {\"rules\": [{\"keyword\": \"x\"}]}}");
    assertKey("access.named.rules[0].action", "{\"named\": {\"rules\": [{\"action\": \"maybe\"}]}}");
    assertKey("access.named.rules[0].source", "{\"named\": {\"rules\": [{\"source\": \"10.0.0.1/8\", \"action\": \"allow\"}]}}");
    assertKey("access.named.rules[0].transport", "{\"named\": {\"rules\": [{\"transport\": \"carrier-pigeon\", \"action\": \"allow\"}]}}");
    // No UDP gate exists, so a rule for one could never match.
    assertKey("access.anonymous.rules[0].transport", "{\"anonymous\": {\"rules\": [{\"transport\": \"sctp\", \"action\": \"allow\"}]}}");
    assertKey("access.named.rules[0].certificate", "{\"named\": {\"rules\": [{\"certificate\": {\"ou\": \"x\"}, \"action\": \"allow\"}]}}");
    assertKey("access.anonymous.rules[0].keyword", "{\"anonymous\": {\"rules\": [{\"keyword\": \"x\", \"action\": \"allow\"}]}}");
    assertKey("access.named.rules[0].reason", "{\"named\": {\"rules\": [{\"action\": \"deny\", \"reason\": \"\\n\"}]}}");
    assertKey("access.named.rules[0].colour", "{\"named\": {\"rules\": [{\"action\": \"deny\", \"colour\": \"red\"}]}}");
    assertKey("access.named.default", "{\"named\": {\"default\": \"perhaps\"}}");
  }

  static void assertKey(String key, String json) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(json));
    assertEquals(key, e.key(), e.getMessage());
  }

  @Test
  void rulesRoundTripThroughJson() {
    AccessRules rules = parse("""
        {"named": {"default": "deny", "defaultReason": "who are you", "rules": [
          {"name": "r", "keyword": "a*", "transport": ["tcp", "tls"], "gate": "g", "source": ["::1/128"],
           "certificate": {"san": "x"}, "action": "allow", "reason": "no"}]},
         "anonymous": {"default": "deny", "rules": [{"source": "127.0.0.0/8", "action": "allow"}]}}""");
    assertEquals(rules, AccessConfig.fromJson(AccessConfig.toJson(rules), "access"));
    assertEquals(new JsonArray().add("tcp").add("tls"), AccessConfig.toJson(rules).getJsonObject("named")
        .getJsonArray("rules").getJsonObject(0).getJsonArray("transport"));
  }
}
