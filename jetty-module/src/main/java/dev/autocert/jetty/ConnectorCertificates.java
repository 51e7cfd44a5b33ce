package dev.autocert.jetty;

import dev.autocert.Autocert;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.KeyType;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.store.Keystores;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the managed certificates on the normal TLS path. Each wired connector's own
 * {@link SslContextFactory.Server} gets an {@link SSLContext} whose key manager is Autocert's: it picks
 * the certificate per handshake by SNI from the certificates being served (exact name, then wildcard),
 * and an issued or renewed certificate is live from the next handshake by a map write — no reload, so no
 * handshake ever runs against a half-reloaded factory. Everything else of the stock {@code ssl-context}
 * configuration stays in force: Jetty still applies protocols, cipher suites, session cache and client
 * authentication to the context and its engines; only the keystore is replaced, and the administrator's
 * own keystore, if one is configured, keeps serving the names Autocert does not manage.
 *
 * <p>Why not {@code SslContextFactory.reload(f -> f.setKeyStore(...))}: with more than one certificate,
 * Jetty's SNI key manager of the old context looks certificates up in the factory's alias maps, which
 * the reload clears and refills; a handshake choosing its certificate in that moment fails (seen: 1 of
 * about 400 concurrent handshakes during 20 reloads).
 */
final class ConnectorCertificates implements CertificateEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorCertificates.class);
    /** Keystores built here only feed a KeyManagerFactory and never leave memory: the password guards nothing. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private final int connectors;

    private ConnectorCertificates(int connectors) {
        this.connectors = connectors;
    }

    /**
     * Gives each factory (not started yet) Autocert's SSLContext, and every managed certificate that has
     * none yet a temporary self-signed one. Call after {@link Autocert#loadStored()}.
     *
     * @param autocert          the instance whose certificates are served
     * @param factories         the TLS configurations of the wired connectors
     * @param passwords         the passwords of the administrator's own keystore and trust store, if any
     * @return a listener that reports when a new certificate is live
     */
    static ConnectorCertificates install(Autocert autocert, List<SslContextFactory.Server> factories, Passwords passwords) {
        autocert.servePlaceholders();
        String defaultName = autocert.defaultCertificate().primaryDomain();
        for (SslContextFactory.Server factory : factories) {
            try {
                X509ExtendedKeyManager own = ownKeyManager(factory, passwords);
                KeyManager[] keyManagers = {autocert.keyManager(own, defaultName)};
                factory.setSslContext(context(factory, keyManagers, trustManagers(factory, passwords)));
            } catch (GeneralSecurityException | IOException e) {
                // the factory keeps its own configuration; a missing keystore then fails its start, loudly
                LOG.error("Cannot give {} Autocert's certificates: {}", factory, e.toString());
            }
        }
        return new ConnectorCertificates(factories.size());
    }

    @Override
    public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
        if (fresh) {
            LOG.info("Certificate for {} is live on {} TLS connector(s) from the next handshake, valid until {}",
                    spec.domains(), connectors, certificate.notAfter());
        }
    }

    /** The SSLContext Jetty would build, with the factory's protocol, provider and random source. */
    private static SSLContext context(SslContextFactory.Server factory, KeyManager[] keyManagers, TrustManager[] trustManagers)
            throws GeneralSecurityException {
        String protocol = Objects.requireNonNullElse(factory.getProtocol(), "TLS");
        SSLContext context = factory.getProvider() == null
                ? SSLContext.getInstance(protocol) : SSLContext.getInstance(protocol, factory.getProvider());
        SecureRandom random = factory.getSecureRandomAlgorithm() == null ? null
                : SecureRandom.getInstance(factory.getSecureRandomAlgorithm());
        context.init(keyManagers, trustManagers, random);
        return context;
    }

    /** The administrator's keystore as a key manager that picks by SNI (the JDK's PKIX one), or {@code null}. */
    private static @Nullable X509ExtendedKeyManager ownKeyManager(SslContextFactory.Server factory, Passwords passwords)
            throws GeneralSecurityException, IOException {
        Map<String, KeyStore.PrivateKeyEntry> entries = OwnKeyStore.read(factory, passwords.keyStore(), passwords.keyManager());
        if (entries.isEmpty()) {
            return null;
        }
        char[] password = IN_MEMORY;
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        for (Map.Entry<String, KeyStore.PrivateKeyEntry> e : entries.entrySet()) {
            keyStore.setEntry(e.getKey(), e.getValue(), new KeyStore.PasswordProtection(password));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keyStore, password);
        for (KeyManager km : kmf.getKeyManagers()) {
            if (km instanceof X509ExtendedKeyManager x) {
                return x;
            }
        }
        return null;
    }

    /**
     * Client certificates are checked against the configured trust store (Jetty's default: the keystore
     * file) only when the connector asks for them; otherwise the JDK's defaults are as good as Jetty's.
     */
    private static TrustManager @Nullable [] trustManagers(SslContextFactory.Server factory, Passwords passwords)
            throws GeneralSecurityException, IOException {
        if (!factory.getNeedClientAuth() && !factory.getWantClientAuth()) {
            return null;
        }
        Resource resource = factory.getTrustStoreResource() != null ? factory.getTrustStoreResource() : factory.getKeyStoreResource();
        if (resource == null) {
            return null; // Jetty does the same: the JDK's cacerts
        }
        if (factory.isValidatePeerCerts() || factory.getCrlPath() != null) {
            LOG.warn("Client certificates on {} are checked against {} without CRLs or OCSP (validatePeerCerts/crlPath are not applied)",
                    factory, resource);
        }
        String type = Objects.requireNonNullElse(factory.getTrustStoreType(), Objects.requireNonNullElse(factory.getKeyStoreType(), "PKCS12"));
        String password = OwnKeyStore.clear(passwords.trustStore() != null ? passwords.trustStore() : passwords.keyStore());
        KeyStore trustStore = KeyStore.getInstance(type);
        try (InputStream in = resource.newInputStream()) {
            trustStore.load(in, password == null ? null : password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(Objects.requireNonNullElse(
                factory.getTrustManagerFactoryAlgorithm(), TrustManagerFactory.getDefaultAlgorithm()));
        tmf.init(trustStore);
        return tmf.getTrustManagers();
    }

    /**
     * For a configuration error: gives every factory that has no keystore at all a temporary self-signed
     * certificate, so the TLS connector starts and serves rather than failing every handshake.
     *
     * @param factories the TLS configurations of the connectors
     */
    static void temporaryOnly(List<SslContextFactory.Server> factories) {
        for (SslContextFactory.Server factory : factories) {
            if (factory.getKeyStoreResource() != null || factory.getKeyStore() != null || factory.getSslContext() != null
                    || factory.isStarted()) {
                continue;
            }
            try {
                CertifiedKey temporary = SelfSigned.temporary(List.of("localhost"), KeyType.EC256);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(Keystores.keyStore(temporary, Keystores.PKCS12, "temporary", IN_MEMORY), IN_MEMORY);
                factory.setSslContext(context(factory, kmf.getKeyManagers(), null));
            } catch (GeneralSecurityException | IOException e) {
                LOG.warn("Cannot give {} a temporary certificate: {}", factory, e.toString());
            }
        }
    }

    /**
     * Passwords Jetty keeps to itself ({@code jetty.sslContext.*Password}), needed to read the
     * administrator's own keystore and trust store; each may be {@code null}, clear or {@code OBF:}.
     *
     * @param keyStore   the keystore password
     * @param keyManager the password of the keys, when it differs
     * @param trustStore the trust store password, when it differs
     */
    record Passwords(String keyStore, String keyManager, String trustStore) {
        static final Passwords NONE = new Passwords(null, null, null);
    }
}
