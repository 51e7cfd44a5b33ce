package dev.autocert.testkit;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS client contexts that trust exactly the given roots and nothing else. */
public final class Trust {

    private Trust() {
    }

    /** A key store with one trusted-certificate entry per root. */
    public static KeyStore keyStore(Collection<X509Certificate> roots) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate root : roots) {
                ks.setCertificateEntry("root-" + i++, root);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build trust store", e);
        }
    }

    /** A PKIX trust manager for {@code roots} only. */
    public static X509TrustManager trustManager(Collection<X509Certificate> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no trust roots given");
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(keyStore(roots));
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X509TrustManager from PKIX");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build trust manager", e);
        }
    }

    /** A client {@link SSLContext} trusting {@code roots} only. */
    public static SSLContext clientContext(Collection<X509Certificate> roots) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustManager(roots)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build client SSLContext", e);
        }
    }
}
