package dev.autocert.config;

import java.util.List;

/**
 * One certificate to manage: the names it covers. The first name also names the certificate (its
 * folder in the store, its status entry).
 *
 * @param domains the DNS names on the certificate, lower case, first one primary
 */
public record CertificateSpec(List<String> domains) {

    /** Copies the list so the spec stays immutable. */
    public CertificateSpec {
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
    }

    /** @return the certificate's name: its first domain, {@code *} spelled {@code _} for file systems */
    public String name() {
        return domains.get(0).replace('*', '_');
    }

    /** @return the first domain */
    public String primaryDomain() {
        return domains.get(0);
    }
}
