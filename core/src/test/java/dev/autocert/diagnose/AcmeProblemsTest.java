package dev.autocert.diagnose;

import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.toolbox.JSON;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

class AcmeProblemsTest {

    private static final URI DIRECTORY = URI.create("https://ca.test/directory");

    @Test
    void connectionRefusedMeansCaUnreachable() {
        Diagnosis d = AcmeProblems.explain(new ConnectException("Connection refused"), DIRECTORY);
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.CA_UNREACHABLE);
        assertThat(d.setting()).isEqualTo("directory");
        assertThat(d.evidence()).contains("https://ca.test/directory", "Connection refused");
        assertThat(d.message()).endsWith("(setting 'directory'; see docs/troubleshooting.md#ca-unreachable)").startsWith(Diagnosis.Kind.CA_UNREACHABLE.title());
    }

    @Test
    void unknownHostMeansCaUnreachable() {
        Diagnosis d = AcmeProblems.explain(new UnknownHostException("ca.test"), DIRECTORY);
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.CA_UNREACHABLE);
        assertThat(d.setting()).isEqualTo("directory");
    }

    @Test
    void tlsFailureNamesCaTrust() {
        Diagnosis ssl = AcmeProblems.explain(new SSLHandshakeException("PKIX path building failed"), DIRECTORY);
        assertThat(ssl.kind()).isEqualTo(Diagnosis.Kind.CA_UNREACHABLE);
        assertThat(ssl.setting()).isEqualTo("caTrust");
    }

    @Test
    void ioExceptionMeansStorageFailed() {
        Diagnosis d = AcmeProblems.explain(new IOException("No space left on device"), DIRECTORY);
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.STORAGE_FAILED);
        assertThat(d.setting()).isEqualTo("storage");
        assertThat(d.evidence()).contains("No space left on device");
        assertThat(d.fix()).contains("writable");
    }

    @Test
    void diagnosedExceptionPassesThrough() {
        Diagnosis original = new Diagnosis(Diagnosis.Kind.RATE_LIMITED, "evidence", "wait", null);
        Diagnosis d = AcmeProblems.explain(new DiagnosedException(original, new IOException("cause")), DIRECTORY);
        assertThat(d).isSameAs(original);
        assertThat(d.message()).isEqualTo("rate limited by the CA: evidence. Fix: wait (see docs/troubleshooting.md#rate-limited)");
    }

    @Test
    void theCasRetryAfterIsFoundThroughWrappers() {
        Instant lifts = Instant.parse("2026-12-01T10:00:00Z");
        var limited = new AcmeRateLimitedException(
                new Problem(JSON.parse(
                        "{\"type\": \"urn:ietf:params:acme:error:rateLimited\", \"detail\": \"too many orders\"}"), null), lifts, List.of());
        Diagnosis d = AcmeProblems.explain(limited, DIRECTORY);
        assertThat(AcmeProblems.retryAfter(new DiagnosedException(d, limited))).contains(lifts);
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.RATE_LIMITED);
        assertThat(d.evidence()).contains("the limit lifts at 2026-12-01T10:00:00Z");
        assertThat(AcmeProblems.retryAfter(new IOException("disk"))).isEmpty();
    }

    @Test
    void anythingElseIsCaError() {
        Diagnosis d = AcmeProblems.explain(new IllegalStateException("boom", new RuntimeException("root")), DIRECTORY);
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.CA_ERROR);
        assertThat(d.evidence()).contains("root");
        assertThat(d.setting()).isNull();
    }
}
