package dev.autocert.tomcat;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.SelfSigned;
import dev.autocert.config.KeyType;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS-ALPN-01 on the real Tomcat distribution, on a TLS connector the user wrote in server.xml
 * (their keystore, their h2), with Pebble able to reach ONLY the TLS port. No {@code challenges}
 * setting: the first attempt uses HTTP-01 (the server has an HTTP connector), fails, and the next
 * attempt uses TLS-ALPN-01. Then real-client checks on TLS 1.2 and 1.3.
 */
class TomcatTlsAlpnIT extends DistributionTestSupport {

    @Test
    void issuesOverTlsAlpnOnTheUsersConnectorAndKeepsNormalHandshakesUntouched() throws Exception {
        pebble = Pebble.builder().httpPort(FreePorts.take()).tlsPort(httpsPort).workDir(work.resolve("pebble")).start();
        newTomcat("tomcat.home");
        // the user's own keystore: a leftover self-signed certificate for the managed name
        CertifiedKey old = SelfSigned.temporary(List.of("alpn.test"), KeyType.EC256);
        Files.write(tomcat.base().resolve("conf/user.p12"), Keystores.encode(old, Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, "secret".toCharArray()));
        tomcat.insertIntoServer(listenerLine("domains=\"alpn.test\" acceptTerms=\"true\" retryDelay=\"1s\""));
        Path xml = tomcat.base().resolve("conf/server.xml");
        Files.writeString(xml, Files.readString(xml).replace("</Service>",
                "  <Connector port=\"" + httpsPort + "\" address=\"127.0.0.1\" protocol=\"org.apache.coyote.http11.Http11NioProtocol\""
                        + " SSLEnabled=\"true\" maxThreads=\"50\">\n"
                        + "      <UpgradeProtocol className=\"org.apache.coyote.http2.Http2Protocol\"/>\n"
                        + "      <SSLHostConfig><Certificate certificateKeystoreFile=\"conf/user.p12\""
                        + " certificateKeystorePassword=\"secret\" certificateKeystoreType=\"PKCS12\"/></SSLHostConfig>\n"
                        + "    </Connector>\n  </Service>"));
        tomcat.start().awaitPort(httpsPort);

        List<X509Certificate> roots = pebble.roots();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "alpn.test", roots), roots, "alpn.test"));
        String log = tomcat.console();
        assertThat(log).contains("alpn.test: answering http-01").contains("the CA could not connect to this server")
                .contains("alpn.test: validated over tls-alpn-01");

        for (String version : List.of("1.2", "1.3")) {
            // a normal client gets the real chain and h2
            TlsProbe.OpensslResult normal = TlsProbe.openssl("127.0.0.1", httpsPort, "alpn.test", "h2,http/1.1", version);
            assertThat(normal.handshakeOk()).as(normal.output()).isTrue();
            assertThat(normal.protocol()).isEqualTo("TLSv" + version);
            assertThat(normal.alpn()).isEqualTo("h2");
            TlsProbe.verifyChain(normal.chain(), roots, "alpn.test");
        }
        // acme-tls/1 with no pending challenge: no certificate at all, never the real one, no_application_protocol
        for (String name : java.util.Arrays.asList("alpn.test", "unknown.test", null)) {
            assertThat(TlsProbe.acmeTlsRefusalProblems("127.0.0.1", httpsPort, name)).isEmpty();
        }
        // the user's keystore file was rewritten with the issued certificate, so clients without SNI get it
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(Files.readAllBytes(tomcat.base().resolve("conf/user.p12"))), "secret".toCharArray());
        X509Certificate inFile = (X509Certificate) ks.getCertificateChain(ks.aliases().nextElement())[0];
        TlsProbe.verifyChain(List.of(inFile, pebble.intermediates().get(0)), roots, "alpn.test");
        TlsProbe.OpensslResult noSni = TlsProbe.openssl("127.0.0.1", httpsPort, null, null, null);
        assertThat(noSni.chain().get(0)).isEqualTo(inFile);
    }
}
