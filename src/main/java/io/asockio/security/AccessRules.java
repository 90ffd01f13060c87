package io.asockio.security;

import java.util.List;
import java.util.Set;

/**
 * Who may connect. Two ordered rule lists, first match wins: one for named peers (checked
 * against their keyword before {@code OK}), one for anonymous peers of raw gates (checked at
 * accept). A peer no rule matches gets its list's default action. Immutable: a reload builds
 * a new instance and swaps it whole.
 *
 * <pre>
 *   named:     manager   transport unix          -> allow
 *              manager                           -> deny   "manager only over the Unix socket"
 *              worker-*  source 127.0.0.0/8      -> allow
 *              billing   tls, certificate=keyword -> allow
 *              default                           -> deny
 *   anonymous: default                           -> allow
 * </pre>
 */
public final class AccessRules {

  /** What a rule does. */
  public enum Action { ALLOW, DENY }

  /** A certificate condition: any verified certificate, one naming the keyword, or a fixed CN or SAN. */
  public record CertificateCondition(Kind kind, String value) {
    public enum Kind { ANY, KEYWORD, CN, SAN }

    boolean matches(Peer peer) {
      if (!peer.hasCertificate()) {
        return false;
      }
      return switch (kind) {
        case ANY -> true;
        case KEYWORD -> peer.keyword() != null && peer.certificateNames(peer.keyword());
        case CN -> value.equals(peer.certificateCn());
        case SAN -> peer.certificateSans().contains(value);
      };
    }
  }

  /**
   * One rule; every condition given must hold (null or empty: no condition).
   *
   * @param name        shown in logs and counters
   * @param keyword     glob over the keyword (named rules only)
   * @param transports  {@code tcp}, {@code tls}, {@code unix}
   * @param gates       gate names
   * @param sources     networks the peer's address must lie in (a Unix peer has none: never matches)
   * @param certificate condition on the TLS client certificate
   * @param action      allow or deny
   * @param reason      sent as {@code ERR <reason>} on deny
   */
  public record Rule(String name, Glob keyword, Set<String> transports, Set<String> gates, List<Cidr> sources,
                     CertificateCondition certificate, Action action, String reason) {

    boolean matches(Peer peer) {
      if (keyword != null && (peer.keyword() == null || !keyword.matches(peer.keyword()))) {
        return false;
      }
      if (!transports.isEmpty() && !transports.contains(peer.transport())) {
        return false;
      }
      if (!gates.isEmpty() && !gates.contains(peer.gate())) {
        return false;
      }
      if (!sources.isEmpty()) {
        if (peer.address() == null || sources.stream().noneMatch(c -> c.contains(peer.address()))) {
          return false;
        }
      }
      return certificate == null || certificate.matches(peer);
    }
  }

  /** An ordered list and the action when nothing matches. */
  public record RuleSet(List<Rule> rules, Action defaultAction, String defaultReason) {
    public RuleSet {
      rules = List.copyOf(rules);
    }
  }

  /** The outcome, with the rule that decided (or {@code default}). */
  public record Decision(boolean allowed, String rule, String reason) {
  }

  /** Reason sent when a rule denies without saying why. */
  public static final String DEFAULT_DENY_REASON = "not allowed";

  public static final AccessRules ALLOW_ALL = new AccessRules(
      new RuleSet(List.of(), Action.ALLOW, DEFAULT_DENY_REASON), new RuleSet(List.of(), Action.ALLOW, DEFAULT_DENY_REASON));

  private final RuleSet named;
  private final RuleSet anonymous;

  public AccessRules(RuleSet named, RuleSet anonymous) {
    this.named = named;
    this.anonymous = anonymous;
  }

  public RuleSet named() {
    return named;
  }

  public RuleSet anonymous() {
    return anonymous;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessRules && ((AccessRules) o).named.equals(named) && ((AccessRules) o).anonymous.equals(anonymous);
  }

  @Override
  public int hashCode() {
    return named.hashCode() * 31 + anonymous.hashCode();
  }

  /** Decides for a peer: named rules when it has a keyword, anonymous rules otherwise. */
  public Decision decide(Peer peer) {
    RuleSet set = peer.keyword() == null ? anonymous : named;
    for (Rule rule : set.rules()) {
      if (rule.matches(peer)) {
        return new Decision(rule.action() == Action.ALLOW, rule.name(), rule.reason());
      }
    }
    return new Decision(set.defaultAction() == Action.ALLOW, "default", set.defaultReason());
  }
}
