package dev.autocert.store;

import dev.autocert.TestCerts;
import dev.autocert.config.KeyType;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemTest {

    @Test
    void chainRoundTrip() throws GeneralSecurityException {
        CertifiedKey key = TestCerts.withIssuer("a.test");
        String pem = Pem.certificates(key.chain());

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(pem.split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
        assertThat(pem.lines()).allMatch(l -> l.length() <= 64);
        List<X509Certificate> read = Pem.readCertificates(pem);
        assertThat(read).containsExactlyElementsOf(key.chain());
        read.get(0).verify(read.get(1).getPublicKey());
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC256", "EC384", "RSA2048"})
    void keyPairRoundTrip(KeyType type) throws GeneralSecurityException {
        KeyPair keys = type.generate();
        String pem = Pem.keyPair(keys);
        assertThat(pem).contains("-----BEGIN PRIVATE KEY-----", "-----BEGIN PUBLIC KEY-----");
        KeyPair read = Pem.readKeyPair(pem);
        assertThat(read.getPrivate().getAlgorithm()).isEqualTo(keys.getPrivate().getAlgorithm());
        assertThat(read.getPrivate().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(read.getPublic().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
    }

    @Test
    void keyPairNeedsBothBlocks() {
        String privateOnly = Pem.privateKey(KeyType.EC256.generate().getPrivate());
        assertThatThrownBy(() -> Pem.readKeyPair(privateOnly)).isInstanceOf(GeneralSecurityException.class);
    }
}
