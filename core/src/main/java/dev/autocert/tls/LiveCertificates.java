package dev.autocert.tls;

import org.jspecify.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The certificates being served right now, by host name, and the one place that holds them: the
 * renewal schedule asks here what a managed certificate serves. Installing a renewed certificate is one
 * map write per name: the next handshake gets it, open connections keep theirs.
 *
 * <p>A managed certificate with nothing issued yet may serve a temporary self-signed
 * {@linkplain #servePlaceholder placeholder}, so a TLS connector can start and answer before the first
 * issuance; {@link #served} never reports a placeholder, so nothing renews, revokes or shows it as issued.
 *
 * <p>Each installed certificate also gets a key-manager alias. JSSE picks an alias and then asks for
 * its key and chain in two calls; a replaced certificate stays resolvable by alias for a while, so a
 * handshake that chose it just before a swap still gets a matching key and chain.
 */
public final class LiveCertificates {

    /** Replaced certificates kept resolvable by alias (a handshake needs microseconds, a swap is rare). */
    private static final int RETIRED_KEPT = 64;

    private final Map<String, Entry> byName = new ConcurrentHashMap<>();
    private final Map<String, Entry> byCertificate = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
    private final Deque<String> retired = new ArrayDeque<>();
    private final AtomicLong generation = new AtomicLong();

    /** A served certificate and its alias; a placeholder stands in until the first issuance. */
    record Entry(String alias, CertifiedKey key, boolean placeholder) {
    }

    /**
     * Serves {@code key} for every DNS name on its leaf certificate from the next handshake on, tied to no
     * managed certificate (an embedding application's own, a benchmark's).
     *
     * @param key the new certificate
     */
    // writes are rare and serialised, so a placeholder can never overwrite the routes of an issued certificate
    public synchronized void install(CertifiedKey key) {
        route(new Entry(nextAlias(), key, false));
    }

    /**
     * Serves {@code key} as managed certificate {@code certificate} from the next handshake on, for every
     * DNS name on its leaf; it replaces what that certificate served before, placeholder or not.
     *
     * @param certificate the managed certificate's name ({@link dev.autocert.config.CertificateSpec#name()})
     * @param key         the issued or stored certificate
     */
    public synchronized void install(String certificate, CertifiedKey key) {
        Entry entry = new Entry(nextAlias(), key, false);
        byCertificate.put(certificate, entry);
        route(entry);
    }

    /**
     * Serves a temporary certificate for {@code certificate} unless it serves something already.
     *
     * @param certificate the managed certificate's name
     * @param temporary   a self-signed stand-in for its names
     * @return whether the placeholder is now served
     */
    public synchronized boolean servePlaceholder(String certificate, CertifiedKey temporary) {
        Entry entry = new Entry(nextAlias(), temporary, true);
        if (byCertificate.putIfAbsent(certificate, entry) != null) {
            return false;
        }
        route(entry);
        return true;
    }

    /**
     * @param certificate a managed certificate's name
     * @return the issued or stored certificate it serves; never a placeholder
     */
    public Optional<CertifiedKey> served(String certificate) {
        return Optional.ofNullable(byCertificate.get(certificate)).filter(e -> !e.placeholder()).map(Entry::key);
    }

    /**
     * @param certificate a managed certificate's name
     * @return what handshakes for it get now: the issued or stored certificate, else its placeholder
     */
    public Optional<CertifiedKey> serving(String certificate) {
        return Optional.ofNullable(byCertificate.get(certificate)).map(Entry::key);
    }

    private String nextAlias() {
        return "autocert-" + generation.incrementAndGet();
    }

    private void route(Entry entry) {
        CertifiedKey key = entry.key();
        String alias = entry.alias();
        byAlias.put(alias, key);
        Set<String> replaced = new HashSet<>();
        for (String name : key.names()) {
            Entry old = byName.put(name, entry);
            if (old != null) {
                replaced.add(old.alias());
            }
        }
        retire(replaced);
    }

    private synchronized void retire(Set<String> aliases) {
        for (String alias : aliases) {
            if (byName.values().stream().noneMatch(e -> e.alias().equals(alias))) {
                retired.addLast(alias);
            }
        }
        while (retired.size() > RETIRED_KEPT) {
            byAlias.remove(retired.removeFirst());
        }
    }

    /**
     * Finds the certificate for a handshake's SNI: the exact name first, then a wildcard one level up.
     *
     * @param sni the server name the client asked for, or {@code null}
     * @return the certificate, if one covers that name
     */
    public Optional<CertifiedKey> lookup(String sni) {
        return Optional.ofNullable(entry(sni)).map(Entry::key);
    }

    @Nullable Entry entry(String sni) {
        if (sni == null || sni.isEmpty()) {
            return null;
        }
        String name = sni.toLowerCase(Locale.ROOT);
        Entry exact = byName.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        return dot < 0 ? null : byName.get("*" + name.substring(dot));
    }

    /**
     * @param alias an alias handed out by this object
     * @return the certificate, or {@code null} when the alias is not ours or long retired
     */
    @Nullable CertifiedKey byAlias(String alias) {
        return byAlias.get(alias);
    }

    /** @return how many names are served */
    public int size() {
        return byName.size();
    }
}
