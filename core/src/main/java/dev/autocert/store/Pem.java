package dev.autocert.store;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM encoding of keys (PKCS#8, SPKI) and certificate chains with the JDK alone. */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private Pem() {
    }

    /**
     * @param chain certificates, leaf first
     * @return their PEM text
     */
    public static String certificates(List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                sb.append(block("CERTIFICATE", c.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    /**
     * @param key a private key
     * @return its unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
     */
    public static String privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    /**
     * @param keys a key pair
     * @return the private key as PKCS#8 followed by the public key as SPKI, so that the pair can be read back
     */
    public static String keyPair(KeyPair keys) {
        return privateKey(keys.getPrivate()) + block("PUBLIC KEY", keys.getPublic().getEncoded());
    }

    /**
     * @param pem text with one or more {@code CERTIFICATE} blocks
     * @return the certificates in order
     * @throws GeneralSecurityException when a block is not a certificate
     */
    public static List<X509Certificate> readCertificates(String pem) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    /**
     * @param pem text written by {@link #keyPair(KeyPair)}
     * @return the key pair
     * @throws GeneralSecurityException when the text holds no such pair
     */
    public static KeyPair readKeyPair(String pem) throws GeneralSecurityException {
        byte[] priv = null;
        byte[] pub = null;
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("PRIVATE KEY")) {
                priv = der;
            } else if (m.group(1).equals("PUBLIC KEY")) {
                pub = der;
            }
        }
        if (priv == null || pub == null) {
            throw new GeneralSecurityException("no PRIVATE KEY and PUBLIC KEY blocks");
        }
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                KeyFactory kf = KeyFactory.getInstance(algorithm);
                PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(priv));
                PublicKey publicKey = kf.generatePublic(new X509EncodedKeySpec(pub));
                if (privateKey instanceof ECPrivateKey || privateKey instanceof RSAPrivateCrtKey) {
                    return new KeyPair(publicKey, privateKey);
                }
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last != null ? last : new GeneralSecurityException("unsupported key");
    }

    /**
     * @param pem       text with a {@code PRIVATE KEY} block (PKCS#8), as {@link #privateKey(PrivateKey)} writes it
     * @param algorithm the key's algorithm, e.g. {@code EC} (its certificate's public key says which)
     * @return the key
     * @throws GeneralSecurityException when the text holds no such key
     */
    public static PrivateKey readPrivateKey(String pem, String algorithm) throws GeneralSecurityException {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals("PRIVATE KEY")) {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(2))));
            }
        }
        throw new GeneralSecurityException("no PRIVATE KEY block");
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
