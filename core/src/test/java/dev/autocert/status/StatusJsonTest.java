package dev.autocert.status;

import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusJsonTest {

    @Test
    void rendersEveryCertificateWithItsDiagnosisEscaped() {
        CertificateStatus ok = new CertificateStatus("a.test", List.of("a.test", "www.a.test"),
                Instant.parse("2097-01-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), "ari-window",
                0, null, List.of("http-01"), List.of("https-jsse-nio-8443"), Instant.parse("2026-11-02T06:00:00Z"),
                "https://ca.test/dir");
        CertificateStatus failing = new CertificateStatus("b.test", List.of("b.test"), null, null, null, 3,
                new Diagnosis(Diagnosis.Kind.CA_UNREACHABLE, "the CA says \"no\"\nbye", "check the URL", "directory"), List.of(), List.of(), null, null);
        String json = StatusJson.render(List.of(ok, failing));
        assertThat(json).contains("{\"name\": \"a.test\", \"domains\": [\"a.test\", \"www.a.test\"], "
                + "\"state\": \"VALID\", \"notAfter\": \"2097-01-01T00:00:00Z\", \"nextAttempt\": \"2026-12-01T00:00:00Z\", "
                + "\"nextReason\": \"ari-window\", \"renewalInfoCheck\": \"2026-11-02T06:00:00Z\", \"issuedBy\": \"https://ca.test/dir\", \"validatedBy\": [\"http-01\"], \"servedBy\": [\"https-jsse-nio-8443\"], \"failures\": 0, \"lastError\": null}");
        assertThat(json).contains("\"state\": \"NONE\", \"notAfter\": null").contains("\"failures\": 3").contains("\"issuedBy\": null")
                .contains("\"kind\": \"CA_UNREACHABLE\"").contains("\"evidence\": \"the CA says \\\"no\\\"\\nbye\"")
                .contains("\"setting\": \"directory\", \"help\": \"docs/troubleshooting.md#ca-unreachable\"}");
    }

    @Test
    void quotesControlCharacters() {
        assertThat(StatusJson.quote("a\tb\u0001\\")).isEqualTo("\"a\\tb\\u0001\\\\\"");
    }
}
