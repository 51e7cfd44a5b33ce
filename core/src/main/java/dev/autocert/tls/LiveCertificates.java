package dev.autocert.tls;

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
 * The certificates being served right now, by host name. Installing a renewed certificate is one
 * map write per name: the next handshake gets it, open connections keep theirs.
 *
 * <p>Each installed certificate also gets a key-manager alias. JSSE picks an alias and then asks for
 * its key and chain in two calls; a replaced certificate stays resolvable by alias for a while, so a
 * handshake that chose it just before a swap still gets a matching key and chain.
 */
public final class LiveCertificates {

    /** Replaced certificates kept resolvable by alias (a handshake needs microseconds, a swap is rare). */
    private static final int RETIRED_KEPT = 64;

    private final Map<String, Entry> byName = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
    private final Deque<String> retired = new ArrayDeque<>();
    private final AtomicLong generation = new AtomicLong();

    /** A served certificate and its alias. */
    record Entry(String alias, CertifiedKey key) {
    }

    /**
     * Serves {@code key} for every DNS name on its leaf certificate from the next handshake on.
     *
     * @param key the new certificate
     */
    public void install(CertifiedKey key) {
        String alias = "autocert-" + generation.incrementAndGet();
        byAlias.put(alias, key);
        Entry entry = new Entry(alias, key);
        Set<String> replaced = new HashSet<>();
        for (String name : key.dnsNames()) {
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

    Entry entry(String sni) {
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
    CertifiedKey byAlias(String alias) {
        return byAlias.get(alias);
    }

    /** @return how many names are served */
    public int size() {
        return byName.size();
    }
}
