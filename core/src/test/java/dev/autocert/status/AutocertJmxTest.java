package dev.autocert.status;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

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
        ObjectName two = AutocertJmx.objectName("jmx2.test");
        try (Autocert autocert = Autocert.create(config, EnumSet.of(ChallengeType.HTTP_01))) {
            autocert.start();
            try (AutocertJmx jmx = AutocertJmx.register(autocert)) {
                assertThat(server.isRegistered(AutocertJmx.objectName("jmx1.test"))).isTrue();
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
}
