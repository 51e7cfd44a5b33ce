package dev.autocert.challenge.dns;

import dev.autocert.diagnose.DiagnosedException;

/**
 * Writes and deletes one {@code _acme-challenge} TXT resource record. Both operations touch exactly the
 * record with the given value: other TXT records at the same name (another client's, or the second
 * value a wildcard and its base name need at once) stay.
 */
public interface DnsPublisher {

    /**
     * Adds the TXT record {@code value} at {@code recordName}.
     *
     * @param domain     the identifier being validated, without {@code *.}
     * @param recordName the record's name without trailing dot, e.g. {@code _acme-challenge.example.com}
     * @param value      the TXT value (the challenge digest)
     * @throws DiagnosedException   when it cannot be published, explained with the setting to fix
     * @throws InterruptedException when the server is stopping
     */
    void add(String domain, String recordName, String value) throws DiagnosedException, InterruptedException;

    /**
     * Deletes exactly the TXT record {@code value} at {@code recordName}.
     *
     * @param domain     the identifier that was validated, without {@code *.}
     * @param recordName the record's name without trailing dot
     * @param value      the TXT value added before
     * @throws DiagnosedException   when it cannot be deleted, explained
     * @throws InterruptedException when interrupted
     */
    void remove(String domain, String recordName, String value) throws DiagnosedException, InterruptedException;

    /** @return how records are published, for logs, e.g. {@code RFC 2136 at ns1.example.com:53} */
    String describe();
}
