package dev.autocert.store;

import dev.autocert.TestCerts;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PKCS#12 files Autocert writes, read back by the JDK and by OpenSSL. */
class KeystoresTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    @Test
    void theJdkReadsOneKeyEntryWithTheWholeChain() throws Exception {
        CertifiedKey written = TestCerts.withIssuer("a.test", "www.a.test");
        byte[] bytes = Keystores.encode(written, Keystores.PKCS12, "autocert", PASSWORD);

        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(bytes), PASSWORD);
        assertThat(Collections.list(ks.aliases())).containsExactly("autocert");
        assertThat(ks.isKeyEntry("autocert")).isTrue();
        assertThat(ks.getKey("autocert", PASSWORD)).isEqualTo(written.key());
        assertThat(Arrays.asList(ks.getCertificateChain("autocert"))).containsExactlyElementsOf(written.chain());

        CertifiedKey read = Keystores.read(bytes, Keystores.PKCS12, "autocert", PASSWORD);
        assertThat(read.chain()).isEqualTo(written.chain());
        assertThat(read.keyMatchesLeaf()).isTrue();
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        byte[] bytes = Keystores.encode(TestCerts.withIssuer("a.test"), Keystores.PKCS12, "autocert", PASSWORD);
        assertThatThrownBy(() -> Keystores.read(bytes, Keystores.PKCS12, "autocert", "wrong".toCharArray()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void eachFileHasItsOwnSaltsSoTwoWritesOfOneKeyDiffer() throws Exception {
        CertifiedKey certificate = TestCerts.withIssuer("a.test");
        assertThat(Keystores.encode(certificate, Keystores.PKCS12, "autocert", PASSWORD))
                .isNotEqualTo(Keystores.encode(certificate, Keystores.PKCS12, "autocert", PASSWORD));
    }

    @Test
    void openSslReadsTheKeyAndSaysHowItIsProtected() throws Exception {
        CertifiedKey written = TestCerts.withIssuer("a.test");
        Path file = dir.resolve("keystore.p12");
        Keystores.write(file, written, Keystores.PKCS12, "autocert", PASSWORD);

        String info = openssl("pkcs12", "-in", file.toString(), "-passin", "pass:changeit", "-info", "-nodes");
        assertThat(info).contains("MAC: sha256, Iteration " + Pkcs12.ITERATIONS)
                .contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration " + Pkcs12.ITERATIONS + ", PRF hmacWithSHA256")
                .contains("friendlyName: autocert")
                .contains("-----BEGIN PRIVATE KEY-----");
        assertThat(openssl("pkcs12", "-in", file.toString(), "-passin", "pass:changeit", "-nokeys", "-clcerts"))
                .contains("subject=CN = a.test");
    }

    private String openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Path out = Files.createTempFile(dir, "openssl", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl ended").isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }
}
