package dev.autocert.tomcat;

import dev.autocert.status.AutocertJmx;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The product's promise on the real Tomcat 11 distribution: the shaded JAR in {@code lib/} plus one
 * {@code <Listener>} line gets two certificates (one with two names) from Pebble over HTTP-01,
 * serves them on an HTTPS connector it adds itself, stores them, and serves them again after a
 * restart with the CA gone.
 */
class TomcatDropInIT extends DistributionTestSupport {

    @Test
    void oneJarAndOneLineGetServeStoreAndKeepCertificates() throws Exception {
        // Pebble reaches only the HTTP port (its tlsPort points at a port nothing listens on)
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        newTomcat("tomcat.home").insertIntoServer(listenerLine("domains=\"a.test,www.a.test;b.test\" email=\"ops@a.test\""
                + " acceptTerms=\"true\" httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\""
                + " statusPath=\"/.well-known/autocert-status\" statusRole=\"autocert-status\""
                // the self-check resolves names through the CA's DNS and fetches on the CA's HTTP-01 port
                + " dnsResolver=\"127.0.0.1:" + pebble.dnsPort() + "\" httpChallengePort=\"" + httpPort + "\""));
        Files.writeString(tomcat.base().resolve("conf/tomcat-users.xml"), "<tomcat-users>\n"
                + "  <role rolename=\"autocert-status\"/>\n"
                + "  <user username=\"ops\" password=\"ops-secret\" roles=\"autocert-status\"/>\n"
                + "  <user username=\"dev\" password=\"dev-secret\" roles=\"manager-gui\"/>\n"
                + "</tomcat-users>\n");
        int jmxPort = FreePorts.take();
        tomcat.jvmOption("-Dcom.sun.management.jmxremote.port=" + jmxPort)
                .jvmOption("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort)
                .jvmOption("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .jvmOption("-Djava.rmi.server.hostname=127.0.0.1")
                .jvmOption("-Dcom.sun.management.jmxremote.authenticate=false")
                .jvmOption("-Dcom.sun.management.jmxremote.ssl=false");

        long started = System.nanoTime();
        tomcat.start();
        // on the JDK of the run (the build runs this class once more with Tomcat on Java 25)
        assertThat(tomcat.console()).containsPattern("JVM Version: +" + tomcat.javaFeature() + "\\.");
        List<X509Certificate> roots = pebble.roots();
        for (String name : List.of("a.test", "www.a.test", "b.test")) {
            TlsProbe.awaitVerified(httpsPort, name, roots, Duration.ofSeconds(60));
        }
        System.out.printf("[measure] Tomcat start -> 2 certificates served: %.2f s%n", (System.nanoTime() - started) / 1e9);

        // a real client: openssl sees Pebble's chain with SNI; the webapp answers over HTTPS
        TlsProbe.OpensslResult ssl = TlsProbe.openssl("127.0.0.1", httpsPort, "b.test", "h2,http/1.1", "1.3");
        assertThat(ssl.handshakeOk()).as(ssl.output()).isTrue();
        assertThat(ssl.alpn()).isEqualTo("h2");
        TlsProbe.verifyChain(ssl.chain(), roots, "b.test");
        // RFC 8737 traffic on the connector the listener added: no certificate, no_application_protocol
        for (String name : Arrays.asList("a.test", "b.test", "unknown.test", null)) {
            assertThat(TlsProbe.acmeTlsRefusalProblems("127.0.0.1", httpsPort, name)).isEmpty();
        }
        TlsProbe.HttpsResponse page = TlsProbe.httpsGet(httpsPort, "a.test", "/", roots);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("hello from ROOT");

        // the challenge valve: unknown tokens are 404, other paths pass through to the webapp
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/.well-known/acme-challenge/unknownToken_0123456789")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(root.body()).contains("hello from ROOT");

        // stored: one folder per certificate, private keys 0600
        Path store = tomcat.base().resolve("conf/autocert/certificates");
        for (String name : List.of("a.test", "b.test")) {
            assertThat(store.resolve(name).resolve("fullchain.pem")).exists();
            assertThat(store.resolve(name).resolve("meta.json")).exists();
            for (String secret : List.of("privkey.pem", "keystore.p12")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(name).resolve(secret))))
                        .isEqualTo("rw-------");
            }
        }
        assertThat(tomcat.console()).contains("Autocert manages 2 certificate(s)").doesNotContain("SEVERE")
                .contains("b.test: preflight passed").doesNotContain("asking the CA anyway"); // our answers came back

        // the JSON status page (loopback only) and JMX through a real JMX connector: read, then renew now
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/.well-known/autocert-status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"name\": \"a.test\"").contains("\"www.a.test\"").contains("\"failures\": 0")
                .containsPattern("\"nextReason\": \"(lifetime|ari-window)\"").contains("\"validatedBy\": [\"http-01\"]")
                .contains("\"servedBy\": [\"https-jsse-nio-127.0.0.1-" + httpsPort + "\"]");
        assertThat(tomcat.console()).contains("Certificate for [b.test] is live on [https-jsse-nio-127.0.0.1-" + httpsPort + "]");
        // from elsewhere (here: through a proxy, which says so in X-Forwarded-For) only the status role gets it, over HTTPS
        assertThat(statusFromElsewhere(roots, null).status()).isEqualTo(401);
        assertThat(statusFromElsewhere(roots, null).headers().get("www-authenticate")).startsWith("Basic realm=");
        assertThat(statusFromElsewhere(roots, "ops:wrong").status()).isEqualTo(401);
        assertThat(statusFromElsewhere(roots, "dev:dev-secret").status()).isEqualTo(403);
        TlsProbe.HttpsResponse granted = statusFromElsewhere(roots, "ops:ops-secret");
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.body()).contains("\"name\": \"b.test\"");
        HttpResponse<String> plainForwarded = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                        + "/.well-known/autocert-status")).header("X-Forwarded-For", "203.0.113.7")
                .header("Authorization", basic("ops:ops-secret")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plainForwarded.statusCode()).isEqualTo(403); // credentials are never accepted over plain HTTP
        BigInteger firstSerial = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "b.test", roots).get(0).getSerialNumber();
        try (JMXConnector jmx = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            ObjectName b = AutocertJmx.objectName(tomcat.base().resolve("conf/autocert"), "b.test");
            assertThat((String[]) mbeans.getAttribute(b, "Domains")).containsExactly("b.test");
            assertThat(Instant.parse((String) mbeans.getAttribute(b, "NotAfter"))).isAfter(Instant.now());
            mbeans.invoke(b, "renewNow", new Object[0], new String[0]);
            // the drop-in JAR is not scanned on webapp deployment (it has no TLDs or fragments, and it is big)
            TabularData properties = (TabularData)
                    mbeans.getAttribute(new ObjectName("java.lang:type=Runtime"), "SystemProperties");
            String skip = (String) properties.get(new Object[] {OwnJarScanSkip.JARS_TO_SKIP}).get("value");
            assertThat(skip).containsPattern(",autocert-tomcat-[^,]*\\.jar$");
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !firstSerial.equals(
                TlsProbe.javaHandshake("127.0.0.1", httpsPort, "b.test", roots).get(0).getSerialNumber()));
        X509Certificate servedBefore = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.test", roots).get(0);

        // the CA goes away; a restart serves the stored certificates at once
        pebble.close();
        pebble = null;
        tomcat.stop();
        tomcat.start().awaitPort(httpsPort);
        List<X509Certificate> after = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.test", roots);
        assertThat(after.get(0)).isEqualTo(servedBefore);
        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "b.test", roots), roots, "b.test");
        // without SNI the added connector presents the first certificate, also after the restart
        TlsProbe.OpensslResult noSni = TlsProbe.openssl("127.0.0.1", httpsPort, null, null, null);
        assertThat(noSni.chain().get(0)).isEqualTo(servedBefore);
    }

    private TlsProbe.HttpsResponse statusFromElsewhere(List<X509Certificate> roots, String credentials) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Forwarded-For", "203.0.113.7");
        if (credentials != null) {
            headers.put("Authorization", basic(credentials));
        }
        return TlsProbe.httpsGet(httpsPort, "a.test", "/.well-known/autocert-status", roots, headers);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
