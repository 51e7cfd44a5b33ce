package dev.autocert.status;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AutocertJmxTest {

    @TempDir
    Path dir;

    @Test
    void publishesOneMBeanPerCertificateAndRemovesThemOnClose() throws Exception {
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "jmx1.test;jmx2.test,www.jmx2.test",
                "directory", "https://127.0.0.1:1/dir", "retryDelay", "1h"), dir);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName two = AutocertJmx.objectName(dir, "jmx2.test");
        try (Autocert autocert = Autocert.create(config, EnumSet.of(ChallengeType.HTTP_01))) {
            autocert.start();
            try (AutocertJmx jmx = AutocertJmx.register(autocert)) {
                assertThat(server.isRegistered(AutocertJmx.objectName(dir, "jmx1.test"))).isTrue();
                assertThat((String[]) server.getAttribute(two, "Domains")).containsExactly("jmx2.test", "www.jmx2.test");
                assertThat(server.getAttribute(two, "NotAfter")).isEqualTo("");
                // nothing listens at port 1: the attempt fails and JMX shows the diagnosis
                await().until(() -> (Integer) server.getAttribute(two, "Failures") > 0);
                assertThat(server.getAttribute(two, "LastErrorKind")).isEqualTo("CA_UNREACHABLE");
                assertThat((String) server.getAttribute(two, "LastError")).contains("setting 'directory'")
                        .endsWith("see docs/troubleshooting.md#ca-unreachable)");
                assertThat(server.getAttribute(two, "NextReason")).isEqualTo("retry 2 after a failure");
                String next = (String) server.getAttribute(two, "NextAttempt");
                server.invoke(two, "renewNow", new Object[0], new String[0]);
                await().until(() -> !next.equals(server.getAttribute(two, "NextAttempt")));
            }
            assertThat(server.isRegistered(two)).isFalse();
        }
    }

    @Test
    void twoInstancesInOneJvmKeepTheirOwnMBeans(@TempDir Path other) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (Autocert first = Autocert.create(config("same.test", dir), EnumSet.of(ChallengeType.HTTP_01));
             Autocert second = Autocert.create(config("same.test,second.test", other), EnumSet.of(ChallengeType.HTTP_01))) {
            AutocertJmx firstJmx = AutocertJmx.register(first);
            try (AutocertJmx secondJmx = AutocertJmx.register(second)) {
                assertThat((String[]) server.getAttribute(AutocertJmx.objectName(dir, "same.test"), "Domains"))
                        .containsExactly("same.test");
                assertThat((String[]) server.getAttribute(AutocertJmx.objectName(other, "same.test"), "Domains"))
                        .containsExactly("same.test", "second.test");
                assertThat(server.getAttribute(AutocertJmx.instanceName(other), "Directory")).isNotNull();
                // the first one stopping takes only its own names with it
                firstJmx.close();
                assertThat(server.isRegistered(AutocertJmx.objectName(dir, "same.test"))).isFalse();
                assertThat(server.isRegistered(AutocertJmx.instanceName(dir))).isFalse();
                assertThat(server.isRegistered(AutocertJmx.objectName(other, "same.test"))).isTrue();
                assertThat(server.isRegistered(AutocertJmx.instanceName(other))).isTrue();
                // a second registration on the same store does not steal the names of the running one
                try (AutocertJmx again = AutocertJmx.register(second)) {
                    again.close();
                    assertThat(server.isRegistered(AutocertJmx.objectName(other, "same.test"))).isTrue();
                }
            }
            assertThat(server.queryNames(new ObjectName(AutocertJmx.DOMAIN + ":*"), null)).isEmpty();
        }
    }

    private static AutocertConfig config(String domains, Path storage) throws Exception {
        return AutocertConfig.parse(Map.of("domains", domains, "directory", "https://127.0.0.1:1/dir"), storage);
    }
}
