package dev.autocert.tomcat;

import dev.autocert.config.KeyType;
import dev.autocert.status.AutocertJmx;
import dev.autocert.store.Keystores;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.Pem;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Tomcat 11 distribution on Java 25, its HTTPS connector on Tomcat's FFM OpenSSL engine
 * ({@code OpenSSLLifecycleListener} + {@code sslImplementationName=...openssl.panama.OpenSSLImplementation}, the
 * system's libssl) with a certificate of its own: the drop-in JAR and the listener line get three certificates (one
 * with two names, one for 127.0.0.1) from Pebble over HTTP-01, OpenSSL serves each by SNI (openssl verifies chain and
 * name), clients without SNI get the address's (openssl -verify_ip), and a renewal asked for through JMX is served at
 * once while the other stays.
 */
class TomcatOpenSslIT extends DistributionTestSupport {

    private static final int JDK = 25;
    private static final String OPENSSL = "org.apache.tomcat.util.net.openssl.panama.OpenSSLImplementation";

    @Test
    void opensslConnectorServesManagedCertificatesPerSniAndSwapsARenewalLive() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        newTomcat("tomcat.home").jdk(JDK)
                .insertIntoServer("<Listener className=\"org.apache.catalina.core.OpenSSLLifecycleListener\" />")
                .insertIntoServer(listenerLine("domains=\"o.test,www.o.test;p.test;127.0.0.1\" email=\"ops@o.test\" acceptTerms=\"true\""
                        + " statusPath=\"/.well-known/autocert-status\""
                        + " dnsResolver=\"127.0.0.1:" + pebble.dnsPort() + "\" httpChallengePort=\"" + httpPort + "\""));
        // the site's own certificate, as server.xml had it before Autocert
        Path own = tomcat.base().resolve("conf/own.p12");
        Keystores.write(own, SelfSigned.temporary(List.of("own.test"), KeyType.EC256), Keystores.PKCS12, "own",
                "secret".toCharArray());
        tomcat.insertIntoService("<Connector port=\"" + httpsPort + "\" address=\"127.0.0.1\""
                + " protocol=\"org.apache.coyote.http11.Http11NioProtocol\" SSLEnabled=\"true\""
                + " sslImplementationName=\"" + OPENSSL + "\">"
                + "<UpgradeProtocol className=\"org.apache.coyote.http2.Http2Protocol\"/>"
                + "<SSLHostConfig><Certificate certificateKeystoreFile=\"conf/own.p12\" certificateKeystorePassword=\"secret\""
                + " certificateKeyAlias=\"own\"/></SSLHostConfig></Connector>");
        int jmxPort = FreePorts.take();
        tomcat.jvmOption("-Dcom.sun.management.jmxremote.port=" + jmxPort)
                .jvmOption("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort)
                .jvmOption("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .jvmOption("-Djava.rmi.server.hostname=127.0.0.1")
                .jvmOption("-Dcom.sun.management.jmxremote.authenticate=false")
                .jvmOption("-Dcom.sun.management.jmxremote.ssl=false");

        tomcat.start().awaitPort(httpsPort);
        String connector = "https-opensslffm-nio-127.0.0.1-" + httpsPort;
        assertThat(tomcat.console()).contains("OpenSSL successfully initialized using FFM")
                .contains("Initializing ProtocolHandler [\"" + connector + "\"]")
                .contains("Java Home:").containsPattern("JVM Version: +" + JDK + "\\.");
        List<X509Certificate> roots = pebble.roots();
        Path rootsPem = work.resolve("roots.pem");
        Files.writeString(rootsPem, Pem.encode(roots));
        for (String name : List.of("o.test", "www.o.test", "p.test")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(opensslVerify(httpsPort, name, rootsPem)).contains("Verify return code: 0 (ok)"));
        }
        TlsProbe.OpensslResult h2 = TlsProbe.openssl("127.0.0.1", httpsPort, "www.o.test", "h2,http/1.1", "1.3");
        assertThat(h2.alpn()).isEqualTo("h2");
        TlsProbe.verifyChain(h2.chain(), roots, "www.o.test");
        X509Certificate oLeaf = TlsProbe.openssl("127.0.0.1", httpsPort, "o.test", null, null).chain().get(0);
        // clients without SNI (those connecting to an address) get the managed address's certificate, not the site's own
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                assertThat(TlsProbe.opensslVerifyIp("127.0.0.1", httpsPort, rootsPem).handshakeOk()).isTrue());
        // no acme-tls/1 on this engine: a client offering only it gets the normal certificate, never a challenge one
        TlsProbe.OpensslResult acme = TlsProbe.openssl("127.0.0.1", httpsPort, "p.test", "acme-tls/1", "1.3");
        assertThat(acme.alpn()).isNull();
        assertThat(tomcat.console()).doesNotContain("SEVERE").contains("one TLS host per name")
                .contains("Certificate for [p.test] is live on [" + connector + "]");
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + httpPort + "/.well-known/autocert-status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.body()).contains("\"servedBy\": [\"" + connector + "\"]").contains("\"validatedBy\": [\"http-01\"]");

        // renewal of p.test asked for through JMX: OpenSSL serves the new certificate at once, o.test keeps its own
        BigInteger pBefore = TlsProbe.openssl("127.0.0.1", httpsPort, "p.test", null, null).chain().get(0).getSerialNumber();
        BigInteger oBefore = oLeaf.getSerialNumber();
        try (JMXConnector jmx = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            mbeans.invoke(AutocertJmx.objectName(tomcat.base().resolve("conf/autocert"), "p.test"), "renewNow",
                    new Object[0], new String[0]);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> !pBefore.equals(
                TlsProbe.openssl("127.0.0.1", httpsPort, "p.test", null, null).chain().get(0).getSerialNumber()));
        assertThat(opensslVerify(httpsPort, "p.test", rootsPem)).contains("Verify return code: 0 (ok)");
        assertThat(TlsProbe.openssl("127.0.0.1", httpsPort, "o.test", null, null).chain().get(0).getSerialNumber())
                .isEqualTo(oBefore);
        assertThat(tomcat.console()).contains("reloaded").doesNotContain("could not rewrite or reload");
    }

    /** {@code openssl s_client} verifying the chain against {@code roots} and the name {@code sni}; its output. */
    private static String opensslVerify(int port, String sni, Path roots) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", sni, "-CAfile", roots.toString(), "-verify_hostname", sni, "-verify_return_error"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
