package dev.autocert;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.KeyType;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.MemoryStore;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The temporary certificate served until the first issuance: served by handshakes, never reported or acted on as issued. */
class AutocertPlaceholderTest {

    @TempDir
    Path storage;

    private Autocert autocert(MemoryStore store) throws Exception {
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "a.test,www.a.test;b.test",
                "directory", "https://127.0.0.1:1/dir"), storage);
        return Autocert.create(config, EnumSet.of(ChallengeType.HTTP_01), store);
    }

    @Test
    void aPlaceholderIsServedButNeverReportedAsIssued() throws Exception {
        try (Autocert autocert = autocert(new MemoryStore(Path.of("x")))) {
            autocert.loadStored();
            autocert.servePlaceholders();
            CertifiedKey placeholder = autocert.liveCertificates().lookup("www.a.test").orElseThrow();
            assertThat(placeholder.leaf().getSubjectX500Principal().getName()).contains("Autocert temporary certificate");
            assertThat(placeholder.names()).containsExactly("a.test", "www.a.test");
            assertThat(autocert.liveCertificates().lookup("b.test")).isPresent();
            assertThat(autocert.served("a.test")).as("a placeholder is not an issued certificate").isEmpty();
            assertThat(autocert.status()).allSatisfy(s -> assertThat(s.notAfter()).isNull());
            assertThatThrownBy(() -> autocert.revoke("a.test", "superseded"))
                    .isInstanceOfSatisfying(DiagnosedException.class,
                            e -> assertThat(e.diagnosis().kind()).isEqualTo(Diagnosis.Kind.INVALID_REQUEST));
            // asked again, the same placeholder: a connector's keystore and the handshakes agree
            assertThat(autocert.serving(autocert.config().certificates().get(0))).isSameAs(placeholder);
        }
    }

    @Test
    void aStoredCertificateIsServedInsteadOfAPlaceholder() throws Exception {
        MemoryStore store = new MemoryStore(Path.of("x"));
        CertifiedKey stored = SelfSigned.temporary(List.of("a.test", "www.a.test"), KeyType.EC256);
        store.certificates.put("a.test", stored);
        try (Autocert autocert = autocert(store)) {
            autocert.loadStored();
            assertThat(autocert.serving(autocert.config().certificates().get(0))).isSameAs(stored);
            autocert.servePlaceholders();
            assertThat(autocert.served("a.test")).containsSame(stored);
            assertThat(autocert.liveCertificates().lookup("a.test")).containsSame(stored);
            assertThat(autocert.served("b.test")).isEmpty();
            assertThat(autocert.liveCertificates().lookup("b.test")).isPresent();
        }
    }
}
