package dev.autocert.status;

/**
 * One managed certificate, as JMX clients (jconsole, Tomcat's JMX proxy, monitoring agents) see it:
 * {@code dev.autocert:type=Certificate,instance=<store folder>,name=<name>}.
 */
public interface CertificateMXBean {

    /** @return the certificate's name (its first domain) */
    String getName();

    /** @return the names it covers */
    String[] getDomains();

    /** @return {@code NONE}, {@code VALID}, {@code RENEWAL_FAILING} or {@code EXPIRED} (still served: nothing newer was obtained) */
    String getState();

    /** @return expiry of the served certificate (ISO-8601), or empty when none is served yet */
    String getNotAfter();

    /** @return when Autocert next issues or renews it (ISO-8601), or empty when stopped */
    String getNextAttempt();

    /** @return why the next attempt is then: {@code ari-window}, {@code lifetime}, {@code renewBefore}, {@code emergency}, or a retry */
    String getNextReason();

    /** @return when the CA is next asked for its renewal window (ISO-8601), or empty when it offers none */
    String getRenewalInfoCheck();

    /**
     * @return the directory URL of the CA that issued the served certificate (one of the {@code directory} list), or
     *         empty when none is served or that is not known
     */
    String getIssuedBy();

    /** @return the challenge types that last validated the names, e.g. {@code http-01} */
    String[] getValidatedBy();

    /** @return the TLS connectors serving it now, e.g. {@code https-jsse-nio-8443}; empty when none is running */
    String[] getServedBy();

    /** @return consecutive failed attempts */
    int getFailures();

    /** @return the last failure's kind, e.g. {@code CA_UNREACHABLE}, or empty after a success */
    String getLastErrorKind();

    /** @return the last failure's whole diagnosis (problem, evidence, fix, setting, where it is explained), or empty */
    String getLastError();

    /** Renews the certificate now, whatever its schedule. */
    void renewNow();

    /**
     * Revokes the served certificate at the CA, then obtains a new one at once.
     *
     * @param reason an RFC 5280 reason: {@code unspecified}, {@code keyCompromise}, {@code superseded} …
     */
    void revoke(String reason);
}
