package io.asockio.impl.gate;

import io.asockio.config.TlsConfig;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;

/** {@link TlsConfig} to Vert.x options (the JDK's TLS engine; no native library needed). */
public final class TlsOptions {

  private TlsOptions() {
  }

  /** Server side of a TLS gate. */
  public static void apply(NetServerOptions options, TlsConfig tls) {
    options.setSsl(true);
    if (tls.pkcs12Path() != null) {
      options.setKeyCertOptions(new PfxOptions().setPath(tls.pkcs12Path()).setPassword(tls.pkcs12Password()));
    } else {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    }
    applyTrust(tls, options::setTrustOptions);
    options.setClientAuth(switch (tls.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case REQUEST -> ClientAuth.REQUEST;
      case REQUIRED -> ClientAuth.REQUIRED;
    });
  }

  /** Client side of a TLS link: the server is verified; the host name check is the config's explicit choice. */
  public static void apply(NetClientOptions options, TlsConfig tls) {
    options.setSsl(true);
    options.setHostnameVerificationAlgorithm(tls.hostnameVerification() == TlsConfig.HostnameVerification.HTTPS ? "HTTPS" : "");
    if (tls.pkcs12Path() != null) {
      options.setKeyCertOptions(new PfxOptions().setPath(tls.pkcs12Path()).setPassword(tls.pkcs12Password()));
    } else if (tls.certPath() != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    }
    applyTrust(tls, options::setTrustOptions);
  }

  private static void applyTrust(TlsConfig tls, java.util.function.Consumer<io.vertx.core.net.TrustOptions> sink) {
    if (tls.trustPkcs12Path() != null) {
      sink.accept(new PfxOptions().setPath(tls.trustPkcs12Path()).setPassword(tls.trustPkcs12Password()));
    } else if (!tls.trustPemPaths().isEmpty()) {
      PemTrustOptions pem = new PemTrustOptions();
      tls.trustPemPaths().forEach(pem::addCertPath);
      sink.accept(pem);
    }
  }
}
