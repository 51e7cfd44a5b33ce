package dev.autocert.renew;

import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.tls.CertifiedKey;

import java.util.List;

/**
 * Where {@link CertificateManager} gets certificates from: the ACME issuer in production
 * ({@link dev.autocert.acme.Issuer}), a fake in the manager's tests.
 */
public interface CertificateSource {

    /**
     * Obtains a certificate with a new key for every name of {@code spec}.
     *
     * @param spec the certificate's names
     * @return the certificate with its key and chain
     * @throws DiagnosedException   when it cannot be obtained, with the reason by name
     * @throws InterruptedException when the manager stops meanwhile
     */
    CertifiedKey issue(CertificateSpec spec) throws DiagnosedException, InterruptedException;

    /**
     * @param domains a certificate's names
     * @return the challenge types that last validated them here, e.g. {@code [http-01]}
     */
    List<String> validatedBy(List<String> domains);
}
