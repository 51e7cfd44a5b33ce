package dev.autocert.tls;

import dev.autocert.challenge.ChallengeBoard;

import java.util.List;

/**
 * What a server tells a client that asks for ALPN {@code acme-tls/1} (RFC 8737): when a TLS-ALPN-01
 * challenge is pending for the client's SNI, the protocol is negotiated and the challenge certificate
 * served; otherwise the handshake fails with the {@code no_application_protocol} alert before any
 * certificate is chosen, so such a client never sees a real certificate and never reaches an
 * application. Every adapter asks this class, so the rule is written once.
 */
public final class AcmeTlsAlpn {

    /** The ALPN protocol of RFC 8737. */
    public static final String PROTOCOL = AutocertKeyManager.ACME_TLS_1;

    /**
     * The server's ALPN list when no challenge is pending: a name no client offers, so JSSE, which selects
     * from a static list while it reads the ClientHello, answers {@code no_application_protocol}.
     */
    static final String NOTHING_PENDING = "autocert-no-pending-challenge";

    private AcmeTlsAlpn() {
    }

    /**
     * @param board the pending challenges
     * @param sni   the client's server name, {@code null} when it sent none
     * @return the static ALPN list to give the TLS engine of a connection that will negotiate {@code acme-tls/1}
     */
    public static String[] serverProtocols(ChallengeBoard board, String sni) {
        boolean pending = sni != null && board.tlsAlpn01(sni) != null;
        return new String[] {pending ? PROTOCOL : NOTHING_PENDING};
    }

    /**
     * @param serverOrder the protocols the connector negotiates, in its order of preference
     * @param offered     the protocols the client offered
     * @return whether the server would select {@code acme-tls/1}: the first of its protocols that the client offered
     */
    public static boolean selects(List<String> serverOrder, List<String> offered) {
        for (String protocol : serverOrder) {
            if (offered.contains(protocol)) {
                return PROTOCOL.equals(protocol);
            }
        }
        return false;
    }
}
