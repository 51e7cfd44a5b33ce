package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.status.AutocertJmx;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.management.MBeanServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's operations over JMX against a real CA: revoke (Pebble then reports the certificate
 * revoked, and a new one is served), account key rollover (the next order works with the new key),
 * and the onRenewed hook command run for every certificate that went live.
 */
class OperationsIT {

    @TempDir
    Path dir;

    @Test
    void revokeRolloverAndDeployHook() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        Path events = dir.resolve("renewed.log");
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(dir.resolve("pebble")).start()) {
            AutocertListener listener = PebbleListener.of(pebble, "ops.test", dir.resolve("store"), httpsPort);
            listener.set(Setting.ON_RENEWED, "echo \"$AUTOCERT_EVENT $AUTOCERT_DOMAINS $AUTOCERT_NOT_AFTER\" >> " + events);
            List<X509Certificate> roots = pebble.roots();
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "ops.test", roots), roots, "ops.test"));
                X509Certificate first = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "ops.test", roots).get(0);
                assertThat(pebble.certificateStatus(first.getSerialNumber())).isEqualTo("Valid");

                MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
                mbeans.invoke(AutocertJmx.objectName(dir.resolve("store"), "ops.test"), "revoke", new Object[] {"keyCompromise"},
                        new String[] {String.class.getName()});
                assertThat(pebble.certificateStatus(first.getSerialNumber())).isEqualTo("Revoked");
                BigInteger second = awaitNewSerial(httpsPort, roots, first.getSerialNumber());

                Path accountKey;
                try (var files = Files.walk(dir.resolve("store/accounts"))) {
                    accountKey = files.filter(p -> p.getFileName().toString().equals("account.pem")).findFirst().orElseThrow();
                }
                String before = Files.readString(accountKey);
                mbeans.invoke(AutocertJmx.instanceName(dir.resolve("store")), "rolloverAccountKey", new Object[0], new String[0]);
                assertThat(Files.readString(accountKey)).isNotEqualTo(before);
                mbeans.invoke(AutocertJmx.objectName(dir.resolve("store"), "ops.test"), "renewNow", new Object[0], new String[0]);
                awaitNewSerial(httpsPort, roots, second);

                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(events) && Files.readAllLines(events).size() == 3);
                assertThat(Files.readAllLines(events)).allMatch(l -> l.startsWith("renewed ops.test 20"));
            }
        }
    }

    private static BigInteger awaitNewSerial(int port, List<X509Certificate> roots, BigInteger old) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                !old.equals(TlsProbe.javaHandshake("127.0.0.1", port, "ops.test", roots).get(0).getSerialNumber()));
        return TlsProbe.javaHandshake("127.0.0.1", port, "ops.test", roots).get(0).getSerialNumber();
    }
}
