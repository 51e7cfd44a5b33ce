package dev.autocert.tomcat;

import dev.autocert.config.KeyType;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectorKeystoreTest {

    @TempDir
    Path dir;

    @Test
    void theAddedConnectorsKeystoreIsWrittenOnlyWhenItHoldsAnotherCertificate() throws Exception {
        Path file = dir.resolve("connector/keystore.p12");
        CertifiedKey first = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        Files.createDirectories(file.getParent());

        ConnectorKeystore.writeUnlessCurrent(file, first, "pw");
        byte[] written = Files.readAllBytes(file);
        ConnectorKeystore.writeUnlessCurrent(file, first, "pw");
        assertThat(Files.readAllBytes(file)).as("a restart with the same certificate").isEqualTo(written);

        CertifiedKey second = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        ConnectorKeystore.writeUnlessCurrent(file, second, "pw");
        assertThat(Keystores.read(Files.readAllBytes(file), Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, "pw".toCharArray()).leaf())
                .isEqualTo(second.leaf());

        Files.delete(dir.resolve("connector/keystore.p12.sha256"));
        byte[] before = Files.readAllBytes(file);
        ConnectorKeystore.writeUnlessCurrent(file, second, "pw");
        assertThat(Files.readAllBytes(file)).as("without the fingerprint it is written again").isNotEqualTo(before);
    }
}
