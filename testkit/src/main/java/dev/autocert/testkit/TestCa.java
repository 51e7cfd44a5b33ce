package dev.autocert.testkit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throw-away EC P-256 certificate authority with a leaf for {@code localhost} and {@code 127.0.0.1}, made with
 * BouncyCastle. {@link #writeTo(Path)} writes {@code ca.pem}, {@code cert.pem} and {@code key.pem} (PKCS#8).
 */
public final class TestCa {

    /** File name of the CA certificate written by {@link #writeTo(Path)}. */
    public static final String CA_PEM = "ca.pem";
    /** File name of the leaf certificate written by {@link #writeTo(Path)}. */
    public static final String CERT_PEM = "cert.pem";
    /** File name of the leaf's PKCS#8 private key written by {@link #writeTo(Path)}. */
    public static final String KEY_PEM = "key.pem";

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final Leaf leaf;

    private TestCa(KeyPair caKeys, X509Certificate caCertificate) {
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
        this.leaf = issue("localhost", "127.0.0.1");
    }

    /** A certificate with its private key and its chain (leaf first, then the CA). */
    public record Leaf(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {

        /** A PKCS#12 key store holding this key and chain under {@code alias}. */
        public KeyStore keyStore(String alias, char[] password) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry(alias, key, password, chain.toArray(new Certificate[0]));
                return ks;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build key store", e);
            }
        }

        /** A server-side TLS context that presents this certificate chain. */
        public SSLContext serverContext() {
            try {
                char[] pw = "changeit".toCharArray();
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore("leaf", pw), pw);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), null, null);
                return ctx;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build server SSLContext", e);
            }
        }
    }

    /** Generates a new CA (subject {@code CN=Autocert Test CA <random>}) and its localhost leaf. */
    public static TestCa create() {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500Name("CN=Autocert Test CA " + Long.toHexString(RANDOM.nextLong() >>> 16));
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(subject, subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new TestCa(keys, sign(b, keys.getPrivate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create test CA", e);
        }
    }

    /** The self-signed CA certificate. */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** The CA's private key. */
    public PrivateKey caKey() {
        return caKeys.getPrivate();
    }

    /** The leaf for {@code localhost} and {@code 127.0.0.1}. */
    public Leaf leaf() {
        return leaf;
    }

    /**
     * Issues a new EC P-256 server certificate. Each name that looks like an IPv4 address becomes an IP SAN, every
     * other name a DNS SAN; the first name is also the subject CN.
     */
    public Leaf issue(String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("at least one name");
        }
        KeyPair keys = newKeyPair();
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            sans[i] = IPV4.matcher(names[i]).matches()
                    ? new GeneralName(GeneralName.iPAddress, names[i])
                    : new GeneralName(GeneralName.dNSName, names[i]);
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(
                    X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                    new X500Name("CN=" + names[0]), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(caCertificate));
            X509Certificate cert = sign(b, caKeys.getPrivate());
            return new Leaf(cert, keys.getPrivate(), List.of(cert, caCertificate));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue certificate for " + List.of(names), e);
        }
    }

    /**
     * Writes {@code ca.pem}, {@code cert.pem} (the localhost leaf) and {@code key.pem} (its PKCS#8 key) into
     * {@code folder}, creating it if needed; returns this.
     */
    public TestCa writeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(CA_PEM), Pem.encode(caCertificate), StandardCharsets.US_ASCII);
            Files.writeString(folder.resolve(CERT_PEM), Pem.encode(leaf.certificate()), StandardCharsets.US_ASCII);
            Files.writeString(folder.resolve(KEY_PEM), Pem.encode(leaf.key()), StandardCharsets.US_ASCII);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write test CA files to " + folder, e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }
}
