package dev.autocert.challenge;

import dev.autocert.config.IpAddresses;
import dev.autocert.tls.CertifiedKey;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers to the CA's pending challenges, held in memory where the container adapters look
 * them up: HTTP-01 tokens for the challenge valve/handler/filter, TLS-ALPN-01 and TLS-SNI-01
 * certificates for the key manager. Entries live only while a validation is pending.
 */
public final class ChallengeBoard {

    private final Map<String, String> http01 = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> tlsAlpn01 = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> tlsSni01 = new ConcurrentHashMap<>();
    /** In a cluster: the answers other nodes published, asked when this board has none. */
    private volatile SharedAnswers shared;

    /**
     * In a cluster, asks {@code answers} for HTTP-01 tokens and TLS-ALPN-01 names this board does not hold, so
     * the node the CA's request lands on answers whichever node published.
     *
     * @param answers the cluster's answers
     */
    public void fallBackTo(SharedAnswers answers) {
        this.shared = answers;
    }

    /**
     * @param token            the challenge token (the last path segment the CA requests)
     * @param keyAuthorization the body to answer with
     */
    public void putHttp01(String token, String keyAuthorization) {
        http01.put(token, keyAuthorization);
    }

    /** @param token a token whose validation is over */
    public void removeHttp01(String token) {
        http01.remove(token);
    }

    /**
     * @param token a token from a request path
     * @return the key authorization to answer with, or {@code null} when no such challenge is pending
     */
    public String http01(String token) {
        String local = http01.get(token);
        SharedAnswers others = shared;
        return local != null || others == null ? local : others.http01(token);
    }

    /**
     * @param domain      the identifier being validated: a DNS name (the SNI the CA will send), or an IP address (the CA
     *                    sends its reverse-DNS name, RFC 8738 §6)
     * @param certificate the RFC 8737 challenge certificate
     */
    public void putTlsAlpn01(String domain, CertifiedKey certificate) {
        tlsAlpn01.put(domain.toLowerCase(Locale.ROOT), certificate);
    }

    /** @param domain an identifier whose validation is over */
    public void removeTlsAlpn01(String domain) {
        tlsAlpn01.remove(domain.toLowerCase(Locale.ROOT));
    }

    /**
     * @param sni the server name of an {@code acme-tls/1} handshake: a DNS name, or the reverse-DNS name of an address
     *            ({@code 1.0.0.127.in-addr.arpa} for 127.0.0.1); an address itself is no server name and finds nothing
     * @return the challenge certificate, or {@code null} when none is pending for that name
     */
    public CertifiedKey tlsAlpn01(String sni) {
        if (sni == null || IpAddresses.isLiteral(sni)) {
            return null;
        }
        String identifier = IpAddresses.fromReverseName(sni).orElse(sni.toLowerCase(Locale.ROOT));
        CertifiedKey local = tlsAlpn01.get(identifier);
        SharedAnswers others = shared;
        return local != null || others == null ? local : others.tlsAlpn01(identifier);
    }

    /**
     * @param acmeInvalidName the {@code <z1>.<z2>.acme.invalid} name of a TLS-SNI-01 challenge
     * @param certificate     the self-signed certificate for that name
     */
    public void putTlsSni01(String acmeInvalidName, CertifiedKey certificate) {
        tlsSni01.put(acmeInvalidName.toLowerCase(Locale.ROOT), certificate);
    }

    /** @param acmeInvalidName a TLS-SNI-01 name whose validation is over */
    public void removeTlsSni01(String acmeInvalidName) {
        tlsSni01.remove(acmeInvalidName.toLowerCase(Locale.ROOT));
    }

    /**
     * @param sni the server name of a handshake ending in {@code .acme.invalid}
     * @return the challenge certificate, or {@code null}
     */
    public CertifiedKey tlsSni01(String sni) {
        return sni == null ? null : tlsSni01.get(sni.toLowerCase(Locale.ROOT));
    }

    /** @return whether any answer is pending (for status and tests) */
    public boolean isEmpty() {
        return http01.isEmpty() && tlsAlpn01.isEmpty() && tlsSni01.isEmpty();
    }
}
