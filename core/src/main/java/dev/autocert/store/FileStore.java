package dev.autocert.store;

import dev.autocert.tls.CertifiedKey;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The default store: plain files under one folder.
 * <pre>
 * accounts/&lt;ca&gt;/account.pem          account key pair (0600)
 * certificates/&lt;name&gt;/privkey.pem    certificate key (0600)
 *                     fullchain.pem  leaf + intermediates
 *                     keystore.p12   key + chain, alias "autocert" (0600) — read back at start
 *                     meta.json      names and dates, for people and scripts
 *                     rate-limited-until   while the CA refuses orders: the instant it named (ISO-8601)
 * </pre>
 * Each file is replaced atomically; {@code keystore.p12} is the one read back, so a crash between
 * two files never pairs a key with the wrong certificate.
 */
public final class FileStore implements Store {

    /** The alias of the key entry in every written PKCS#12 keystore. */
    public static final String KEYSTORE_ALIAS = "autocert";

    private final Path root;
    private final char[] keystorePassword;

    /**
     * @param root             the store folder; created (0700) on first write
     * @param keystorePassword the password of the PKCS#12 files
     */
    public FileStore(Path root, String keystorePassword) {
        this.root = root;
        this.keystorePassword = keystorePassword.toCharArray();
    }

    /** @return the store folder */
    public Path root() {
        return root;
    }

    /**
     * @param name a certificate's name
     * @return its folder
     */
    public Path certificateFolder(String name) {
        return root.resolve("certificates").resolve(name);
    }

    /**
     * @param name a certificate's name
     * @return its PKCS#12 keystore file, the one a connector can point at
     */
    public Path keystoreFile(String name) {
        return files(name).keystore();
    }

    @Override
    public CertificateFiles files(String name) {
        Path folder = certificateFolder(name).toAbsolutePath();
        return new CertificateFiles(folder.resolve("fullchain.pem"), folder.resolve("privkey.pem"), folder.resolve("keystore.p12"));
    }

    private Path accountFile(URI directory) {
        String id = (directory.getHost() + (directory.getPort() > 0 ? "_" + directory.getPort() : "")
                + directory.getPath()).replaceAll("[^A-Za-z0-9._-]", "_");
        return root.resolve("accounts").resolve(id).resolve("account.pem");
    }

    @Override
    public Optional<KeyPair> loadAccountKey(URI directory) throws IOException {
        try {
            return Optional.of(Pem.readKeyPair(Files.readString(accountFile(directory), StandardCharsets.US_ASCII)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IOException("The account key " + accountFile(directory) + " is damaged: " + e.getMessage(), e);
        }
    }

    @Override
    public void saveAccountKey(URI directory, KeyPair keys) throws IOException {
        AtomicFiles.write(accountFile(directory), Pem.keyPair(keys).getBytes(StandardCharsets.US_ASCII), true);
    }

    @Override
    public Optional<CertifiedKey> loadCertificate(String name) throws IOException {
        Path file = keystoreFile(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Keystores.read(Files.readAllBytes(file), Keystores.PKCS12, KEYSTORE_ALIAS, keystorePassword));
        } catch (IOException e) {
            throw new IOException("The keystore " + file + " cannot be read (wrong keystorePassword?): " + e.getMessage(), e);
        }
    }

    @Override
    public void saveCertificate(String name, CertifiedKey certificate) throws IOException {
        Path folder = certificateFolder(name);
        AtomicFiles.write(folder.resolve("privkey.pem"), Pem.privateKey(certificate.key()).getBytes(StandardCharsets.US_ASCII), true);
        AtomicFiles.write(folder.resolve("fullchain.pem"), Pem.certificates(certificate.chain()).getBytes(StandardCharsets.US_ASCII), false);
        Keystores.write(keystoreFile(name), certificate, Keystores.PKCS12, KEYSTORE_ALIAS, keystorePassword);
        AtomicFiles.write(folder.resolve("meta.json"), meta(certificate).getBytes(StandardCharsets.UTF_8), false);
    }

    @Override
    public Optional<Instant> loadRateLimit(String name) throws IOException {
        Path file = rateLimitFile(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Optional.of(Instant.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException("The file " + file + " does not hold an instant such as 2026-12-01T10:00:00Z: '" + text
                    + "'; delete it to let Autocert ask the CA again", e);
        }
    }

    @Override
    public void saveRateLimit(String name, Optional<Instant> until) throws IOException {
        Path file = rateLimitFile(name);
        if (until.isPresent()) {
            AtomicFiles.write(file, (until.get() + "\n").getBytes(StandardCharsets.US_ASCII), false);
        } else {
            Files.deleteIfExists(file);
        }
    }

    private Path rateLimitFile(String name) {
        return certificateFolder(name).resolve("rate-limited-until");
    }

    private static String meta(CertifiedKey c) {
        String names = c.dnsNames().stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
        return "{\n  \"domains\": [" + names + "],\n"
                + "  \"serial\": \"" + c.leaf().getSerialNumber().toString(16) + "\",\n"
                + "  \"issuer\": \"" + c.leaf().getIssuerX500Principal().getName().replace("\"", "\\\"") + "\",\n"
                + "  \"notBefore\": \"" + c.notBefore() + "\",\n"
                + "  \"notAfter\": \"" + c.notAfter() + "\",\n"
                + "  \"savedAt\": \"" + Instant.now() + "\"\n}\n";
    }
}
