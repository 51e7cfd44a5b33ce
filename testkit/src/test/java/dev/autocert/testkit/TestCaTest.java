package dev.autocert.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestCaTest {

    private final TestCa ca = TestCa.create();

    @Test
    void leafVerifiesAgainstTheCa() throws Exception {
        X509Certificate leaf = ca.leaf().certificate();
        leaf.verify(ca.caCertificate().getPublicKey());
        assertEquals(ca.caCertificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());
        assertEquals("EC", leaf.getPublicKey().getAlgorithm());
        assertEquals(-1, leaf.getBasicConstraints(), "leaf must not be a CA");
        assertTrue(ca.caCertificate().getBasicConstraints() >= 0, "CA must be a CA");
        assertDoesNotThrow(() -> TlsProbe.verifyChain(ca.leaf().chain(), List.of(ca.caCertificate()), "localhost"));
    }

    @Test
    void leafCoversLocalhostAndLoopbackIp() {
        List<String> sans = TlsProbe.subjectAltNames(ca.leaf().certificate());
        assertTrue(sans.contains("localhost"), sans::toString);
        assertTrue(sans.contains("127.0.0.1"), sans::toString);
        TlsProbe.verifyChain(ca.leaf().chain(), List.of(ca.caCertificate()), "127.0.0.1");
    }

    @Test
    void leafFromAnotherCaDoesNotVerify() {
        TestCa other = TestCa.create();
        assertThrows(AssertionError.class,
                () -> TlsProbe.verifyChain(other.leaf().chain(), List.of(ca.caCertificate()), "localhost"));
    }

    @Test
    void writesPemFilesThatReadBack(@TempDir Path dir) throws Exception {
        ca.writeTo(dir);
        assertEquals(List.of(ca.caCertificate()), Pem.certificates(Files.readString(dir.resolve("ca.pem"))));
        assertEquals(List.of(ca.leaf().certificate()), Pem.certificates(Files.readString(dir.resolve("cert.pem"))));

        String keyPem = Files.readString(dir.resolve("key.pem"));
        assertTrue(keyPem.startsWith("-----BEGIN PRIVATE KEY-----\n"), keyPem);
        String base64 = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] sig = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(ca.leaf().certificate().getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(sig), "key.pem must belong to cert.pem");
    }

    @Test
    void issuesFurtherNamesIncludingWildcards() {
        TestCa.Leaf leaf = ca.issue("a.test", "*.b.test");
        TlsProbe.verifyChain(leaf.chain(), List.of(ca.caCertificate()), "a.test");
        TlsProbe.verifyChain(leaf.chain(), List.of(ca.caCertificate()), "x.b.test");
        assertThrows(AssertionError.class,
                () -> TlsProbe.verifyChain(leaf.chain(), List.of(ca.caCertificate()), "x.y.b.test"));
    }
}
