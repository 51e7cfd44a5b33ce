package dev.autocert.store;

import dev.autocert.tls.CertifiedKey;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link Store} held in memory: proves that the core needs nothing of {@link FileStore} but the interface. */
public final class MemoryStore implements Store {

    /** Certificates by name. */
    public final Map<String, CertifiedKey> certificates = new ConcurrentHashMap<>();
    /** Rate limits by certificate name. */
    public final Map<String, Instant> limits = new ConcurrentHashMap<>();
    /** Account keys by directory. */
    public final Map<URI, KeyPair> accounts = new ConcurrentHashMap<>();
    /** Renewal decisions by certificate name. */
    public final Map<String, StoredSchedule> schedules = new ConcurrentHashMap<>();
    /** The names of the certificates obtained on demand. */
    public final Set<String> onDemand = ConcurrentHashMap.newKeySet();
    /** Whether writes of certificates and schedules fail, as on a read-only or full file system. */
    public volatile boolean readOnly;
    private final Path exportFolder;

    /** @param exportFolder where {@link #files} says the certificates are (this store never writes there) */
    public MemoryStore(Path exportFolder) {
        this.exportFolder = exportFolder;
    }

    /** A store whose files are nowhere a test looks. */
    public MemoryStore() {
        this(Path.of("memory-store"));
    }

    @Override public Optional<KeyPair> loadAccountKey(URI directory) { return Optional.ofNullable(accounts.get(directory)); }
    @Override public void saveAccountKey(URI directory, KeyPair keys) { accounts.put(directory, keys); }
    /** The CA that set each rate limit, by certificate name. */
    public final Map<String, URI> limitsBy = new ConcurrentHashMap<>();
    @Override public void saveRateLimit(String name, Instant until, URI by) {
        limits.put(name, until);
        limitsBy.put(name, by);
    }
    @Override public Optional<URI> loadRateLimitedBy(String name) { return Optional.ofNullable(limitsBy.get(name)); }
    @Override public Set<String> loadOnDemandNames() { return Set.copyOf(onDemand); }
    /** Failed validations by CA, as a store keeps them. */
    public final Map<URI, Map<String, List<Instant>>> validationFailures = new ConcurrentHashMap<>();
    @Override public Map<String, List<Instant>> loadValidationFailures(URI directory) {
        return validationFailures.getOrDefault(directory, Map.of());
    }
    @Override public void saveValidationFailures(URI directory, Map<String, List<Instant>> failures) {
        validationFailures.put(directory, Map.copyOf(failures));
    }
    @Override public void saveOnDemand(String name, boolean marked) {
        if (marked) {
            onDemand.add(name);
        } else {
            onDemand.remove(name);
        }
    }
    @Override public Optional<CertifiedKey> loadCertificate(String name) { return Optional.ofNullable(certificates.get(name)); }
    @Override public void saveCertificate(String name, CertifiedKey certificate) throws IOException {
        refuseWhenReadOnly(name);
        certificates.put(name, certificate);
    }
    @Override public Optional<Instant> loadRateLimit(String name) { return Optional.ofNullable(limits.get(name)); }
    @Override public Optional<StoredSchedule> loadSchedule(String name) { return Optional.ofNullable(schedules.get(name)); }
    @Override public void saveSchedule(String name, StoredSchedule schedule) throws IOException {
        refuseWhenReadOnly(name);
        schedules.put(name, schedule);
    }

    private void refuseWhenReadOnly(String name) throws IOException {
        if (readOnly) {
            throw new FileSystemException(exportFolder.resolve(name).toString(), null, "Read-only file system");
        }
    }

    @Override
    public void saveRateLimit(String name, Optional<Instant> until) {
        limitsBy.remove(name);
        until.ifPresentOrElse(u -> limits.put(name, u), () -> limits.remove(name));
    }

    @Override
    public CertificateFiles files(String name) {
        Path folder = exportFolder.resolve(name);
        return new CertificateFiles(folder.resolve("chain.pem"), folder.resolve("key.pem"), folder.resolve("key.p12"));
    }
}
