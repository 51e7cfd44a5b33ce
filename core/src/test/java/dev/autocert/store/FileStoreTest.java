package dev.autocert.store;

import dev.autocert.config.KeyType;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileStoreTest {

    private static final URI DIRECTORY = URI.create("https://ca.test:14000/dir");

    @TempDir
    Path tmp;

    @Test
    void failedValidationsAreKeptBesideTheAccountOfTheirCa() throws Exception {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        URI one = URI.create("https://ca-one.test/dir");
        URI two = URI.create("https://ca-two.test:14000/dir");
        assertThat(store.loadValidationFailures(one)).isEmpty();
        Map<String, List<Instant>> failures = Map.of("a.test", List.of(Instant.parse("2026-12-03T10:00:00Z"),
                Instant.parse("2026-12-03T10:05:00.5Z")), "b.test", List.of(Instant.parse("2026-12-03T10:01:00Z")));
        store.saveValidationFailures(one, failures);
        assertThat(new FileStore(tmp.resolve("store"), "pw").loadValidationFailures(one)).isEqualTo(failures);
        assertThat(store.loadValidationFailures(two)).as("another CA's budget").isEmpty();
        store.saveValidationFailures(one, Map.of());
        assertThat(store.loadValidationFailures(one)).isEmpty();
    }

    @Test
    void onDemandNamesAreTheFoldersWithAMarker() throws Exception {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        assertThat(store.loadOnDemandNames()).isEmpty();

        store.saveOnDemand("b.ok.test", true);
        store.saveOnDemand("a.ok.test", true);
        store.saveCertificate("listed.test", SelfSigned.temporary(List.of("listed.test"), KeyType.EC256));
        assertThat(store.loadOnDemandNames()).containsExactly("a.ok.test", "b.ok.test");

        store.saveOnDemand("b.ok.test", false);
        assertThat(store.loadOnDemandNames()).containsExactly("a.ok.test");
        assertThat(tmp.resolve("store/certificates/a.ok.test/on-demand")).exists();
    }

    @Test
    void certificateRoundTrip() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        CertifiedKey cert = SelfSigned.temporary(List.of("a.test", "www.a.test"), KeyType.EC256);

        store.saveCertificate("a.test", cert);
        Optional<CertifiedKey> loaded = store.loadCertificate("a.test");

        assertThat(loaded).isPresent();
        assertThat(loaded.get().key().getEncoded()).isEqualTo(cert.key().getEncoded());
        assertThat(loaded.get().chain()).isEqualTo(cert.chain());
        assertThat(store.keystoreFile("a.test")).isEqualTo(store.certificateFolder("a.test").resolve("keystore.p12"));
        Path folder = store.certificateFolder("a.test");
        assertThat(Files.readString(folder.resolve("meta.json"))).contains("\"a.test\"", "\"www.a.test\"", "notAfter");
        assertThat(Files.readString(folder.resolve("fullchain.pem"))).isEqualTo(Pem.certificates(cert.chain()));
        assertThat(Files.readString(folder.resolve("privkey.pem"))).isEqualTo(Pem.privateKey(cert.key()));
    }

    @Test
    void savingAgainReplacesTheCertificate() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        store.saveCertificate("a.test", SelfSigned.temporary(List.of("a.test"), KeyType.EC256));
        CertifiedKey second = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        store.saveCertificate("a.test", second);
        assertThat(store.loadCertificate("a.test")).get().extracting(CertifiedKey::leaf).isEqualTo(second.leaf());
        assertNoTempFiles(store.root());
    }

    @Test
    void unknownCertificateIsEmpty() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        assertThat(store.loadCertificate("nothing.test")).isEmpty();
        assertThat(store.loadAccountKey(DIRECTORY)).isEmpty();
    }

    @Test
    void accountKeyRoundTripEcAndRsa() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        URI other = URI.create("https://other.test/directory");
        KeyPair ec = KeyType.EC256.generate();
        KeyPair rsa = KeyType.RSA2048.generate();

        store.saveAccountKey(DIRECTORY, ec);
        store.saveAccountKey(other, rsa);

        KeyPair ecLoaded = store.loadAccountKey(DIRECTORY).orElseThrow();
        KeyPair rsaLoaded = store.loadAccountKey(other).orElseThrow();
        assertThat(ecLoaded.getPrivate().getEncoded()).isEqualTo(ec.getPrivate().getEncoded());
        assertThat(ecLoaded.getPublic().getEncoded()).isEqualTo(ec.getPublic().getEncoded());
        assertThat(rsaLoaded.getPrivate().getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
        assertThat(rsaLoaded.getPublic()).isEqualTo(rsa.getPublic());
    }

    @Test
    void damagedAccountKeyIsAnIOException() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        store.saveAccountKey(DIRECTORY, KeyType.EC256.generate());
        Path file;
        try (Stream<Path> s = Files.walk(store.root())) {
            file = s.filter(p -> p.getFileName().toString().equals("account.pem")).findFirst().orElseThrow();
        }
        Files.writeString(file, "garbage");
        assertThatThrownBy(() -> store.loadAccountKey(DIRECTORY)).isInstanceOf(IOException.class).hasMessageContaining("damaged");
    }

    @Test
    void filePermissions() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path root = tmp.resolve("store");
        FileStore store = new FileStore(root, "pw");
        store.saveCertificate("a.test", SelfSigned.temporary(List.of("a.test"), KeyType.EC256));
        store.saveAccountKey(DIRECTORY, KeyType.EC256.generate());

        Path folder = store.certificateFolder("a.test");
        assertThat(mode(folder.resolve("privkey.pem"))).isEqualTo("rw-------");
        assertThat(mode(folder.resolve("keystore.p12"))).isEqualTo("rw-------");
        assertThat(mode(folder.resolve("fullchain.pem"))).isEqualTo("rw-r--r--");
        Path account;
        try (Stream<Path> s = Files.walk(root)) {
            account = s.filter(p -> p.getFileName().toString().equals("account.pem")).findFirst().orElseThrow();
        }
        assertThat(mode(account)).isEqualTo("rw-------");
        for (Path dir : List.of(root, root.resolve("certificates"), folder, root.resolve("accounts"), account.getParent())) {
            assertThat(mode(dir)).as("mode of %s", root.relativize(dir)).isEqualTo("rwx------");
        }
        assertNoTempFiles(root);
    }

    @Test
    void wrongKeystorePasswordNamesTheSettingWhenNoPemPairStandsIn() throws IOException {
        Path root = tmp.resolve("store");
        new FileStore(root, "first").saveCertificate("a.test", SelfSigned.temporary(List.of("a.test"), KeyType.EC256));
        Files.delete(root.resolve("certificates/a.test/privkey.pem"));
        FileStore other = new FileStore(root, "second");
        assertThatThrownBy(() -> other.loadCertificate("a.test"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("keystorePassword")
                .hasMessageContaining("keystore.p12");
    }

    @Test
    void keystoreWithoutAutocertEntryIsAnIOException() throws Exception {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, "pw".toCharArray());
        AtomicFiles.write(store.keystoreFile("a.test"), out.toByteArray(), true);
        assertThatThrownBy(() -> store.loadCertificate("a.test")).isInstanceOf(IOException.class)
                .hasMessageContaining("'autocert'");
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static void assertNoTempFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aRateLimitSurvivesARestartUntilCleared() throws Exception {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        Instant lifts = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(store.loadRateLimit("a.test")).isEmpty();
        store.saveRateLimit("a.test", Optional.of(lifts));
        assertThat(new FileStore(tmp.resolve("store"), "pw").loadRateLimit("a.test")).contains(lifts);
        store.saveRateLimit("a.test", Optional.empty());
        assertThat(store.loadRateLimit("a.test")).isEmpty();
        store.saveRateLimit("a.test", Optional.empty()); // clearing twice is fine
        store.saveRateLimit("a.test", lifts, URI.create("https://ca-two.test:14000/dir"));
        assertThat(store.loadRateLimit("a.test")).contains(lifts);
        assertThat(store.loadRateLimitedBy("a.test")).contains(URI.create("https://ca-two.test:14000/dir"));
        store.saveRateLimit("a.test", Optional.of(lifts));
        assertThat(store.loadRateLimitedBy("a.test")).as("an older file holds the instant only").isEmpty();
    }

    @Test
    void aDamagedRateLimitFileNamesItselfAndTheFix() throws Exception {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        Files.createDirectories(store.certificateFolder("a.test"));
        Files.writeString(store.certificateFolder("a.test").resolve("rate-limited-until"), "tomorrow");
        Assertions.assertThatThrownBy(() -> store.loadRateLimit("a.test"))
                .hasMessageContaining("rate-limited-until").hasMessageContaining("'tomorrow'").hasMessageContaining("delete it");
    }

    @Test
    void aRenewalScheduleIsKeptBesideItsCertificate(@TempDir Path root) throws Exception {
        FileStore store = new FileStore(root, "changeit");
        assertThat(store.loadSchedule("a.test")).isEmpty();
        StoredSchedule ari = new StoredSchedule(new BigInteger("1f2e3d", 16), Instant.parse("2027-02-01T10:15:30.123Z"), "ari-window",
                Instant.parse("2026-12-03T18:00:00Z"), URI.create("https://ca.test:14000/dir"));
        store.saveSchedule("a.test", ari);
        assertThat(store.loadSchedule("a.test")).contains(ari);
        StoredSchedule noAri = new StoredSchedule(BigInteger.TEN, Instant.parse("2027-02-01T00:00:00Z"), "lifetime", null, null);
        store.saveSchedule("a.test", noAri);
        assertThat(store.loadSchedule("a.test")).contains(noAri);
        Files.writeString(store.certificateFolder("a.test").resolve("schedule"), "serial=zz\n");
        assertThatThrownBy(() -> store.loadSchedule("a.test")).isInstanceOf(IOException.class)
                .hasMessageContaining("is not a renewal schedule").hasMessageContaining("delete it");
    }

    @Test
    void anUnreadableKeystoreFallsBackToTheMatchingPemPair() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        CertifiedKey cert = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        store.saveCertificate("a.test", cert);
        assertThat(new FileStore(tmp.resolve("store"), "another password").loadCertificate("a.test"))
                .as("a mistyped keystorePassword still serves the certificate").get()
                .satisfies(k -> assertThat(k.leaf()).isEqualTo(cert.leaf()));
        Files.write(store.keystoreFile("a.test"), new byte[] {1, 2, 3});
        assertThat(store.loadCertificate("a.test")).get().satisfies(k -> assertThat(k.leaf()).isEqualTo(cert.leaf()));
    }

    @Test
    void aCrashBetweenThePemFilesFallsBackToTheKeystore() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        CertifiedKey cert = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        store.saveCertificate("a.test", cert);
        // the next certificate's key was written, its chain and keystore not yet
        CertifiedKey next = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        AtomicFiles.write(store.certificateFolder("a.test").resolve("privkey.pem"),
                Pem.privateKey(next.key()).getBytes(StandardCharsets.US_ASCII), true);

        assertThat(store.loadCertificate("a.test")).get().satisfies(k -> {
            assertThat(k.leaf()).isEqualTo(cert.leaf());
            assertThat(k.keyMatchesLeaf()).isTrue();
        });
    }

    @Test
    void aDamagedFolderIsMovedAsideAndNeverReadBackMismatched() throws IOException {
        FileStore store = new FileStore(tmp.resolve("store"), "pw");
        CertifiedKey cert = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        CertifiedKey other = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        store.saveCertificate("a.test", cert);
        // a crash between two files: the key of one certificate beside the chain of another, everywhere
        store.saveCertificate("a.test", new CertifiedKey(other.key(), cert.chain()));
        assertThatThrownBy(() -> store.loadCertificate("a.test")).isInstanceOf(IOException.class)
                .hasMessageContaining("its key does not belong to its certificate").hasMessageContaining("moved the folder aside to");
        try (var names = Files.list(tmp.resolve("store/certificates"))) {
            assertThat(names.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("a.test.damaged-");
        }
        assertThat(store.loadCertificate("a.test")).as("the next start obtains a new one").isEmpty();
    }
}
