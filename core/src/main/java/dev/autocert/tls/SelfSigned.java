package dev.autocert.tls;

import dev.autocert.config.IpAddresses;
import dev.autocert.config.KeyType;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Builds the self-signed certificates Autocert needs: the temporary one a connector serves until the
 * first issuance, and the challenge certificates of TLS-ALPN-01 (RFC 8737) and the legacy TLS-SNI-01.
 * Uses BouncyCastle's X.509 builder with the JDK's signature providers, so no JCA provider is
 * registered JVM-wide.
 */
public final class SelfSigned {

    /** RFC 8737 §3: the id-pe-acmeIdentifier extension. */
    public static final ASN1ObjectIdentifier ACME_IDENTIFIER = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");
    /** The suffix of TLS-SNI-01 names. */
    public static final String ACME_INVALID = ".acme.invalid";

    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSigned() {
    }

    /**
     * @param names the names the temporary certificate claims: DNS names, IP addresses
     * @param type  the key type
     * @return a certificate valid for 30 days with subject {@code CN=Autocert temporary certificate}
     */
    public static CertifiedKey temporary(List<String> names, KeyType type) {
        return build(type.generate(), "Autocert temporary certificate", names, Duration.ofDays(30), null);
    }

    /**
     * @param domain           the identifier being validated: a DNS name or an IP address
     * @param keyAuthorization the challenge's key authorization
     * @return the RFC 8737 certificate: SAN {@code domain} (an iPAddress SAN for an address, RFC 8738 §6), critical
     *         acmeIdentifier = SHA-256(keyAuthorization)
     */
    public static CertifiedKey tlsAlpn01(String domain, String keyAuthorization) {
        try {
            DEROctetString digest = new DEROctetString(sha256(keyAuthorization));
            return build(KeyType.EC256.generate(), "acme.invalid", List.of(domain), Duration.ofDays(7),
                    new Extension(ACME_IDENTIFIER, true, digest.getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param keyAuthorization the challenge's key authorization
     * @return the TLS-SNI-01 name {@code Z[0:32].Z[32:64].acme.invalid}, Z = hex(SHA-256(keyAuthorization))
     */
    public static String tlsSni01Name(String keyAuthorization) {
        String z = HexFormat.of().formatHex(sha256(keyAuthorization)).toLowerCase(Locale.ROOT);
        return z.substring(0, 32) + "." + z.substring(32, 64) + ACME_INVALID;
    }

    /**
     * @param keyAuthorization the challenge's key authorization
     * @return the self-signed certificate whose only SAN is {@link #tlsSni01Name(String)}
     */
    public static CertifiedKey tlsSni01(String keyAuthorization) {
        return build(KeyType.EC256.generate(), "acme.invalid", List.of(tlsSni01Name(keyAuthorization)),
                Duration.ofDays(7), null);
    }

    private static CertifiedKey build(KeyPair keys, String commonName, List<String> names, Duration validity,
                                      Extension extra) {
        try {
            X500Name subject = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)),
                    subject, keys.getPublic());
            GeneralName[] sans = names.stream().map(n -> new GeneralName(IpAddresses.isLiteral(n) ? GeneralName.iPAddress
                    : GeneralName.dNSName, n)).toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            if (extra != null) {
                builder.addExtension(extra);
            }
            String algorithm = "EC".equals(keys.getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
            return new CertifiedKey(keys.getPrivate(), List.of(cert));
        } catch (OperatorCreationException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot build a self-signed certificate", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
