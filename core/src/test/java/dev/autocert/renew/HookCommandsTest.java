package dev.autocert.renew;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.KeyType;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.FileStore;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HookCommandsTest {

    @TempDir
    Path dir;

    @Test
    void runsEachEventsCommandWithItsEnvironment() throws Exception {
        Path out = dir.resolve("events.txt");
        String record = "echo \"$AUTOCERT_EVENT $AUTOCERT_NAME $AUTOCERT_DOMAINS $AUTOCERT_ERROR_KIND $AUTOCERT_FULLCHAIN\" >> " + out;
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "h.test,www.h.test", "onRenewed", record,
                "onFailed", record + "; exit 3", "onExpiring", record), dir.resolve("store"));
        FileStore store = new FileStore(config.storage(), "changeit");
        CertifiedKey cert = SelfSigned.temporary(List.of("h.test", "www.h.test"), KeyType.EC256);
        try (HookCommands hooks = new HookCommands(config, store)) {
            assertThat(hooks.any()).isTrue();
            var spec = config.certificates().get(0);
            hooks.installed(spec, cert, false); // loaded from the store at start: no event
            hooks.installed(spec, cert, true);
            hooks.failed(spec, new Diagnosis(Diagnosis.Kind.CA_UNREACHABLE, "down", "wait", "directory"));
            hooks.expiring(spec, cert, new Diagnosis(Diagnosis.Kind.RATE_LIMITED, "limited", "wait", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out) && Files.readAllLines(out).size() == 3);
        }
        List<String> lines = Files.readAllLines(out);
        String fullchain = store.certificateFolder("h.test").toAbsolutePath().resolve("fullchain.pem").toString();
        assertThat(lines).containsExactly(
                "renewed h.test h.test,www.h.test  " + fullchain,
                "failed h.test h.test,www.h.test CA_UNREACHABLE " + fullchain,
                "expiring h.test h.test,www.h.test RATE_LIMITED " + fullchain);
    }

    @Test
    void aCertificateIsExpiringWhenLessThanASixthOfItsLifeIsLeft() {
        CertifiedKey cert = SelfSigned.temporary(List.of("e.test"), KeyType.EC256); // 30 days + 5 minutes
        Instant notAfter = cert.notAfter();
        assertThat(CertificateManager.isExpiring(cert, notAfter.minus(Duration.ofDays(6)))).isFalse();
        assertThat(CertificateManager.isExpiring(cert, notAfter.minus(Duration.ofDays(4)))).isTrue();
    }
}
