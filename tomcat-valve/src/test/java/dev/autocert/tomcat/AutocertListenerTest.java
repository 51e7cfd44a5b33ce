package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.KeyType;
import dev.autocert.config.Setting;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.testkit.FreePorts;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.UpgradeProtocol;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.IntrospectionUtils;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

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
    private final Logger julLogger = Logger.getLogger(""); // Tomcat's own lines too: a bad setting must cause none
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
        l.set(Setting.DOMAINS, domains);
        l.set(Setting.STORAGE, dir.resolve("store").toString());
        l.set(Setting.DIRECTORY, "https://127.0.0.1:" + FreePorts.take() + "/dir"); // nothing listens: no issuance in these tests
        l.set(Setting.RETRY_DELAY, "1h");
        l.set(Setting.HTTPS_ADDRESS, "127.0.0.1");
        return l;
    }

    /** Does what Tomcat's digester does with an attribute of the {@code <Listener>} element in server.xml. */
    private static void attribute(AutocertListener l, String name, String value) {
        assertThat(IntrospectionUtils.setProperty(l, name, value)).as("the digester sets %s", name).isTrue();
    }

    @Test
    void serverXmlAttributesReachTheSettingsWithoutASetterEach() throws Exception {
        int httpsPort = FreePorts.take();
        AutocertListener l = listener("a.test");
        attribute(l, "httpsPort", String.valueOf(httpsPort));
        attribute(l, "statusPath", "/.well-known/autocert-status");
        attribute(l, "keyType", "ec384");
        assertThat(IntrospectionUtils.setProperty(l, "optional", "true")).as("Tomcat's own attribute, left to its rule").isFalse();
        embedded = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), l).start();
        AutocertConfig config = l.getAutocert().config();
        assertThat(config.keyType()).isEqualTo(KeyType.EC384);
        assertThat(config.statusPath()).contains("/.well-known/autocert-status");
        assertThat(embedded.tomcat.getService().findConnectors()).extracting(Connector::getLocalPort).contains(httpsPort);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "domain       | b.test    | Setting 'domain' is not a known setting (did you mean 'domains'?). Fix: rename it to domains",
        "httpsPort    | 99999     | Setting 'httpsPort' is not a port number from 1 to 65535: '99999'. Fix: e.g. httpsPort=\"8443\"",
        "httpsAddress | 192.0.2.1 | Setting 'httpsAddress' is 192.0.2.1, which is not an address of this machine",
    })
    void aBadAttributeIsOneSevereLineAndTomcatStartsWithoutAutocertNorItsConnector(String name, String value, String error)
            throws Exception {
        AutocertListener l = listener("a.test");
        attribute(l, name, value);
        int port = FreePorts.take();
        embedded = new EmbeddedTomcat(dir.resolve("base"), port, l).start();
        assertThat(l.getAutocert()).isNull();
        assertThat(embedded.tomcat.getService().findConnectors()).as("only the HTTP connector").hasSize(1);
        assertThat(logged.stream().filter(m -> m.startsWith("SEVERE"))).singleElement().asString()
                .contains("Autocert is not active: " + error).contains("Tomcat starts without it");
        assertThat(logged.stream().filter(m -> m.contains(name))).hasSize(1);
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("hello from the app");
    }

    @Test
    void aBadSettingIsLoggedWithItsFixAndTomcatStillServes() throws Exception {
        AutocertListener l = listener("a.test");
        l.set(Setting.KEY_TYPE, "dsa1024");
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
    void anOpenSslConnectorKeepsItsImplementationAndGetsOneHostPerManagedName() throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("base").toString());
        String openssl = "org.apache.tomcat.util.net.openssl.OpenSSLImplementation";
        tomcat.getConnector(); // the default HTTP connector, not started
        Connector tls = tlsConnector(openssl);
        tomcat.getService().addConnector(tls);
        tomcat.getEngine();
        AutocertListener l = listener("a.test,*.a.test;b.test");
        l.set(Setting.DNS_HOOK, "/bin/true"); // the wildcard needs DNS-01; nothing is issued here
        l.lifecycleEvent(new LifecycleEvent(tomcat.getServer(), Lifecycle.BEFORE_INIT_EVENT, null));
        assertThat(tls.getProperty("sslImplementationName")).isEqualTo(openssl);
        assertThat(tls.findUpgradeProtocols()).noneMatch(p -> p instanceof AcmeTlsAlpnProtocol);
        assertThat(logged).anyMatch(m -> m.startsWith("INFO") && m.contains(openssl) && m.contains("one TLS host per managed name"));
        assertThat(logged).anyMatch(m -> m.contains("answering http-01") && !m.contains("tls-alpn-01"));
        // one host per name, the wildcard as Tomcat matches it; the default host serves the first certificate
        Map<String, String> files = new TreeMap<>();
        for (SSLHostConfig host : tls.findSslHostConfigs()) {
            assertThat(host.getCertificates()).hasSize(1);
            files.put(host.getHostName(), host.getCertificates().iterator().next().getCertificateKeystoreFile());
        }
        assertThat(files).containsOnlyKeys("_default_", "a.test", "*.a.test", "b.test");
        assertThat(files.get("_default_")).isEqualTo(files.get("a.test")).isEqualTo(files.get("*.a.test"));
        assertThat(files.get("b.test")).isNotEqualTo(files.get("a.test"));
        // each keystore holds that certificate's placeholder (0600, through the one keystore writer) until it is issued
        CertifiedKey b = Keystores.read(Files.readAllBytes(Path.of(files.get("b.test"))), Keystores.PKCS12,
                FileStore.KEYSTORE_ALIAS, "changeit".toCharArray());
        assertThat(CertifiedKey.names(b.leaf())).containsExactly("b.test");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(files.get("b.test"))))).isEqualTo("rw-------");
    }

    @Test
    void anOpenSslConnectorsOwnHostForAManagedNameIsLeftAloneWithAWarning() {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("base").toString());
        tomcat.getConnector();
        Connector tls = tlsConnector("org.apache.tomcat.util.net.openssl.OpenSSLImplementation");
        SSLHostConfig own = new SSLHostConfig();
        own.setHostName("b.test");
        SSLHostConfigCertificate ownCert =
                new SSLHostConfigCertificate(own, SSLHostConfigCertificate.Type.UNDEFINED);
        ownCert.setCertificateKeystoreFile("conf/b-own.p12");
        own.addCertificate(ownCert);
        tls.addSslHostConfig(own);
        tomcat.getService().addConnector(tls);
        tomcat.getEngine();
        listener("a.test;b.test").lifecycleEvent(new LifecycleEvent(tomcat.getServer(), Lifecycle.BEFORE_INIT_EVENT, null));
        assertThat(own.getCertificates()).singleElement().extracting(c -> c.getCertificateKeystoreFile()).isEqualTo("conf/b-own.p12");
        assertThat(tls.findSslHostConfigs()).extracting(SSLHostConfig::getHostName).containsExactlyInAnyOrder("_default_", "a.test", "b.test");
        assertThat(logged).anyMatch(m -> m.startsWith("WARNING") && m.contains("[b.test]") && m.contains("Remove that SSLHostConfig"));
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
        l.set(Setting.HTTPS_PORT, String.valueOf(httpsPort));
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
        assertThatThrownBy(() -> connect(httpsPort, wrong, null).close()).isInstanceOf(IOException.class);
    }

    @Test
    void twoTomcatsInOneJvmEachServeTheirOwnCertificatesAndChallenges() throws Exception {
        int httpA = FreePorts.take();
        int httpB = FreePorts.take();
        AutocertListener a = listener("a.test");
        a.set(Setting.STORAGE, dir.resolve("store-a").toString());
        a.set(Setting.HTTPS_PORT, String.valueOf(FreePorts.take()));
        AutocertListener b = listener("b.test");
        b.set(Setting.STORAGE, dir.resolve("store-b").toString());
        b.set(Setting.HTTPS_PORT, String.valueOf(FreePorts.take()));
        try (EmbeddedTomcat tomcatA = new EmbeddedTomcat(dir.resolve("base-a"), httpA, a).start();
             EmbeddedTomcat tomcatB = new EmbeddedTomcat(dir.resolve("base-b"), httpB, b).start()) {
            CertifiedKey certA = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
            CertifiedKey certB = SelfSigned.temporary(List.of("b.test"), KeyType.EC256);
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
