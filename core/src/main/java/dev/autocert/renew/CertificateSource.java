package dev.autocert.renew;

import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.tls.CertifiedKey;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Optional;

/**
 * Where {@link CertificateManager} gets certificates from: the ACME issuer in production
 * ({@link dev.autocert.acme.Issuer}), a fake in the manager's tests.
 */
public interface CertificateSource {

    /**
     * Obtains a certificate with a new key for every name of {@code spec}.
     *
     * @param spec      the certificate's names
     * @param replacing the certificate it renews, or {@code null} for a first issuance (an ACME order then
     *                  says which one it replaces, RFC 9773 §5)
     * @return the certificate with its key and chain
     * @throws DiagnosedException   when it cannot be obtained, with the reason by name
     * @throws InterruptedException when the manager stops meanwhile
     */
    CertifiedKey issue(CertificateSpec spec, @Nullable CertifiedKey replacing) throws DiagnosedException, InterruptedException;

    /**
     * @param certificate a certificate this source issued
     * @return the CA's suggested renewal window for it; empty when the CA offers none
     * @throws DiagnosedException   when the CA cannot be asked now
     * @throws InterruptedException when the manager stops meanwhile
     */
    default Optional<RenewalWindow> renewalWindow(CertifiedKey certificate) throws DiagnosedException, InterruptedException {
        return Optional.empty();
    }

    /**
     * @param domains a certificate's names
     * @return the challenge types that last validated them here, e.g. {@code [http-01]}
     */
    List<String> validatedBy(List<String> domains);
}
