package dev.autocert.spring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutocertRuntimeTest {

    @TempDir
    Path dir;

    private static AutocertProperties failFast(boolean failFast) {
        AutocertProperties p = new AutocertProperties();
        p.setFailFast(failFast);
        return p;
    }

    @Test
    void aBadPropertyIsLoggedAndAutocertStaysOutOfTheWay() {
        AutocertRuntime runtime = new AutocertRuntime(new BootSettings(Map.of("domains", "a.test", "httpsPort", "99999")),
                failFast(false), dir);
        assertThat(runtime.config()).isEmpty();
        assertThat(runtime.certificates()).isEmpty();
        assertThat(runtime.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("Property 'autocert.https-port'"));
        CertificateHealth health = CertificateHealth.of(runtime, Instant.now());
        assertThat(health.state()).as("not DOWN: the application serves").isEqualTo(CertificateHealth.State.UNKNOWN);
        assertThat(health.details()).containsEntry("problem", runtime.problem().get());
    }

    @Test
    void failFastStopsTheStartWithAnAnalysisNamingThePropertyAndTheFix() {
        assertThatThrownBy(() -> new AutocertRuntime(new BootSettings(Map.of("domain", "a.test")), failFast(true), dir))
                .isInstanceOfSatisfying(AutocertConfigurationException.class, e -> {
                    FailureAnalysis analysis = new AutocertFailureAnalyzer()
                            .analyze(new BeanCreationException("autocertRuntime", "failed", e));
                    assertThat(analysis.getDescription()).isEqualTo(
                            "Autocert property 'autocert.domain' is not a known setting (did you mean 'domains'?).");
                    assertThat(analysis.getAction()).startsWith("rename it to autocert.domains");
                });
    }

    @Test
    void theStoreIsBesideTheApplicationUnlessSet() {
        AutocertRuntime runtime = new AutocertRuntime(new BootSettings(Map.of("domains", "a.test")), failFast(true), dir);
        assertThat(runtime.adapterSettings()).containsEntry("storage", dir.toAbsolutePath().toString());
        assertThat(runtime.config().orElseThrow().storage()).isEqualTo(dir.toAbsolutePath());
        AutocertRuntime set = new AutocertRuntime(new BootSettings(Map.of("domains", "a.test", "storage", "/srv/certs")),
                failFast(true), dir);
        assertThat(set.adapterSettings()).containsEntry("storage", "/srv/certs");
    }
}
