package dev.autocert.tls;

import dev.autocert.config.KeyType;
import dev.autocert.store.FileStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/** Shared plumbing of the handshake tests. */
final class TlsTestSupport {

    /** The static ALPN list of the test servers; selected while the ClientHello is read. */
    static final String[] SERVER_ALPN = {"h2", "http/1.1", AutocertKeyManager.ACME_TLS_1};

    private static final char[] PASSWORD = "pw".toCharArray();

    private TlsTestSupport() {
    }

    /** @return a container-style key manager over a PKCS#12 keystore holding a self-signed "other.test" */
    static X509ExtendedKeyManager delegate() throws Exception {
        return delegate(SelfSigned.temporary(List.of("other.test"), KeyType.EC256));
    }

    /** @return a container-style key manager over a PKCS#12 keystore holding {@code cert} */
    static X509ExtendedKeyManager delegate(CertifiedKey cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(FileStore.pkcs12(cert, PASSWORD)), PASSWORD);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    }

    /** Test only: accepts every certificate so the test can inspect what the server chose. */
    static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
