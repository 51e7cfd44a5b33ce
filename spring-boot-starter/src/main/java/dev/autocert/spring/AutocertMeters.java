package dev.autocert.spring;

import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.tls.CertifiedKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Micrometer meters per certificate (tag {@code certificate}, its name):
 * <ul>
 * <li>{@code autocert.certificate.expiry}: seconds until the served certificate's notAfter (NaN before the first);</li>
 * <li>{@code autocert.renewals}: counter by {@code result}, {@code success} for each certificate issued or renewed,
 * {@code failure} for each failure Autocert reports (at most hourly per certificate, as its events);</li>
 * <li>{@code autocert.renewal.failures.consecutive}: failed attempts since the last success.</li>
 * </ul>
 */
public class AutocertMeters implements MeterBinder {

    /** Seconds to the served certificate's notAfter. */
    public static final String EXPIRY = "autocert.certificate.expiry";
    /** Issuances and renewals by result. */
    public static final String RENEWALS = "autocert.renewals";
    /** Failed attempts since the last success. */
    public static final String CONSECUTIVE_FAILURES = "autocert.renewal.failures.consecutive";

    private final AutocertRuntime runtime;

    /** @param runtime the starter's Autocert */
    public AutocertMeters(AutocertRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (CertificateSpec spec : runtime.certificates()) {
            String name = spec.name();
            Gauge.builder(EXPIRY, this, m -> m.status(name).map(s -> s.notAfter() == null ? Double.NaN
                            : Duration.between(Instant.now(), s.notAfter()).toMillis() / 1000.0).orElse(Double.NaN))
                    .tag("certificate", name).baseUnit("seconds")
                    .description("Seconds until the served certificate expires").register(registry);
            Gauge.builder(CONSECUTIVE_FAILURES, this, m -> m.status(name).map(CertificateStatus::failures).orElse(0))
                    .tag("certificate", name).description("Failed attempts since the last success").register(registry);
            Counter.builder(RENEWALS).tag("certificate", name).tag("result", "success").register(registry);
            Counter.builder(RENEWALS).tag("certificate", name).tag("result", "failure").register(registry);
        }
        runtime.addListener(new CertificateEvents() {
            @Override
            public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
                if (fresh) {
                    registry.counter(RENEWALS, "certificate", spec.name(), "result", "success").increment();
                }
            }

            @Override
            public void failed(CertificateSpec spec, Diagnosis diagnosis) {
                registry.counter(RENEWALS, "certificate", spec.name(), "result", "failure").increment();
            }
        });
    }

    private Optional<CertificateStatus> status(String name) {
        return runtime.autocert().flatMap(a -> a.status().stream().filter(s -> s.name().equals(name)).findFirst());
    }
}
