package io.asockio.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Test-only certificates, made fresh with the JDK's keytool in a temp folder (no private key
 * is ever committed): a CA, a server certificate for localhost / 127.0.0.1, client
 * certificates signed by the CA ({@code billing}, {@code mallory}, {@code worker-1}), and a
 * self-signed {@code rogue} one the CA never signed. Every store is PKCS#12 with
 * {@link #PASSWORD}; the CA certificate is also in {@code ca.pem}.
 */
public final class TestCerts {

  public static final String PASSWORD = "changeit";
  private static Path dir;

  private TestCerts() {
  }

  /** The folder with the certificates, made on first use (once per JVM). */
  public static synchronized Path dir() {
    if (dir == null) {
      try {
        dir = make();
      } catch (Exception e) {
        throw new IllegalStateException("cannot make test certificates with keytool", e);
      }
    }
    return dir;
  }

  public static String caPem() {
    return dir().resolve("ca.pem").toString();
  }

  /** The PKCS#12 store of {@code name} (server, billing, mallory, worker-1, rogue). */
  public static String store(String name) {
    return dir().resolve(name + ".p12").toString();
  }

  /**
   * The certificate chain and private key of {@code name} as PEM files (written from its
   * PKCS#12 store): {@code [certPath, keyPath]}.
   */
  public static synchronized String[] pem(String name) throws Exception {
    Path cert = dir().resolve(name + "-cert.pem");
    Path key = dir().resolve(name + "-key.pem");
    if (!Files.exists(key)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(Path.of(store(name)))) {
        ks.load(in, PASSWORD.toCharArray());
      }
      java.security.Key privateKey = ks.getKey(name, PASSWORD.toCharArray());
      StringBuilder chain = new StringBuilder();
      for (java.security.cert.Certificate c : ks.getCertificateChain(name)) {
        chain.append(pemBlock("CERTIFICATE", c.getEncoded()));
      }
      Files.writeString(cert, chain);
      Files.writeString(key, pemBlock("PRIVATE KEY", privateKey.getEncoded()));
    }
    return new String[] {cert.toString(), key.toString()};
  }

  private static String pemBlock(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** A client SSLContext trusting the CA and, unless {@code clientName} is null, presenting that certificate. */
  public static SSLContext clientContext(String clientName) throws Exception {
    KeyManagerFactory kmf = null;
    if (clientName != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(Path.of(store(clientName)))) {
        ks.load(in, PASSWORD.toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(store("ca")))) {
      trust.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private static Path make() throws Exception {
    Path d = Files.createTempDirectory("asockio-certs");
    d.toFile().deleteOnExit();
    keytool(d, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=asockio test CA",
        "-ext", "bc:c", "-validity", "3", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool(d, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-file", "ca.pem");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      done.add(pool.submit(() -> signed(d, "server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1,ip:::1")));
      for (String client : List.of("billing", "mallory", "worker-1")) {
        done.add(pool.submit(() -> signed(d, client, "CN=" + client, "SAN=dns:" + client)));
      }
      done.add(pool.submit(() -> {
        keytool(d, "-genkeypair", "-alias", "rogue", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=billing",
            "-validity", "3", "-keystore", "rogue.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        return null;
      }));
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return d;
  }

  private static Void signed(Path d, String name, String dn, String san) throws IOException, InterruptedException {
    String store = name + ".p12";
    keytool(d, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dn, "-validity", "3",
        "-keystore", store, "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool(d, "-certreq", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-file", name + ".csr");
    keytool(d, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", name + ".csr",
        "-outfile", name + ".crt", "-rfc", "-validity", "3", "-ext", san);
    keytool(d, "-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", store, "-storepass", PASSWORD, "-noprompt");
    keytool(d, "-importcert", "-alias", name, "-file", name + ".crt", "-keystore", store, "-storepass", PASSWORD);
    return null;
  }

  private static void keytool(Path d, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(d.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
