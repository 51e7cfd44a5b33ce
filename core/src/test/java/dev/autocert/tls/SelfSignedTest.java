package dev.autocert.tls;

import dev.autocert.config.KeyType;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SelfSignedTest {

    static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tlsSni01NameFormat() throws Exception {
        String name = SelfSigned.tlsSni01Name("token.thumb");
        assertThat(name).matches("[0-9a-f]{32}\\.[0-9a-f]{32}\\.acme\\.invalid");
        String hex = HexFormat.of().formatHex(sha256("token.thumb"));
        assertThat(name).isEqualTo(hex.substring(0, 32) + "." + hex.substring(32) + ".acme.invalid");
        assertThat(SelfSigned.tlsSni01Name("other")).isNotEqualTo(name);
    }

    @Test
    void tlsSni01CertificateNamesTheAcmeInvalidName() {
        CertifiedKey c = SelfSigned.tlsSni01("token.thumb");
        assertThat(c.names()).containsExactly(SelfSigned.tlsSni01Name("token.thumb"));
    }

    @Test
    void tlsAlpn01Certificate() throws Exception {
        CertifiedKey c = SelfSigned.tlsAlpn01("a.test", "token.thumb");
        assertAcmeIdentifier(c.leaf(), "token.thumb");
        assertThat(c.names()).containsExactly("a.test");
    }

    @Test
    void tlsAlpn01CertificateOfAnAddressHasItAsIpSan() throws Exception {
        for (String address : List.of("127.0.0.1", "2001:db8::1")) {
            CertifiedKey c = SelfSigned.tlsAlpn01(address, "token.thumb");
            assertAcmeIdentifier(c.leaf(), "token.thumb");
            // RFC 8738 §6: the address as an iPAddress SAN (tag 7), no DNS name
            assertThat(c.leaf().getSubjectAlternativeNames().stream().map(san -> (Object) san.get(0)).toList()).containsExactly(7);
            assertThat(c.names()).containsExactly(address);
        }
    }

    @Test
    void temporaryCertificateForNamesAndAddresses() {
        CertifiedKey c = SelfSigned.temporary(List.of("a.test", "::1", "192.0.2.1"), KeyType.EC256);
        assertThat(c.names()).containsExactly("a.test", "::1", "192.0.2.1");
    }

    @Test
    void temporaryCertificate() throws Exception {
        CertifiedKey c = SelfSigned.temporary(List.of("a.test", "b.test"), KeyType.RSA2048);
        assertThat(c.names()).containsExactly("a.test", "b.test");
        assertThat(c.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(c.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=Autocert temporary certificate");
        c.leaf().verify(c.leaf().getPublicKey());
        c.leaf().checkValidity();
    }

    /** RFC 8737 §3: critical id-pe-acmeIdentifier whose extnValue is the DER OCTET STRING of SHA-256(keyAuth). */
    static void assertAcmeIdentifier(X509Certificate cert, String keyAuthorization) throws Exception {
        assertThat(cert.getCriticalExtensionOIDs()).contains("1.3.6.1.5.5.7.1.31");
        byte[] extnValue = ASN1OctetString.getInstance(cert.getExtensionValue("1.3.6.1.5.5.7.1.31")).getOctets();
        assertThat(extnValue).isEqualTo(new DEROctetString(sha256(keyAuthorization)).getEncoded());
        assertThat(extnValue).hasSize(34).startsWith((byte) 0x04, (byte) 0x20);
    }
}
