package dev.autocert.config;

import java.util.List;

/**
 * One certificate to manage: the names it covers. The first name also names the certificate (its
 * folder in the store, its status entry).
 *
 * @param domains the names on the certificate, first one primary: DNS names in lower case, IP addresses as
 *                {@link IpAddresses#canonical} writes them
 */
public record CertificateSpec(List<String> domains) {

    /** Copies the list so the spec stays immutable. */
    public CertificateSpec {
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
    }

    /**
     * @return the certificate's name: its first domain, {@code *} and an IPv6 address's {@code :} spelled {@code _} for
     *         file systems (no DNS name has a {@code _}, so names never collide)
     */
    public String name() {
        return domains.get(0).replace('*', '_').replace(':', '_');
    }

    /** @return the first domain */
    public String primaryDomain() {
        return domains.get(0);
    }
}
