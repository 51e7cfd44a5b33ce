package dev.autocert.renew;

import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.tls.CertifiedKey;

/**
 * What container adapters and embedding applications hear about certificates. Called on Autocert's
 * own threads; implementations must be quick or hand off.
 */
public interface CertificateEvents {

    /**
     * A certificate is now served (newly issued, renewed, or loaded from the store at start).
     *
     * @param spec        which certificate
     * @param certificate the key and chain now live
     * @param fresh       {@code true} when just issued, {@code false} when loaded from the store
     */
    default void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
    }

    /**
     * An attempt failed; the last good certificate keeps being served. Told at most once an hour per
     * certificate (the log has every attempt).
     *
     * @param spec      which certificate
     * @param diagnosis what went wrong and how to fix it
     */
    default void failed(CertificateSpec spec, Diagnosis diagnosis) {
    }

    /**
     * The served certificate has less than a sixth of its lifetime left and renewing keeps failing.
     * Told at most once a day per certificate.
     *
     * @param spec        which certificate
     * @param certificate the certificate about to expire
     * @param lastError   why the renewal fails
     */
    default void expiring(CertificateSpec spec, CertifiedKey certificate, Diagnosis lastError) {
    }
}
