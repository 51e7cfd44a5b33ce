package dev.autocert.status;

import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** The status of every managed certificate as JSON, for status pages and scripts (like mod_md's md-status). */
public final class StatusJson {

    private StatusJson() {
    }

    /**
     * @param certificates the snapshots to render
     * @return {@code {"certificates":[{...}, ...]}}
     */
    public static String render(List<CertificateStatus> certificates) {
        return certificates.stream().map(StatusJson::certificate)
                .collect(Collectors.joining(",\n    ", "{\n  \"certificates\": [\n    ", "\n  ]\n}\n"));
    }

    private static String certificate(CertificateStatus s) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"name\": ").append(quote(s.name()));
        sb.append(", \"domains\": ").append(s.domains().stream().map(StatusJson::quote).collect(Collectors.joining(", ", "[", "]")));
        sb.append(", \"state\": ").append(quote(s.state(Instant.now()).name()));
        sb.append(", \"notAfter\": ").append(quoteOrNull(s.notAfter()));
        sb.append(", \"nextAttempt\": ").append(quoteOrNull(s.nextAttempt()));
        sb.append(", \"nextReason\": ").append(quoteOrNull(s.nextReason()));
        sb.append(", \"renewalInfoCheck\": ").append(quoteOrNull(s.renewalInfoCheck()));
        sb.append(", \"issuedBy\": ").append(quoteOrNull(s.issuedBy()));
        sb.append(", \"validatedBy\": ").append(s.validatedBy().stream().map(StatusJson::quote).collect(Collectors.joining(", ", "[", "]")));
        sb.append(", \"servedBy\": ").append(s.servedBy().stream().map(StatusJson::quote).collect(Collectors.joining(", ", "[", "]")));
        sb.append(", \"failures\": ").append(s.failures());
        Diagnosis d = s.lastError();
        if (d == null) {
            sb.append(", \"lastError\": null");
        } else {
            sb.append(", \"lastError\": {\"kind\": ").append(quote(d.kind().name()))
                    .append(", \"problem\": ").append(quote(d.kind().title()))
                    .append(", \"evidence\": ").append(quote(d.evidence()))
                    .append(", \"fix\": ").append(quote(d.fix()))
                    .append(", \"setting\": ").append(quoteOrNull(d.setting()))
                    .append(", \"help\": ").append(quote(d.kind().help())).append('}');
        }
        return sb.append('}').toString();
    }

    private static String quoteOrNull(@Nullable Object value) {
        return value == null ? "null" : quote(value.toString());
    }

    static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
