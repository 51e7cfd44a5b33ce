package dev.autocert.acme;

import dev.autocert.store.Pem;
import org.jspecify.annotations.Nullable;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.toolbox.JSON;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Opens acme4j sessions to one CA, all on one HTTP client. With {@code caTrust} the CA's HTTPS is verified against
 * the JDK's roots plus the given ones (private CAs, Pebble); otherwise against the JDK's roots alone.
 * <p>
 * A session sends one request at a time (acme4j holds its nonce lock for the whole exchange), so concurrent orders
 * each take a session of their own ({@link Accounts#lend}). A session keeps the directory it read for at least
 * {@link #DIRECTORY_KEPT}: acme4j reads it again at every lookup of a resource URL when the CA sends no caching
 * headers (Pebble) or {@code max-age=0} (Let's Encrypt), about five extra round trips per order.
 */
final class CaSessions implements AutoCloseable {

    /** The least time a session trusts the directory it read; a CA changes its directory far more rarely. */
    static final Duration DIRECTORY_KEPT = Duration.ofMinutes(10);

    private final URI directory;
    private final Provider provider;

    /**
     * @param directory the ACME directory URL
     * @param caTrust   a PEM file of extra roots, or {@code null}
     * @throws IOException when the trust file cannot be read
     */
    CaSessions(URI directory, @Nullable Path caTrust) throws IOException {
        this.directory = directory;
        this.provider = new Provider(caTrust == null ? null : sslContext(caTrust));
    }

    /** @return a new session on the shared HTTP client */
    Session open() {
        return new Session(directory, provider);
    }

    /**
     * Releases the HTTP client. On JDK 21+ that stops its threads at once; on 17 they end when the client is collected
     * (a redeployed webapp's class loader is free after that).
     */
    @Override
    public void close() {
        provider.close();
    }

    /** acme4j's generic provider with one HTTP client for every session, which keeps the directory it read. */
    private static final class Provider extends GenericAcmeProvider {
        private final @Nullable SSLContext ssl;
        private @Nullable HttpClient client;

        Provider(@Nullable SSLContext ssl) {
            this.ssl = ssl;
        }

        @Override
        public synchronized HttpClient createHttpClient(NetworkSettings settings) {
            if (client == null) {
                client = ssl == null ? super.createHttpClient(settings) : HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(settings.getTimeout())
                        .proxy(settings.getProxySelector())
                        .sslContext(ssl)
                        .build();
            }
            return client;
        }

        @Override
        public @Nullable JSON directory(Session session, URI serverUri) throws AcmeException {
            JSON read = super.directory(session, serverUri);
            ZonedDateTime kept = ZonedDateTime.now().plus(DIRECTORY_KEPT);
            ZonedDateTime expires = session.getDirectoryExpires();
            if (read != null && (expires == null || expires.isBefore(kept))) {
                session.setDirectoryExpires(kept);
            }
            return read;
        }

        synchronized void close() {
            if (client instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(CaSessions.class).debug("Closing the HTTP client failed", e);
                }
            }
            client = null;
        }
    }

    private static SSLContext sslContext(Path caTrust) throws IOException {
        try {
            KeyStore extra = KeyStore.getInstance("PKCS12");
            extra.load(null, null);
            int i = 0;
            for (X509Certificate c : Pem.readCertificates(Files.readString(caTrust))) {
                extra.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException("caTrust file " + caTrust + " holds no certificate");
            }
            X509TrustManager jdk = trustManager(null);
            X509TrustManager own = trustManager(extra);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new EitherTrustManager(List.of(own, jdk))}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("caTrust file " + caTrust + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager");
    }

    /** Trusts a server when any of its trust managers does. */
    private static final class EitherTrustManager implements X509TrustManager {
        private final List<X509TrustManager> managers;

        EitherTrustManager(List<X509TrustManager> managers) {
            this.managers = managers;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client authentication is not used");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException first = null;
            for (X509TrustManager m : managers) {
                try {
                    m.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    first = first == null ? e : first;
                }
            }
            throw first;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>();
            for (X509TrustManager m : managers) {
                all.addAll(List.of(m.getAcceptedIssuers()));
            }
            return all.toArray(new X509Certificate[0]);
        }
    }
}
