package dev.autocert.challenge;

import dev.autocert.config.ChallengeType;
import dev.autocert.tls.SelfSigned;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.challenge.TokenChallenge;

/** The solvers that answer from the in-memory {@link ChallengeBoard}: HTTP-01, TLS-ALPN-01, TLS-SNI-01. */
public final class BoardSolvers {

    private BoardSolvers() {
    }

    /**
     * @param board the board the HTTP adapters read
     * @return a solver that puts the key authorization under the token
     */
    public static ChallengeSolver http01(ChallengeBoard board) {
        return new ChallengeSolver() {
            @Override
            public ChallengeType type() {
                return ChallengeType.HTTP_01;
            }

            @Override
            public Published publish(String domain, Challenge challenge) {
                Http01Challenge http = ChallengeSolver.as(challenge, Http01Challenge.class);
                board.putHttp01(http.getToken(), http.getAuthorization());
                return () -> board.removeHttp01(http.getToken());
            }
        };
    }

    /**
     * @param board the board the key manager reads
     * @return a solver that puts an RFC 8737 certificate under the domain
     */
    public static ChallengeSolver tlsAlpn01(ChallengeBoard board) {
        return new ChallengeSolver() {
            @Override
            public ChallengeType type() {
                return ChallengeType.TLS_ALPN_01;
            }

            @Override
            public Published publish(String domain, Challenge challenge) {
                TlsAlpn01Challenge alpn = ChallengeSolver.as(challenge, TlsAlpn01Challenge.class);
                board.putTlsAlpn01(domain, SelfSigned.tlsAlpn01(domain, alpn.getAuthorization()));
                return () -> board.removeTlsAlpn01(domain);
            }
        };
    }

    /**
     * @param board the board the key manager reads
     * @return a solver that puts a TLS-SNI-01 certificate under its {@code .acme.invalid} name
     */
    public static ChallengeSolver tlsSni01(ChallengeBoard board) {
        return new ChallengeSolver() {
            @Override
            public ChallengeType type() {
                return ChallengeType.TLS_SNI_01;
            }

            @Override
            public Published publish(String domain, Challenge challenge) {
                String keyAuthorization = ChallengeSolver.as(challenge, TokenChallenge.class).getAuthorization();
                String name = SelfSigned.tlsSni01Name(keyAuthorization);
                board.putTlsSni01(name, SelfSigned.tlsSni01(keyAuthorization));
                return () -> board.removeTlsSni01(name);
            }
        };
    }
}
