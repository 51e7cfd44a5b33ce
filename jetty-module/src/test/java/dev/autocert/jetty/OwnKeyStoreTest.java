package dev.autocert.jetty;

import dev.autocert.testkit.TestCa;
import dev.autocert.testkit.TlsProbe;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application (or jetty-base) that already configured its TLS connector keeps what it configured:
 * its keystore's certificates for the names Autocert does not manage, and client certificate
 * authentication against its trust store.
 */
class OwnKeyStoreTest {

    private static final String OBFUSCATED_SECRET = "OBF:1yta1t331v8w1v9q1t331ytc"; // "secret", as Jetty writes it

    @TempDir
    Path storage;

    @Test
    void theConfiguredKeystoreKeepsServingOtherNames() throws Exception {
        TestCa.Leaf own = TestCa.create().issue("other.test");
        store(own.keyStore("mine", "secret".toCharArray()), "own.p12");
        try (EmbeddedJetty jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage, false, ownKeyStore(OBFUSCATED_SECRET), OBFUSCATED_SECRET)) {
            assertThat(leaf(jetty, "other.test")).isEqualTo(own.certificate());
            assertThat(TlsProbe.subjectAltNames(leaf(jetty, "b.test"))).containsExactly("b.test");
            assertThat(TlsProbe.subjectAltNames(leaf(jetty, "www.a.test"))).containsExactly("a.test", "www.a.test");
            assertThat(TlsProbe.subjectAltNames(leaf(jetty, "unknown.test"))).as("an unknown name: the first managed certificate")
                    .containsExactly("a.test", "www.a.test");
        }
    }

    @Test
    void aKeystoreAutocertCannotReadIsLeftOutNotFatal() throws Exception {
        store(TestCa.create().issue("other.test").keyStore("mine", "secret".toCharArray()), "own.p12");
        try (EmbeddedJetty jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage, false, ownKeyStore("secret"), null)) {
            assertThat(TlsProbe.subjectAltNames(leaf(jetty, "b.test"))).containsExactly("b.test");
            assertThat(TlsProbe.subjectAltNames(leaf(jetty, "other.test"))).containsExactly("a.test", "www.a.test");
        }
    }

    @Test
    void clientCertificatesAreStillRequiredAndCheckedAgainstTheTrustStore() throws Exception {
        TestCa clients = TestCa.create();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("clients", clients.caCertificate());
        store(trust, "trust.p12");
        Consumer<SslContextFactory.Server> setup = tls -> {
            tls.setNeedClientAuth(true);
            tls.setTrustStorePath(storage.resolve("trust.p12").toString());
            tls.setTrustStorePassword("secret");
        };
        try (EmbeddedJetty jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage, false, setup, "secret")) {
            TestCa.Leaf client = clients.issue("client.test");
            try (SSLSocket s = connect(jetty, client.keyStore("c", "pw".toCharArray()))) {
                assertThat(TlsClient.get(s, "b.test")).isEqualTo(EmbeddedJetty.BODY);
            }
            TestCa.Leaf stranger = TestCa.create().issue("client.test");
            assertThatThrownBy(() -> TlsClient.get(connect(jetty, stranger.keyStore("c", "pw".toCharArray())), "b.test"))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> TlsClient.get(connect(jetty, null), "b.test")).isInstanceOf(IOException.class);
        }
    }

    private Consumer<SslContextFactory.Server> ownKeyStore(String password) {
        return tls -> {
            tls.setKeyStorePath(storage.resolve("own.p12").toString());
            tls.setKeyStorePassword(password);
        };
    }

    private void store(KeyStore keyStore, String file) throws Exception {
        try (OutputStream out = Files.newOutputStream(storage.resolve(file))) {
            keyStore.store(out, "secret".toCharArray());
        }
    }

    private static X509Certificate leaf(EmbeddedJetty jetty, String sni) throws Exception {
        TlsClient.Handshake h = TlsClient.handshake(jetty.httpsPort, sni, List.of("http/1.1"), null);
        h.socket().close();
        return h.leaf();
    }

    /** A TLS 1.3 client presenting the key and chain of {@code identity} (or none); the server's verdict shows on the first read. */
    private static SSLSocket connect(EmbeddedJetty jetty, KeyStore identity) throws Exception {
        KeyManager[] keyManagers = null;
        if (identity != null) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(identity, "pw".toCharArray());
            keyManagers = kmf.getKeyManagers();
        }
        Socket raw = new Socket("127.0.0.1", jetty.httpsPort);
        raw.setSoTimeout(10_000);
        SSLSocket s = (SSLSocket) TlsClient.context(keyManagers, new ArrayList<>()).getSocketFactory()
                .createSocket(raw, "b.test", jetty.httpsPort, true);
        s.setSSLParameters(TlsClient.parameters(s.getSSLParameters(), "b.test", List.of("http/1.1"), null));
        s.startHandshake();
        return s;
    }
}
