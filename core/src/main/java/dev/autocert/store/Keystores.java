package dev.autocert.store;

import dev.autocert.tls.CertifiedKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that turns a key and its chain into a keystore and back: the store's own
 * {@code keystore.p12}, the keystore of the connector Tomcat's listener adds, the connector keystores
 * the Tomcat listener and the WAR rewrite on renewal, and Jetty's in-memory key managers all go
 * through here, so every adapter writes the same entry the same way (one key entry, the chain leaf
 * first, the key protected by the keystore password).
 */
public final class Keystores {

    /** The keystore type Autocert writes unless a connector's own file has another. */
    public static final String PKCS12 = "PKCS12";

    private Keystores() {
    }

    /**
     * @param certificate a key with its chain
     * @param type        the keystore type, e.g. {@link #PKCS12} or {@code JKS}
     * @param alias       the key entry's alias
     * @param password    the keystore and key password
     * @return a keystore in memory holding only that entry
     * @throws GeneralSecurityException when the JDK has no such type or refuses the key
     * @throws IOException              never for an empty keystore, declared by the JDK
     */
    public static KeyStore keyStore(CertifiedKey certificate, String type, String alias, char[] password)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        ks.setKeyEntry(alias, certificate.key(), password, certificate.chainArray());
        return ks;
    }

    /**
     * @param certificate a key with its chain
     * @param type        the keystore type
     * @param alias       the key entry's alias
     * @param password    the keystore and key password
     * @return the encoded keystore
     * @throws IOException when the JDK cannot encode it
     */
    public static byte[] encode(CertifiedKey certificate, String type, String alias, char[] password) throws IOException {
        if (PKCS12.equalsIgnoreCase(type)) {
            return Pkcs12.encode(certificate, alias, password);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            keyStore(certificate, type, alias, password).store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot encode a " + type + " keystore: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces {@code file} atomically with a keystore holding {@code certificate}, mode {@code 0600}.
     *
     * @param file        the keystore file
     * @param certificate a key with its chain
     * @param type        the keystore type
     * @param alias       the key entry's alias
     * @param password    the keystore and key password
     * @throws IOException when it cannot be encoded or written; the old file is then untouched
     */
    public static void write(Path file, CertifiedKey certificate, String type, String alias, char[] password) throws IOException {
        AtomicFiles.write(file, encode(certificate, type, alias, password), true);
    }

    /**
     * @param bytes    an encoded keystore
     * @param type     its type
     * @param alias    the key entry to read
     * @param password the keystore and key password
     * @return the key and chain under {@code alias}
     * @throws IOException when the bytes are damaged, the password is wrong (PKCS#12 reports both so), or
     *                     there is no key entry under {@code alias}
     */
    public static CertifiedKey read(byte[] bytes, String type, String alias, char[] password) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(new ByteArrayInputStream(bytes), password);
            Key key = ks.getKey(alias, password);
            Certificate[] chain = ks.getCertificateChain(alias);
            if (!(key instanceof PrivateKey) || chain == null || chain.length == 0) {
                throw new IOException("no '" + alias + "' key entry");
            }
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : chain) {
                certs.add((X509Certificate) c);
            }
            return new CertifiedKey((PrivateKey) key, certs);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
