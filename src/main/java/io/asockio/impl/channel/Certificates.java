package io.asockio.impl.channel;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Identity of a client certificate: its subject CN and its subject alternative names. */
final class Certificates {

  private Certificates() {
  }

  static String commonName(X509Certificate cert) {
    try {
      LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
      for (Rdn rdn : dn.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  /** DNS names, IP addresses, e-mail addresses and URIs (types 1, 2, 6, 7). */
  static List<String> subjectAlternativeNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object type = san.get(0);
          if (type instanceof Integer && List.of(1, 2, 6, 7).contains(type) && san.get(1) instanceof String) {
            names.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return names;
    }
    return names;
  }
}
