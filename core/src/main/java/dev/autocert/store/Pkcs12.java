package dev.autocert.store;

import dev.autocert.tls.CertifiedKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Encodes the PKCS#12 files Autocert writes the way {@code openssl pkcs12 -export} does: the key in a PBES2 bag
 * (PBKDF2 with HMAC-SHA256, AES-256-CBC), the chain in plain certificate bags, an HMAC-SHA256 integrity MAC, 2,048
 * iterations for each derivation. The JDK's own encoder spends 10,000 on each of three (key, certificates, MAC): a
 * quarter of the Java samples of 20 issuances on a cold JVM (JFR, issue #18), to guard a key whose {@code privkey.pem}
 * lies beside it in the clear under the same {@code 0600}. The password is what connectors require of the format, not
 * a secret. The JDK, Tomcat, Jetty, keytool and OpenSSL read the result.
 */
final class Pkcs12 {

    /** What {@code openssl pkcs12 -export} uses for both the key's encryption and the MAC. */
    static final int ITERATIONS = 2048;
    private static final String KEY_ENCRYPTION = "PBEWithHmacSHA256AndAES_256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pkcs12() {
    }

    /**
     * @param certificate a key with its chain
     * @param alias       the key entry's alias (its friendly name)
     * @param password    the password of the key and of the MAC
     * @return the encoded PKCS#12 file
     * @throws IOException when the key cannot be encrypted or the file not built
     */
    static byte[] encode(CertifiedKey certificate, String alias, char[] password) throws IOException {
        try {
            List<X509Certificate> chain = certificate.chain();
            // the key and its certificate share this id, which is how readers pair them
            DEROctetString localKeyId = new DEROctetString(MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded()));
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            for (int i = 0; i < chain.size(); i++) {
                PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(chain.get(i));
                if (i == 0) {
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias));
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
                }
                pfx.addData(bag.build());
            }
            ASN1Set attributes = new DERSet(new ASN1Encodable[] {
                    new Attribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERSet(new DERBMPString(alias))),
                    new Attribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DERSet(localKeyId))});
            pfx.addData(new PKCS12SafeBag(new SafeBag(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag, encryptedKey(certificate, password),
                    attributes)));
            return pfx.build(new BcPKCS12MacCalculatorBuilder(new SHA256Digest(),
                    new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE)).setIterationCount(ITERATIONS), password)
                    .getEncoded(ASN1Encoding.DER);
        } catch (GeneralSecurityException | PKCSException e) {
            throw new IOException("Cannot encode a PKCS#12 keystore: " + e.getMessage(), e);
        }
    }

    /** The key encrypted by the JDK's PBES2 cipher; BouncyCastle's would need its provider, 0.2 s to load. */
    private static EncryptedPrivateKeyInfo encryptedKey(CertifiedKey certificate, char[] password)
            throws GeneralSecurityException, IOException {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(iv);
        Cipher cipher = Cipher.getInstance(KEY_ENCRYPTION);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(KEY_ENCRYPTION).generateSecret(new PBEKeySpec(password)),
                new PBEParameterSpec(salt, ITERATIONS, new IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(certificate.key().getEncoded());
        AlgorithmIdentifier pbes2 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                ASN1Primitive.fromByteArray(cipher.getParameters().getEncoded()));
        return new EncryptedPrivateKeyInfo(pbes2, encrypted);
    }
}
