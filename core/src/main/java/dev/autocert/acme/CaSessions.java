package dev.autocert.acme;

import dev.autocert.store.Pem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Opens acme4j sessions to the configured CA. With {@code caTrust} the CA's HTTPS is verified against
 * the JDK's roots plus the given ones (private CAs, Pebble); otherwise against the JDK's roots alone.
 */
public final class CaSessions {

    private CaSessions() {
    }

    /**
     * @param directory the ACME directory URL
     * @param caTrust   a PEM file of extra roots, or {@code null}
     * @return a new session
     * @throws IOException when the trust file cannot be read
     */
    public static Session open(URI directory, Path caTrust) throws IOException {
        if (caTrust == null) {
            return new Session(directory, new GenericAcmeProvider());
        }
        SSLContext ssl = sslContext(caTrust);
        return new Session(directory, new GenericAcmeProvider() {
            @Override
            public HttpClient createHttpClient(NetworkSettings settings) {
                return HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(settings.getTimeout())
                        .proxy(settings.getProxySelector())
                        .sslContext(ssl)
                        .build();
            }
        });
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
