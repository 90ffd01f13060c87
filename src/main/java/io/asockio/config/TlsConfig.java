package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

  static final Key<String> CERT_PATH = Key.optionalName("certPath");
  static final Key<String> KEY_PATH = Key.optionalName("keyPath");
  static final Key<String> PKCS12_PATH = Key.optionalName("pkcs12Path");
  static final Key<String> PKCS12_PASSWORD = Key.string("pkcs12Password", null);
  static final Key<ClientAuth> CLIENT_AUTH = Key.enumeration("clientAuth", ClientAuth.class, ClientAuth.NONE);
  static final Key<List<String>> TRUST_PEM_PATHS = Key.strings("trustPemPaths");
  static final Key<String> TRUST_PKCS12_PATH = Key.optionalName("trustPkcs12Path");
  static final Key<String> TRUST_PKCS12_PASSWORD = Key.string("trustPkcs12Password", null);
  static final Key<HostnameVerification> HOSTNAME_VERIFICATION = Key.enumeration("hostnameVerification",
      HostnameVerification.class, null);

  static final Section<TlsConfig> SECTION = new Section<TlsConfig>()
      .add(CERT_PATH, TlsConfig::certPath)
      .add(KEY_PATH, TlsConfig::keyPath)
      .add(PKCS12_PATH, TlsConfig::pkcs12Path)
      .add(PKCS12_PASSWORD, TlsConfig::pkcs12Password)
      .add(CLIENT_AUTH, t -> t.hostnameVerification == null ? t.clientAuth : null) // gates only
      .add(TRUST_PEM_PATHS, t -> t.trustPemPaths.isEmpty() ? null : t.trustPemPaths)
      .add(TRUST_PKCS12_PATH, TlsConfig::trustPkcs12Path)
      .add(TRUST_PKCS12_PASSWORD, TlsConfig::trustPkcs12Password)
      .add(HOSTNAME_VERIFICATION, TlsConfig::hostnameVerification);

  public TlsConfig {
    trustPemPaths = trustPemPaths == null ? List.of() : List.copyOf(trustPemPaths);
  }

  /** Server TLS from a PKCS#12 store. */
  public static TlsConfig serverPkcs12(Path store, String password) {
    return new TlsConfig(null, null, store.toString(), password, ClientAuth.NONE, List.of(), null, null, null);
  }

  /** Client TLS trusting the given PEM CA certificates, with an explicit host name check choice. */
  public static TlsConfig clientTrusting(List<String> caPemPaths, HostnameVerification verification) {
    return new TlsConfig(null, null, null, null, ClientAuth.NONE, caPemPaths, null, null, verification);
  }

  public TlsConfig withClientAuth(ClientAuth auth, List<String> caPemPaths) {
    return new TlsConfig(certPath, keyPath, pkcs12Path, pkcs12Password, auth, caPemPaths, trustPkcs12Path,
        trustPkcs12Password, hostnameVerification);
  }

  /** The key and certificate from a PKCS#12 store (a client certificate, on a link). */
  public TlsConfig withKeyCertPkcs12(Path store, String password) {
    return new TlsConfig(null, null, store.toString(), password, clientAuth, trustPemPaths, trustPkcs12Path, trustPkcs12Password,
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
    JsonFields f = SECTION.fields(json, path);
    String cert = f.read(CERT_PATH);
    String key = f.read(KEY_PATH);
    String p12 = f.read(PKCS12_PATH);
    if ((cert == null) != (key == null)) {
      throw new ConfigException(f.key(cert == null ? CERT_PATH : KEY_PATH), "certPath and keyPath go together");
    }
    if (cert != null && p12 != null) {
      throw new ConfigException(f.key(PKCS12_PATH), "give PEM files (certPath, keyPath) or a PKCS#12 store, not both");
    }
    if (server && cert == null && p12 == null) {
      throw new ConfigException(f.key(CERT_PATH), "a TLS gate needs its certificate and key (certPath and keyPath, or pkcs12Path)");
    }
    List<String> trustPem = f.read(TRUST_PEM_PATHS);
    trustPem = trustPem == null ? List.of() : trustPem;
    String trustP12 = f.read(TRUST_PKCS12_PATH);
    if (!trustPem.isEmpty() && trustP12 != null) {
      throw new ConfigException(f.key(TRUST_PKCS12_PATH), "give trustPemPaths or trustPkcs12Path, not both");
    }
    ClientAuth auth = f.read(CLIENT_AUTH);
    if (!server && f.has(CLIENT_AUTH)) {
      throw new ConfigException(f.key(CLIENT_AUTH), "only for gates");
    }
    if (server && auth != ClientAuth.NONE && trustPem.isEmpty() && trustP12 == null) {
      throw new ConfigException(f.key(TRUST_PEM_PATHS), "clientAuth " + auth.name().toLowerCase()
          + " needs the CA certificates that sign client certificates (trustPemPaths or trustPkcs12Path)");
    }
    HostnameVerification verification = f.read(HOSTNAME_VERIFICATION);
    if (server && verification != null) {
      throw new ConfigException(f.key(HOSTNAME_VERIFICATION), "only for links");
    }
    if (!server && verification == null) {
      throw new ConfigException(f.key(HOSTNAME_VERIFICATION),
          "required for a TLS link: \"https\" to check the server's name against its certificate, or \"none\"");
    }
    return new TlsConfig(cert, key, p12, f.read(PKCS12_PASSWORD), auth, trustPem, trustP12, f.read(TRUST_PKCS12_PASSWORD),
        verification);
  }

  JsonObject toJson() {
    return SECTION.toJson(this);
  }
}
