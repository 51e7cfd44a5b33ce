package dev.autocert.tomcat;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.Setting;
import dev.autocert.status.AutocertJmx;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.Pem;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThatCode;
import static org.awaitility.Awaitility.await;

/**
 * IP-address certificates (RFC 8738) on embedded Tomcat against real Pebble, which validates by connecting to the
 * address itself: {@code domains} is only the address, validated over HTTP-01 or over TLS-ALPN-01 (Pebble sends the
 * reverse-DNS name as SNI), served on the connector Autocert adds to clients that send no SNI, and verified the way
 * such a client does ({@code openssl s_client -verify_ip}, Java's HTTPS endpoint check).
 */
class IpCertificatesIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"127.0.0.1, http-01", "127.0.0.1, tls-alpn-01", "::1, http-01", "::1, tls-alpn-01"})
    void anAddressIsIssuedAndServedWithoutSni(String address, String challenge) throws Exception {
        assumeThatCode(() -> new ServerSocket(0, 1, InetAddress.getByName(address)).close())
                .as("this machine has the loopback address %s", address).doesNotThrowAnyException();
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        boolean http01 = challenge.equals("http-01");
        long started = System.nanoTime();
        try (Pebble pebble = Pebble.builder().httpPort(http01 ? httpPort : FreePorts.take())
                .tlsPort(http01 ? FreePorts.take() : httpsPort).workDir(dir.resolve("pebble")).start();
             LogCapture log = new LogCapture("dev.autocert")) {
            AutocertListener listener = new AutocertListener();
            listener.set(Setting.DOMAINS, address.contains(":") ? "[" + address + "]" : address); // brackets allowed
            listener.set(Setting.ACCEPT_TERMS, "true");
            listener.set(Setting.DIRECTORY, pebble.directoryUrl());
            listener.set(Setting.CA_TRUST, pebble.caTrustPem().toString());
            listener.set(Setting.CHALLENGES, challenge);
            listener.set(Setting.HTTPS_PORT, String.valueOf(httpsPort));
            listener.set(Setting.HTTPS_ADDRESS, address);
            listener.set(Setting.RETRY_DELAY, "1s");
            listener.set(Setting.HTTP_CHALLENGE_PORT, String.valueOf(httpPort)); // the self-check's port, Pebble's
            List<X509Certificate> roots = pebble.roots();
            Path rootsPem = Files.writeString(dir.resolve("roots.pem"), Pem.encode(roots));
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), address, httpPort, listener).start()) {
                // a JSSE client to https://<address>/: no SNI, the certificate checked against the address
                List<X509Certificate> chain = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions().until(() -> TlsProbe.javaHandshake(address, httpsPort, address, roots), c -> true);
                System.out.printf("[measure] IP certificate %s over %s: start to served %d ms%n", address, challenge,
                        Duration.ofNanos(System.nanoTime() - started).toMillis());
                assertThat(CertifiedKey.names(chain.get(0))).containsExactly(address);
                assertThat(chain.get(0).getSubjectAlternativeNames()).allSatisfy(san -> assertThat(san.get(0)).isEqualTo(7));

                TlsProbe.OpensslResult openssl = TlsProbe.opensslVerifyIp(address, httpsPort, rootsPem);
                assertThat(openssl.handshakeOk()).as(openssl.output()).isTrue();
                assertThat(openssl.chain().get(0)).isEqualTo(chain.get(0));

                assertThat(log.text()).contains(address + ": answering " + challenge)
                        .contains(address + ": validated over " + challenge);
                if (http01) {
                    assertThat(log.text()).contains(address + ": preflight passed");
                }
                // JMX shows it like any name: its Domains, VALID
                MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
                AutocertConfig config = listener.getAutocert().config();
                ObjectName name = AutocertJmx.objectName(config.storage(), config.certificates().get(0).name());
                assertThat((String[]) mbeans.getAttribute(name, "Domains")).containsExactly(address);
                assertThat(mbeans.getAttribute(name, "State")).isEqualTo("VALID");
            }
        }
    }
}
