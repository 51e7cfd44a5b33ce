package dev.autocert.challenge.dns;

import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The hook gets the action, name and value as arguments and environment; failures quote its stderr. */
class HookPublisherTest {

    @TempDir
    Path tmp;

    private Path script(String body) throws Exception {
        Path p = tmp.resolve("hook-" + System.nanoTime() + ".sh");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void argumentsAndEnvironment() throws Exception {
        Path log = tmp.resolve("calls.log");
        Path hook = script("echo \"$1|$2|$3|$AUTOCERT_ACTION|$AUTOCERT_DOMAIN|$AUTOCERT_RECORD_NAME|$AUTOCERT_RECORD_VALUE"
                + "|$AUTOCERT_RECORD_TTL\" >> '" + log + "'\necho 'progress on stderr' >&2");
        HookPublisher p = new HookPublisher(hook, Duration.ofSeconds(10));
        p.add("a.test", "_acme-challenge.a.test", "v4lue");
        p.remove("a.test", "_acme-challenge.a.test", "v4lue");
        assertThat(Files.readAllLines(log)).containsExactly(
                "add|_acme-challenge.a.test|v4lue|add|a.test|_acme-challenge.a.test|v4lue|60",
                "remove|_acme-challenge.a.test|v4lue|remove|a.test|_acme-challenge.a.test|v4lue|60");
        assertThat(p.describe()).contains(hook.toString());
    }

    @Test
    void nonZeroExitQuotesStderr() throws Exception {
        Path hook = script("echo 'API token rejected by provider' >&2\nexit 1");
        DiagnosedException e = catchThrowableOfType(DiagnosedException.class,
                () -> new HookPublisher(hook, Duration.ofSeconds(10)).add("a.test", "_acme-challenge.a.test", "v"));
        Diagnosis d = e.diagnosis();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.DNS_HOOK_FAILED);
        assertThat(d.setting()).isEqualTo("dnsHook");
        assertThat(d.evidence()).contains("exited with 1").contains("API token rejected by provider")
                .contains(hook + " add _acme-challenge.a.test v");
    }

    @Test
    void timeoutKillsTheHook() throws Exception {
        Path hook = script("echo 'waiting for the provider' >&2\nsleep 30");
        long start = System.nanoTime();
        DiagnosedException e = catchThrowableOfType(DiagnosedException.class,
                () -> new HookPublisher(hook, Duration.ofMillis(500)).add("a.test", "_acme-challenge.a.test", "v"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(e.diagnosis().kind()).isEqualTo(Diagnosis.Kind.DNS_HOOK_FAILED);
        assertThat(e.diagnosis().evidence()).contains("did not finish within 0.5 s").contains("waiting for the provider");
        assertThat(e.diagnosis().fix()).contains("dnsHookTimeout");
    }
}
