package dev.autocert.tls;

import dev.autocert.config.IpAddresses;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A private key with its certificate chain, leaf first: what a TLS server presents.
 *
 * @param key   the leaf's private key
 * @param chain the leaf followed by its intermediates
 */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {

    /** The GeneralName tags of RFC 5280 §4.2.1.6 that name a server. */
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    /** Copies the chain so the record stays immutable. */
    public CertifiedKey {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the leaf");
        }
    }

    /** @return the end-entity certificate */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * @return whether the private key belongs to the leaf's public key (a signature made with one verifies with
     *         the other): a store read back after a crash must never pair a key with another certificate
     */
    public boolean keyMatchesLeaf() {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe = "autocert key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(leaf().getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // keys of different algorithms, or unusable: no match
        }
    }

    /** @return when the leaf expires */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** @return when the leaf became valid */
    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    /** @return the names of the leaf's subjectAltName extension, as {@link #names(X509Certificate)} gives them */
    public List<String> names() {
        return names(leaf());
    }

    /**
     * @param certificate any certificate
     * @return the DNS names (lower case) and IP addresses ({@link IpAddresses#canonical} form) of its subjectAltName
     *         extension, in order: the spelling of {@code domains}
     */
    public static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(DNS_NAME).equals(san.get(0))) {
                        names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    } else if (Integer.valueOf(IP_ADDRESS).equals(san.get(0))) {
                        IpAddresses.parse((String) san.get(1)).map(IpAddresses::canonical).ifPresent(names::add);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // a certificate we cannot parse names nothing
        }
        return names;
    }

    /** @return the SHA-256 of the leaf's DER encoding, lower-case hex: which certificate this is */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 or the leaf's encoding is not available", e);
        }
    }

    /** @return the chain as an array, the form JSSE's key managers return */
    public X509Certificate[] chainArray() {
        return chain.toArray(new X509Certificate[0]);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "CertifiedKey[" + leaf().getSubjectX500Principal().getName() + ", names=" + names()
                + ", notAfter=" + notAfter() + "]";
    }
}
