package dev.autocert.servlet;

import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The first-start command: what it writes, where, and that it never clobbers a real keystore by accident. */
class PlaceholderKeystoreTest {

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return PlaceholderKeystore.run(args, k -> null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    @Test
    void writesASelfSignedKeyEntryUnderAliasAutocertReadableOnlyByTheOwner() throws Exception {
        Path file = dir.resolve("conf/connector.p12");
        assertThat(run(Map.of(), "placeholder", "--keystore", file.toString(), "--password", "s3cret",
                "--domains", "a.test,www.a.test;b.test")).isZero();

        KeyStore ks = load(file, "s3cret");
        assertThat(ks.getKey("autocert", "s3cret".toCharArray())).isInstanceOf(PrivateKey.class);
        X509Certificate cert = (X509Certificate) ks.getCertificate("autocert");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=Autocert placeholder");
        assertThat(CertifiedKey.names(cert)).containsExactly("a.test", "www.a.test");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).as("no temporary files left").containsExactly(file);
        }
    }

    @Test
    void takesTheWebappsSettingsFromTheEnvironmentAndResolvesAgainstCatalinaBase() throws Exception {
        Map<String, String> env = Map.of("CATALINA_BASE", dir.toString(), "AUTOCERT_CONNECTOR_KEYSTORE", "conf/c.p12",
                "AUTOCERT_KEYSTORE_PASSWORD", "fromEnv1", "AUTOCERT_DOMAINS", "env.test");
        assertThat(run(env, "placeholder")).isZero();

        X509Certificate cert = (X509Certificate) load(dir.resolve("conf/c.p12"), "fromEnv1").getCertificate("autocert");
        assertThat(CertifiedKey.names(cert)).containsExactly("env.test");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Wrote placeholder keystore " + dir.resolve("conf/c.p12"));
    }

    @Test
    void anExistingKeystoreIsLeftAloneUnlessForced() throws Exception {
        Path file = dir.resolve("c.p12");
        Files.writeString(file, "the real one");
        assertThat(run(Map.of(), "placeholder", "--keystore", file.toString())).isZero();
        assertThat(Files.readString(file)).isEqualTo("the real one");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("exists; left unchanged");

        assertThat(run(Map.of(), "placeholder", "--keystore", file.toString(), "--force")).isZero();
        assertThat(load(file, "changeit").getCertificate("autocert")).isNotNull();
    }

    @Test
    void badUsageExitsWithTwo() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(run(Map.of(), "placeholder")).as("no keystore anywhere").isEqualTo(2);
        assertThat(run(Map.of(), "placeholder", "--keystore")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: java -jar autocert-servlet.jar placeholder");
    }
}
