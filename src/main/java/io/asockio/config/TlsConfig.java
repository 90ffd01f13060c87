package io.asockio.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * TLS for a gate (server side) or a link (client side). Key and certificate come from PEM
 * files or a PKCS#12 store; trust from PEM files or a PKCS#12 store (for a link without
 * trust settings, the JVM's default trust store).
 *
 * @param certPath             PEM certificate chain
 * @param keyPath              PEM private key
 * @param pkcs12Path           PKCS#12 store holding the key and certificate (instead of PEM)
 * @param pkcs12Password       its password
 * @param clientAuth           gates: {@code none}, {@code request} or {@code required}
 * @param trustPemPaths        PEM CA certificates to trust (client certificates on a gate, the server on a link)
 * @param trustPkcs12Path      PKCS#12 trust store (instead of PEM)
 * @param trustPkcs12Password  its password
 * @param hostnameVerification links: {@code https} (check the server's name against its certificate)
 *                             or {@code none}; required, so that the choice is explicit
 */
public record TlsConfig(String certPath, String keyPath, String pkcs12Path, String pkcs12Password, ClientAuth clientAuth,
                        List<String> trustPemPaths, String trustPkcs12Path, String trustPkcs12Password,
                        HostnameVerification hostnameVerification) {

  /** Whether a gate asks for client certificates. */
  public enum ClientAuth { NONE, REQUEST, REQUIRED }

  /** Whether a link checks the server's host name. */
  public enum HostnameVerification { HTTPS, NONE }

  static final Set<String> KEYS = Set.of("certPath", "keyPath", "pkcs12Path", "pkcs12Password", "clientAuth",
      "trustPemPaths", "trustPkcs12Path", "trustPkcs12Password", "hostnameVerification");

  public TlsConfig {
    trustPemPaths = trustPemPaths == null ? List.of() : List.copyOf(trustPemPaths);
  }

  /** Server TLS from a PKCS#12 store. */
  public static TlsConfig serverPkcs12(String path, String password) {
    return new TlsConfig(null, null, path, password, ClientAuth.NONE, List.of(), null, null, null);
  }

  /** Client TLS trusting the given PEM CA certificates, with an explicit host name check choice. */
  public static TlsConfig clientTrusting(List<String> caPemPaths, HostnameVerification verification) {
    return new TlsConfig(null, null, null, null, ClientAuth.NONE, caPemPaths, null, null, verification);
  }

  public TlsConfig withClientAuth(ClientAuth auth, List<String> caPemPaths) {
    return new TlsConfig(certPath, keyPath, pkcs12Path, pkcs12Password, auth, caPemPaths, trustPkcs12Path,
        trustPkcs12Password, hostnameVerification);
  }

  public TlsConfig withKeyCertPkcs12(String path, String password) {
    return new TlsConfig(null, null, path, password, clientAuth, trustPemPaths, trustPkcs12Path, trustPkcs12Password,
        hostnameVerification);
  }

  public boolean hasKeyCert() {
    return pkcs12Path != null || certPath != null;
  }

  public boolean hasTrust() {
    return !trustPemPaths.isEmpty() || trustPkcs12Path != null;
  }

  /** Every file this config names, with its key, for existence checks at start. */
  public List<String[]> files(String path) {
    List<String[]> files = new ArrayList<>();
    if (certPath != null) {
      files.add(new String[] {path + ".certPath", certPath});
      files.add(new String[] {path + ".keyPath", keyPath});
    }
    if (pkcs12Path != null) {
      files.add(new String[] {path + ".pkcs12Path", pkcs12Path});
    }
    for (int i = 0; i < trustPemPaths.size(); i++) {
      files.add(new String[] {path + ".trustPemPaths[" + i + "]", trustPemPaths.get(i)});
    }
    if (trustPkcs12Path != null) {
      files.add(new String[] {path + ".trustPkcs12Path", trustPkcs12Path});
    }
    return files;
  }

  static TlsConfig fromJson(JsonObject json, String path, boolean server) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(KEYS);
    String cert = f.string("certPath", null);
    String key = f.string("keyPath", null);
    String p12 = f.string("pkcs12Path", null);
    if ((cert == null) != (key == null)) {
      throw new ConfigException(f.key(cert == null ? "certPath" : "keyPath"), "certPath and keyPath go together");
    }
    if (cert != null && p12 != null) {
      throw new ConfigException(f.key("pkcs12Path"), "give PEM files (certPath, keyPath) or a PKCS#12 store, not both");
    }
    if (server && cert == null && p12 == null) {
      throw new ConfigException(f.key("certPath"), "a TLS gate needs its certificate and key (certPath and keyPath, or pkcs12Path)");
    }
    List<String> trustPem = new ArrayList<>();
    JsonArray trust = f.array("trustPemPaths");
    for (int i = 0; trust != null && i < trust.size(); i++) {
      Object v = trust.getValue(i);
      if (!(v instanceof String) || ((String) v).isEmpty()) {
        throw new ConfigException(f.key("trustPemPaths") + "[" + i + "]", "expected a file path");
      }
      trustPem.add((String) v);
    }
    String trustP12 = f.string("trustPkcs12Path", null);
    if (!trustPem.isEmpty() && trustP12 != null) {
      throw new ConfigException(f.key("trustPkcs12Path"), "give trustPemPaths or trustPkcs12Path, not both");
    }
    ClientAuth auth = f.enumValue("clientAuth", ClientAuth.class, ClientAuth.NONE);
    if (!server && f.has("clientAuth")) {
      throw new ConfigException(f.key("clientAuth"), "only for gates");
    }
    if (server && auth != ClientAuth.NONE && trustPem.isEmpty() && trustP12 == null) {
      throw new ConfigException(f.key("trustPemPaths"), "clientAuth " + auth.name().toLowerCase()
          + " needs the CA certificates that sign client certificates (trustPemPaths or trustPkcs12Path)");
    }
    HostnameVerification verification = f.enumValue("hostnameVerification", HostnameVerification.class, null);
    if (server && verification != null) {
      throw new ConfigException(f.key("hostnameVerification"), "only for links");
    }
    if (!server && verification == null) {
      throw new ConfigException(f.key("hostnameVerification"),
          "required for a TLS link: \"https\" to check the server's name against its certificate, or \"none\"");
    }
    return new TlsConfig(cert, key, p12, f.string("pkcs12Password", null), auth, trustPem, trustP12,
        f.string("trustPkcs12Password", null), verification);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (certPath != null) {
      json.put("certPath", certPath).put("keyPath", keyPath);
    }
    if (pkcs12Path != null) {
      json.put("pkcs12Path", pkcs12Path);
      if (pkcs12Password != null) {
        json.put("pkcs12Password", pkcs12Password);
      }
    }
    if (hostnameVerification == null) {
      json.put("clientAuth", clientAuth.name().toLowerCase());
    }
    if (!trustPemPaths.isEmpty()) {
      json.put("trustPemPaths", new JsonArray(new ArrayList<>(trustPemPaths)));
    }
    if (trustPkcs12Path != null) {
      json.put("trustPkcs12Path", trustPkcs12Path);
      if (trustPkcs12Password != null) {
        json.put("trustPkcs12Password", trustPkcs12Password);
      }
    }
    if (hostnameVerification != null) {
      json.put("hostnameVerification", hostnameVerification.name().toLowerCase());
    }
    return json;
  }
}
