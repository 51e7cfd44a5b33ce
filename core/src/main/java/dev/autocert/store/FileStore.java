package dev.autocert.store;

import dev.autocert.tls.CertifiedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The default store: plain files under one folder.
 * <pre>
 * accounts/&lt;ca&gt;/account.pem          account key pair (0600)
 * certificates/&lt;name&gt;/privkey.pem    certificate key (0600)
 *                     fullchain.pem  leaf + intermediates
 *                     keystore.p12   key + chain, alias "autocert" (0600) — read back at start
 *                     meta.json      names and dates, for people and scripts
 *                     rate-limited-until   while the CA refuses orders: the instant it named (ISO-8601)
 *                     schedule       the renewal decision: serial, renew-at, reason, renewal-info-check, issued-by
 * </pre>
 * Each file is replaced atomically; {@code keystore.p12} is the one read back, so a crash between
 * two files never pairs a key with the wrong certificate.
 */
public final class FileStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final String SCHEDULE = "schedule";
    /** The marker file of a certificate obtained on demand. */
    private static final String ON_DEMAND = "on-demand";

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

    /** Beside the account: the budget is the account's at that CA. One line per name: {@code name instant instant …}. */
    private Path validationFailuresFile(URI directory) {
        return accountFile(directory).resolveSibling("validation-failures");
    }

    @Override
    public Map<String, List<Instant>> loadValidationFailures(URI directory) throws IOException {
        Path file = validationFailuresFile(directory);
        if (!Files.exists(file)) {
            return Map.of();
        }
        Map<String, List<Instant>> out = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 2) {
                continue;
            }
            try {
                out.put(fields[0], Arrays.stream(fields).skip(1).map(Instant::parse).toList());
            } catch (DateTimeParseException e) {
                throw new IOException("The file " + file + " holds a line that is not a name and instants: '" + line
                        + "'; delete it (the failed-validation budget then starts full)", e);
            }
        }
        return out;
    }

    @Override
    public void saveValidationFailures(URI directory, Map<String, List<Instant>> failures) throws IOException {
        Path file = validationFailuresFile(directory);
        if (failures.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        StringBuilder text = new StringBuilder();
        failures.forEach((name, times) -> {
            text.append(name);
            times.forEach(t -> text.append(' ').append(t));
            text.append('\n');
        });
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.US_ASCII), false);
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

    /**
     * Reads the PEM pair ({@code privkey.pem}, {@code fullchain.pem}), which costs no key derivation (a start reads
     * it); when it is missing or its key does not match its certificate (a crash between the two writes), then
     * {@code keystore.p12}. When neither holds a matching pair, the folder is moved aside
     * ({@code <name>.damaged-<time>}) so a new certificate can be obtained and stored cleanly, and the exception says
     * where it went: a damaged store never fails start-up and is never read back half-written.
     */
    @Override
    public Optional<CertifiedKey> loadCertificate(String name) throws IOException {
        Path file = keystoreFile(name);
        Path folder = certificateFolder(name);
        if (!Files.exists(file) && !Files.exists(folder.resolve("fullchain.pem"))) {
            return Optional.empty();
        }
        Optional<CertifiedKey> pem = pemPair(folder);
        if (pem.isPresent()) {
            return pem;
        }
        String problem;
        try {
            CertifiedKey stored = Keystores.read(Files.readAllBytes(file), Keystores.PKCS12, KEYSTORE_ALIAS, keystorePassword);
            if (stored.keyMatchesLeaf()) {
                LOG.warn("The PEM files in {} are missing or no matching pair; serving the keystore {} beside them", folder, file);
                return Optional.of(stored);
            }
            problem = "its key does not belong to its certificate";
        } catch (NoSuchFileException e) {
            problem = "is missing";
        } catch (IOException e) {
            problem = "it cannot be read (wrong keystorePassword, or damaged): " + e.getMessage();
        }
        Path aside = folder.resolveSibling(name + ".damaged-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()));
        Files.move(folder, aside, StandardCopyOption.ATOMIC_MOVE);
        throw new IOException("The stored certificate " + name + " is damaged: the keystore " + file + " " + problem
                + ", and the PEM files beside it are no matching pair; moved the folder aside to " + aside
                + " and a new certificate is obtained");
    }

    private static Optional<CertifiedKey> pemPair(Path folder) {
        try {
            List<X509Certificate> chain = Pem.readCertificates(Files.readString(folder.resolve("fullchain.pem"), StandardCharsets.US_ASCII));
            if (chain.isEmpty()) {
                return Optional.empty();
            }
            PrivateKey key = Pem.readPrivateKey(Files.readString(folder.resolve("privkey.pem"), StandardCharsets.US_ASCII),
                    chain.get(0).getPublicKey().getAlgorithm());
            CertifiedKey pair = new CertifiedKey(key, chain);
            return pair.keyMatchesLeaf() ? Optional.of(pair) : Optional.empty();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
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
        Optional<String[]> fields = rateLimitFields(name);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(fields.get()[0]));
        } catch (DateTimeParseException e) {
            throw new IOException("The file " + rateLimitFile(name) + " does not hold an instant such as 2026-12-01T10:00:00Z: '"
                    + String.join(" ", fields.get()) + "'; delete it to let Autocert ask the CA again", e);
        }
    }

    /** The file holds the instant, then the CA's directory URL when known. */
    @Override
    public void saveRateLimit(String name, Instant until, URI by) throws IOException {
        AtomicFiles.write(rateLimitFile(name), (until + " " + by + "\n").getBytes(StandardCharsets.US_ASCII), false);
    }

    @Override
    public Optional<URI> loadRateLimitedBy(String name) throws IOException {
        Optional<String[]> fields = rateLimitFields(name);
        if (fields.isEmpty() || fields.get().length < 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(fields.get()[1]));
        } catch (URISyntaxException e) {
            throw new IOException("The file " + rateLimitFile(name) + " names no CA after its instant: '" + fields.get()[1]
                    + "'; delete it to let Autocert ask the CA again", e);
        }
    }

    /** @return the fields of the rate-limit file (instant, then the CA when known), or empty when there is none */
    private Optional<String[]> rateLimitFields(String name) throws IOException {
        Path file = rateLimitFile(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(file, StandardCharsets.US_ASCII).trim().split(" "));
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

    @Override
    public Optional<StoredSchedule> loadSchedule(String name) throws IOException {
        Path file = certificateFolder(name).resolve(SCHEDULE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        try {
            String check = p.getProperty("renewal-info-check");
            String issuedBy = p.getProperty("issued-by");
            return Optional.of(new StoredSchedule(new BigInteger(p.getProperty("serial", ""), 16),
                    Instant.parse(p.getProperty("renew-at", "")), p.getProperty("reason", ""),
                    check == null ? null : Instant.parse(check), issuedBy == null ? null : URI.create(issuedBy)));
        } catch (RuntimeException e) {
            throw new IOException("The file " + file + " is not a renewal schedule (" + e.getMessage()
                    + "); delete it to let Autocert decide again", e);
        }
    }

    @Override
    public void saveSchedule(String name, StoredSchedule schedule) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("serial=").append(schedule.serial().toString(16)).append('\n')
                .append("renew-at=").append(schedule.renewAt()).append('\n')
                .append("reason=").append(schedule.reason()).append('\n');
        if (schedule.renewalInfoCheck() != null) {
            text.append("renewal-info-check=").append(schedule.renewalInfoCheck()).append('\n');
        }
        if (schedule.issuedBy() != null) {
            text.append("issued-by=").append(schedule.issuedBy()).append('\n');
        }
        AtomicFiles.write(certificateFolder(name).resolve(SCHEDULE), text.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    @Override
    public Set<String> loadOnDemandNames() throws IOException {
        Path certificates = root.resolve("certificates");
        if (!Files.isDirectory(certificates)) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        try (Stream<Path> folders = Files.list(certificates)) {
            folders.filter(f -> Files.exists(f.resolve(ON_DEMAND))).forEach(f -> names.add(certificates.relativize(f).toString()));
        }
        return names;
    }

    @Override
    public void saveOnDemand(String name, boolean onDemand) throws IOException {
        Path marker = certificateFolder(name).resolve(ON_DEMAND);
        if (onDemand) {
            AtomicFiles.write(marker, "obtained at a handshake, approved on demand\n".getBytes(StandardCharsets.US_ASCII), false);
        } else {
            Files.deleteIfExists(marker);
        }
    }

    private Path rateLimitFile(String name) {
        return certificateFolder(name).resolve("rate-limited-until");
    }

    private static String meta(CertifiedKey c) {
        String names = c.names().stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
        return "{\n  \"domains\": [" + names + "],\n"
                + "  \"serial\": \"" + c.leaf().getSerialNumber().toString(16) + "\",\n"
                + "  \"issuer\": \"" + c.leaf().getIssuerX500Principal().getName().replace("\"", "\\\"") + "\",\n"
                + "  \"notBefore\": \"" + c.notBefore() + "\",\n"
                + "  \"notAfter\": \"" + c.notAfter() + "\",\n"
                + "  \"savedAt\": \"" + Instant.now() + "\"\n}\n";
    }
}
