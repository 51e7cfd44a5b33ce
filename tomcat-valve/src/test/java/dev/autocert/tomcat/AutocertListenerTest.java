package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.testkit.FreePorts;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.UpgradeProtocol;
import org.apache.coyote.http2.Http2Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the listener wires a Tomcat server, and the TLS answers it gives, without a CA. */
class AutocertListenerTest {

    @TempDir
    Path dir;
    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger julLogger = Logger.getLogger(AutocertListener.class.getName());
    private EmbeddedTomcat embedded;

    @BeforeEach
    void captureLog() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        julLogger.removeHandler(capture);
        if (embedded != null) {
            embedded.close();
        }
    }

    private AutocertListener listener(String domains) {
        AutocertListener l = new AutocertListener();
        l.setDomains(domains);
        l.setStorage(dir.resolve("store").toString());
        l.setDirectory("https://127.0.0.1:" + FreePorts.take() + "/dir"); // nothing listens: no issuance in these tests
        l.setRetryDelay("1h");
        l.setHttpsAddress("127.0.0.1");
        return l;
    }

    @Test
    void aBadSettingIsLoggedWithItsFixAndTomcatStillServes() throws Exception {
        AutocertListener l = listener("a.test");
        l.setKeyType("dsa1024");
        int port = FreePorts.take();
        embedded = new EmbeddedTomcat(dir.resolve("base"), port, l).start();
        assertThat(l.getAutocert()).isNull();
        assertThat(logged).anyMatch(m -> m.startsWith("SEVERE") && m.contains("'keyType'") && m.contains("ec256"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("hello from the app");
    }

    @Test
    void jsseConnectorsAreWrappedAndAcmeTlsIsNegotiatedLastAfterH2() {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("base").toString());
        Connector tls = tlsConnector(null);
        tomcat.getService().addConnector(tls);
        tomcat.getEngine();
        AutocertListener l = listener("a.test");
        l.lifecycleEvent(new LifecycleEvent(tomcat.getServer(), Lifecycle.BEFORE_INIT_EVENT, null));
        assertThat(tls.getProperty("sslImplementationName")).isEqualTo(AutocertJsseImplementation.class.getName());
        UpgradeProtocol[] protocols = tls.findUpgradeProtocols();
        assertThat(protocols).hasSize(2);
        assertThat(protocols[0]).isInstanceOf(Http2Protocol.class);
        assertThat(protocols[1]).isInstanceOf(AcmeTlsAlpnProtocol.class);
        assertThat(tomcat.getEngine().getPipeline().getValves()).anyMatch(v -> v instanceof AcmeChallengeValve);
    }

    @Test
    void anOpenSslConnectorKeepsItsImplementationAndIsReported() {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("base").toString());
        String openssl = "org.apache.tomcat.util.net.openssl.OpenSSLImplementation";
        tomcat.getConnector(); // the default HTTP connector, not started
        Connector tls = tlsConnector(openssl);
        tomcat.getService().addConnector(tls);
        tomcat.getEngine();
        AutocertListener l = listener("a.test");
        l.lifecycleEvent(new LifecycleEvent(tomcat.getServer(), Lifecycle.BEFORE_INIT_EVENT, null));
        assertThat(tls.getProperty("sslImplementationName")).isEqualTo(openssl);
        assertThat(tls.findUpgradeProtocols()).noneMatch(p -> p instanceof AcmeTlsAlpnProtocol);
        assertThat(logged).anyMatch(m -> m.startsWith("WARNING") && m.contains(openssl) && m.contains("Remove sslImplementationName"));
        assertThat(logged).anyMatch(m -> m.contains("answering http-01") && !m.contains("tls-alpn-01"));
    }

    private static Connector tlsConnector(String implementation) {
        Connector c = new Connector();
        c.setPort(0);
        c.setProperty("SSLEnabled", "true");
        if (implementation != null) {
            c.setProperty("sslImplementationName", implementation);
        }
        c.addUpgradeProtocol(new Http2Protocol());
        return c;
    }

    @Test
    void answersTlsAlpn01AndTlsSni01PerHandshakeAndClosesAcmeTlsConnections() throws Exception {
        int httpsPort = FreePorts.take();
        AutocertListener l = listener("a.test");
        l.setHttpsPort(httpsPort);
        embedded = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), l).start();
        Autocert autocert = l.getAutocert();

        // TLS-ALPN-01 (RFC 8737): the challenge certificate, then the server closes the connection
        String keyAuthorization = "token-abcdefghijklmnop.thumbprint";
        CertifiedKey alpnCert = SelfSigned.tlsAlpn01("a.test", keyAuthorization);
        autocert.challengeBoard().putTlsAlpn01("a.test", alpnCert);
        try (SSLSocket s = connect(httpsPort, "a.test", "acme-tls/1")) {
            assertThat(s.getApplicationProtocol()).isEqualTo("acme-tls/1");
            assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(alpnCert.leaf());
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server, nothing served
        }

        // TLS-SNI-01 as the old ACME draft's validator checks it: SNI Z[0:32].Z[32:64].acme.invalid, that SAN back
        String z = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(keyAuthorization.getBytes(StandardCharsets.UTF_8)));
        String sniName = z.substring(0, 32) + "." + z.substring(32, 64) + ".acme.invalid";
        autocert.challengeBoard().putTlsSni01(SelfSigned.tlsSni01Name(keyAuthorization), SelfSigned.tlsSni01(keyAuthorization));
        try (SSLSocket s = connect(httpsPort, sniName, null)) {
            X509Certificate served = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertThat(served.getSubjectAlternativeNames()).containsExactly(List.of(2, sniName));
        }
        String wrong = "0".repeat(32) + "." + "0".repeat(32) + ".acme.invalid";
        assertThatThrownBy(() -> connect(httpsPort, wrong, null).close()).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void twoTomcatsInOneJvmEachServeTheirOwnCertificatesAndChallenges() throws Exception {
        int httpA = FreePorts.take();
        int httpB = FreePorts.take();
        AutocertListener a = listener("a.test");
        a.setStorage(dir.resolve("store-a").toString());
        a.setHttpsPort(FreePorts.take());
        AutocertListener b = listener("b.test");
        b.setStorage(dir.resolve("store-b").toString());
        b.setHttpsPort(FreePorts.take());
        try (EmbeddedTomcat tomcatA = new EmbeddedTomcat(dir.resolve("base-a"), httpA, a).start();
             EmbeddedTomcat tomcatB = new EmbeddedTomcat(dir.resolve("base-b"), httpB, b).start()) {
            CertifiedKey certA = SelfSigned.temporary(List.of("a.test"), dev.autocert.config.KeyType.EC256);
            CertifiedKey certB = SelfSigned.temporary(List.of("b.test"), dev.autocert.config.KeyType.EC256);
            a.getAutocert().liveCertificates().install(certA);
            b.getAutocert().liveCertificates().install(certB);
            try (SSLSocket s = connect(tomcatA.tomcat.getService().findConnectors()[1].getLocalPort(), "a.test", null)) {
                assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(certA.leaf());
            }
            try (SSLSocket s = connect(tomcatB.tomcat.getService().findConnectors()[1].getLocalPort(), "b.test", null)) {
                assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(certB.leaf());
            }

            String token = "only-on-the-board-of-a";
            a.getAutocert().challengeBoard().putHttp01(token, token + ".thumbprint");
            assertThat(get(httpA, "/.well-known/acme-challenge/" + token).statusCode()).isEqualTo(200);
            assertThat(get(httpB, "/.well-known/acme-challenge/" + token).statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SSLSocket connect(int port, String sni, String alpn) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // a validator checks the SAN and extension itself, not a chain
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        if (alpn != null) {
            p.setApplicationProtocols(new String[] {alpn});
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }
}
