package dev.autocert.acme;

import dev.autocert.challenge.BoardSolvers;
import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.challenge.ChallengePolicy;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.ChallengeType;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.MemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every order starts from the failed validations the store holds now, so the nodes of a cluster share one budget:
 * what another node saw stops this node's next order before the CA is asked. The CA here is a closed port.
 */
class IssuerBudgetTest {

    @TempDir
    Path dir;

    @Test
    void failuresAnotherNodeStoredStopTheNextOrderBeforeTheCaIsAsked() throws Exception {
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "a.test", "directory", "https://127.0.0.1:1/dir",
                "acceptTerms", "true"), dir);
        MemoryStore store = new MemoryStore();
        Issuer issuer = new Issuer(config, config.authorities().get(0), store,
                ChallengePolicy.of(config, List.of(ChallengeType.HTTP_01)), List.of(BoardSolvers.http01(new ChallengeBoard())));
        try {
            CertificateSpec spec = config.certificates().get(0);
            DiagnosedException first = catchThrowableOfType(DiagnosedException.class, () -> issuer.issue(spec, null));
            assertThat(first.diagnosis().kind()).as("the CA was asked").isEqualTo(Diagnosis.Kind.CA_UNREACHABLE);

            Instant now = Instant.now();
            URI directory = config.authorities().get(0).directory();
            store.saveValidationFailures(directory, Map.of("a.test", IntStream.range(0, ValidationBudget.FAILURES)
                    .mapToObj(i -> now.minusSeconds(60 - i)).toList()));
            DiagnosedException second = catchThrowableOfType(DiagnosedException.class, () -> issuer.issue(spec, null));
            assertThat(second.diagnosis().kind()).isEqualTo(Diagnosis.Kind.VALIDATION_BUDGET);
            assertThat(second.retryAfter()).contains(now.minusSeconds(60).plus(ValidationBudget.WINDOW));
        } finally {
            issuer.close();
        }
    }
}
