package dev.autocert.tls;

import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.config.IpAddresses;
import dev.autocert.ondemand.OnDemandGate;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager that chooses a certificate per handshake:
 * <ol>
 * <li>SNI {@code *.acme.invalid}: the pending TLS-SNI-01 certificate, or nothing;</li>
 * <li>ALPN {@code acme-tls/1}: the pending TLS-ALPN-01 certificate for the SNI, or nothing — such a
 * handshake never gets a real certificate;</li>
 * <li>otherwise the live certificate for the SNI (exact name, then wildcard); without SNI (what clients send when
 * they connect to an IP address) the live certificate of the address the connection arrived on, when the container
 * tells (sockets; an engine does not know it), else that of the first managed IP address;</li>
 * <li>otherwise the container's own key manager (the connector's configured keystore), when its certificate covers
 * the SNI;</li>
 * <li>otherwise, with {@code onDemand}, a certificate obtained now for the SNI if {@link OnDemandGate} approves it
 * (the handshake waits for it, and fails when it is not ready in time or, with {@code onDemandRefused=fail}, when
 * the name is refused);</li>
 * <li>otherwise the container's key manager; with a default name, the live certificate of the default name.</li>
 * </ol>
 * It relies on the container selecting ALPN from a static list while reading the ClientHello (Tomcat
 * does; see docs/architecture.md), so the negotiated protocol is known when the certificate is chosen.
 */
public final class AutocertKeyManager extends X509ExtendedKeyManager {

    /** The ALPN protocol of RFC 8737. */
    public static final String ACME_TLS_1 = "acme-tls/1";

    private static final String CHALLENGE_ALIAS = "acme-challenge:";
    private static final String SNI_CHALLENGE_ALIAS = "acme-sni-challenge:";

    private final X509ExtendedKeyManager delegate;
    private final LiveCertificates live;
    private final ChallengeBoard board;
    private final String defaultName;
    private final String addressName;
    private final @Nullable OnDemandGate onDemand;
    private final boolean failRefused;

    /**
     * @param delegate    the container's key manager for names Autocert does not manage; may be {@code null}
     * @param live        the certificates Autocert serves
     * @param board       the pending challenges
     * @param defaultName the managed name served when the SNI is missing or matches neither Autocert's nor
     *                    the delegate's certificates; {@code null} to leave those handshakes to the delegate
     * @param addressName the managed IP address whose certificate handshakes without SNI get when the address they
     *                    arrived on is not known or not managed; {@code null} when no address is managed
     */
    public AutocertKeyManager(@Nullable X509ExtendedKeyManager delegate, LiveCertificates live, ChallengeBoard board,
                              @Nullable String defaultName, @Nullable String addressName) {
        this(delegate, live, board, defaultName, addressName, null, false);
    }

    /**
     * As above, obtaining certificates for unknown names on demand.
     *
     * @param onDemand    decides and obtains certificates for names nothing covers; {@code null} when {@code onDemand} is off
     * @param failRefused whether a refused name's handshake fails instead of getting the default certificate
     */
    public AutocertKeyManager(@Nullable X509ExtendedKeyManager delegate, LiveCertificates live, ChallengeBoard board,
                              @Nullable String defaultName, @Nullable String addressName, @Nullable OnDemandGate onDemand,
                              boolean failRefused) {
        this.delegate = delegate;
        this.live = live;
        this.board = board;
        this.defaultName = defaultName;
        this.addressName = addressName;
        this.onDemand = onDemand;
        this.failRefused = failRefused;
    }

    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (engine == null) {
            return delegate == null ? null : delegate.chooseEngineServerAlias(keyType, issuers, null);
        }
        SSLSession session = engine.getHandshakeSession();
        String alpn = engine.getHandshakeApplicationProtocol();
        String alias = choose(keyType, session, alpn, null);
        if (alias != null || isChallengeHandshake(session, alpn)) {
            return alias;
        }
        return fallback(keyType, sniOf(session), delegate == null ? null : delegate.chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        if (!(socket instanceof SSLSocket ssl)) {
            return delegate == null ? null : delegate.chooseServerAlias(keyType, issuers, socket);
        }
        SSLSession session = ssl.getHandshakeSession();
        String alpn = ssl.getHandshakeApplicationProtocol();
        String alias = choose(keyType, session, alpn, ssl.getLocalAddress());
        if (alias != null || isChallengeHandshake(session, alpn)) {
            return alias;
        }
        return fallback(keyType, sniOf(session), delegate == null ? null : delegate.chooseServerAlias(keyType, issuers, socket));
    }

    /** A handshake for a name Autocert does not serve: the delegate's certificate, one obtained now, or the default one. */
    private @Nullable String fallback(String keyType, String sni, String delegateAlias) {
        if (sni != null && delegateAlias != null && covers(delegate.getCertificateChain(delegateAlias), sni)) {
            return delegateAlias;
        }
        if (sni != null && onDemand != null) {
            OnDemandGate.Outcome outcome = onDemand.obtain(sni);
            if (outcome == OnDemandGate.Outcome.SERVED) {
                LiveCertificates.Entry obtained = live.entry(sni);
                if (obtained != null && matches(obtained.key(), keyType)) {
                    return obtained.alias();
                }
            }
            if (outcome == OnDemandGate.Outcome.NOT_READY || failRefused) {
                return null; // no certificate: the client gets an alert, not one for another name
            }
        }
        if (defaultName == null) {
            return delegateAlias;
        }
        LiveCertificates.Entry entry = live.entry(defaultName);
        return entry != null && matches(entry.key(), keyType) ? entry.alias() : delegateAlias;
    }

    private static boolean covers(X509Certificate[] chain, String sni) {
        if (chain == null || chain.length == 0) {
            return false;
        }
        int dot = sni.indexOf('.');
        for (String name : CertifiedKey.names(chain[0])) {
            if (name.equals(sni) || dot > 0 && name.equals("*" + sni.substring(dot))) {
                return true;
            }
        }
        return false;
    }

    /** @param local the address the connection arrived on, {@code null} when the container does not say */
    private String choose(String keyType, SSLSession session, String alpn, @Nullable InetAddress local) {
        String sni = sniOf(session);
        if (sni != null && sni.endsWith(SelfSigned.ACME_INVALID)) {
            return matches(board.tlsSni01(sni), keyType) ? SNI_CHALLENGE_ALIAS + sni : null;
        }
        if (ACME_TLS_1.equals(alpn)) {
            return matches(board.tlsAlpn01(sni), keyType) ? CHALLENGE_ALIAS + sni : null;
        }
        LiveCertificates.Entry entry = sni != null ? live.entry(sni) : withoutSni(local);
        return entry != null && matches(entry.key(), keyType) ? entry.alias() : null;
    }

    /** A client that sends no SNI connected to an address: the certificate of that address, else of the first one. */
    private LiveCertificates.@Nullable Entry withoutSni(@Nullable InetAddress local) {
        LiveCertificates.Entry arrivedOn = local == null ? null : live.entry(IpAddresses.canonical(local));
        return arrivedOn != null || addressName == null ? arrivedOn : live.entry(addressName);
    }

    private static boolean isChallengeHandshake(SSLSession session, String alpn) {
        String sni = sniOf(session);
        return ACME_TLS_1.equals(alpn) || sni != null && sni.endsWith(SelfSigned.ACME_INVALID);
    }

    private static boolean matches(CertifiedKey key, String keyType) {
        if (key == null || keyType == null) {
            return false;
        }
        String algorithm = key.key().getAlgorithm();
        return keyType.equals(algorithm) || keyType.startsWith(algorithm + "_");
    }

    static @Nullable String sniOf(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    private @Nullable CertifiedKey resolve(String alias) {
        if (alias == null) {
            return null;
        }
        if (alias.startsWith(CHALLENGE_ALIAS)) {
            return board.tlsAlpn01(alias.substring(CHALLENGE_ALIAS.length()));
        }
        if (alias.startsWith(SNI_CHALLENGE_ALIAS)) {
            return board.tlsSni01(alias.substring(SNI_CHALLENGE_ALIAS.length()));
        }
        return live.byAlias(alias);
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
        CertifiedKey key = resolve(alias);
        if (key != null) {
            return key.chainArray();
        }
        return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
        CertifiedKey key = resolve(alias);
        if (key != null) {
            return key.key();
        }
        return delegate == null ? null : delegate.getPrivateKey(alias);
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal[] issuers) {
        return delegate == null ? null : delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
