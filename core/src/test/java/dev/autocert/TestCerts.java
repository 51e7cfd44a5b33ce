package dev.autocert;

import dev.autocert.config.KeyType;
import dev.autocert.tls.CertifiedKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Builds test certificates with exact validity dates and real issuer/leaf chains. */
public final class TestCerts {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private TestCerts() {
    }

    /**
     * @return a self-signed EC leaf valid from {@code notBefore} to {@code notAfter} for {@code names}
     */
    public static CertifiedKey selfSigned(Instant notBefore, Instant notAfter, String... names) {
        KeyPair keys = KeyType.EC256.generate();
        X509Certificate cert = sign(keys, "CN=" + names[0], keys, "CN=" + names[0], notBefore, notAfter, names, false);
        return new CertifiedKey(keys.getPrivate(), List.of(cert));
    }

    /**
     * @return a leaf for {@code names} signed by a freshly made CA; the chain is leaf, CA
     */
    public static CertifiedKey withIssuer(String... names) {
        Instant now = Instant.now();
        KeyPair caKeys = KeyType.EC256.generate();
        X509Certificate ca = sign(caKeys, "CN=Test CA", caKeys, "CN=Test CA",
                now.minusSeconds(60), now.plusSeconds(86_400), new String[0], true);
        KeyPair leafKeys = KeyType.EC256.generate();
        X509Certificate leaf = sign(leafKeys, "CN=" + names[0], caKeys, "CN=Test CA",
                now.minusSeconds(60), now.plusSeconds(3_600), names, false);
        return new CertifiedKey(leafKeys.getPrivate(), List.of(leaf, ca));
    }

    private static X509Certificate sign(KeyPair subjectKeys, String subject, KeyPair issuerKeys, String issuer,
                                        Instant notBefore, Instant notAfter, String[] names, boolean ca) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name(subject), subjectKeys.getPublic());
            if (names.length > 0) {
                GeneralName[] sans = new GeneralName[names.length];
                for (int i = 0; i < names.length; i++) {
                    sans[i] = new GeneralName(GeneralName.dNSName, names[i]);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            }
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
