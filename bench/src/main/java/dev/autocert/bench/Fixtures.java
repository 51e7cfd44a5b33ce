package dev.autocert.bench;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.ConfigException;
import dev.autocert.config.KeyType;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.LiveCertificates;
import dev.autocert.tls.SelfSigned;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the server processes and the JMH benchmarks share: the Autocert instance and the extra live certificates. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * An Autocert instance configured for {@code domain}, answering HTTP-01 and TLS-ALPN-01, that is never
     * started: no schedule runs and no CA is contacted (its directory is a closed port on 127.0.0.1).
     *
     * @param storage its store folder (nothing is written unless asked)
     * @param domain  the one configured name
     * @return the instance
     * @throws ConfigException never for a valid name
     */
    public static Autocert autocert(Path storage, String domain) throws ConfigException {
        AutocertConfig config = AutocertConfig.parse(settings(storage, domain), storage);
        return Autocert.create(config, EnumSet.of(ChallengeType.HTTP_01, ChallengeType.TLS_ALPN_01));
    }

    /**
     * The settings of every benchmark's Autocert: one name, and a CA directory that is a closed port on
     * 127.0.0.1. An adapter that starts issuing (JettyAutocert does once Jetty has started) fails its
     * first attempt at once and, with a retry delay of a day, makes no second one during a benchmark.
     *
     * @param storage the store folder
     * @param domain  the one configured name
     * @return setting name → value
     */
    public static Map<String, String> settings(Path storage, String domain) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("domains", domain);
        settings.put("directory", "https://127.0.0.1:9/dir");
        settings.put("storage", storage.toString());
        settings.put("retryDelay", "1d");
        return settings;
    }

    /**
     * @param i   1 … n
     * @param sni the benchmark's main name
     * @return the i-th extra name, {@code n00001.<sni>} …
     */
    public static String name(int i, String sni) {
        return String.format(Locale.ROOT, "n%05d.%s", i, sni);
    }

    /**
     * Installs {@code n} extra certificates {@code n00001.<sni>} … into {@code live}, read from {@code cache}
     * when it holds exactly these, otherwise generated (and then cached): each by
     * {@link SelfSigned#temporary} with its own new P-256 key, as issued certificates have, on all cores.
     * Cached entries are read back the way the store reads certificates (PKCS#8 key, DER certificate through
     * the JDK's factories), so the objects served are the same kinds either way.
     *
     * @param live  where to install them
     * @param sni   the main name
     * @param n     how many
     * @param cache the cache file, or {@code null} to always generate
     * @return whether they came from the cache
     * @throws Exception when generation or the cache fails
     */
    public static boolean install(LiveCertificates live, String sni, int n, Path cache) throws Exception {
        List<CertifiedKey> keys = cache == null ? null : readCache(cache, sni, n);
        boolean cached = keys != null;
        if (keys == null) {
            keys = generate(sni, n);
            if (cache != null) {
                writeCache(cache, sni, keys);
            }
        }
        for (CertifiedKey key : keys) {
            live.install(key);
        }
        return cached;
    }

    private static List<CertifiedKey> generate(String sni, int n) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        CertifiedKey[] out = new CertifiedKey[n];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int part = t;
                parts.add(pool.submit(() -> {
                    for (int i = part; i < n; i += threads) {
                        out[i] = SelfSigned.temporary(List.of(name(i + 1, sni)), KeyType.EC256);
                    }
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return List.of(out);
    }

    private static final int MAGIC = 0x41434231; // "ACB1"

    private static void writeCache(Path cache, String sni, List<CertifiedKey> keys) throws Exception {
        Files.createDirectories(cache.toAbsolutePath().getParent());
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(MAGIC);
            out.writeUTF(sni);
            out.writeInt(keys.size());
            for (CertifiedKey key : keys) {
                byte[] k = key.key().getEncoded();
                byte[] c = key.leaf().getEncoded();
                out.writeInt(k.length);
                out.write(k);
                out.writeInt(c.length);
                out.write(c);
            }
        }
        Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<CertifiedKey> readCache(Path cache, String sni, int n) throws Exception {
        if (!Files.isRegularFile(cache)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
            if (in.readInt() != MAGIC || !in.readUTF().equals(sni) || in.readInt() != n) {
                return null;
            }
            KeyFactory keys = KeyFactory.getInstance("EC");
            CertificateFactory certs = CertificateFactory.getInstance("X.509");
            List<CertifiedKey> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] k = new byte[in.readInt()];
                in.readFully(k);
                byte[] c = new byte[in.readInt()];
                in.readFully(c);
                PrivateKey key = keys.generatePrivate(new PKCS8EncodedKeySpec(k));
                X509Certificate cert = (X509Certificate) certs.generateCertificate(new ByteArrayInputStream(c));
                out.add(new CertifiedKey(key, List.of(cert)));
            }
            return out;
        }
    }

    /**
     * Fills the cache ahead of the benchmarks: {@code Fixtures <cache file> <sni> <n>}.
     *
     * @param args the cache file, the main name, how many
     * @throws Exception when generation fails
     */
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        boolean cached = install(new LiveCertificates(), args[1], Integer.parseInt(args[2]), Path.of(args[0]));
        System.out.printf(Locale.ROOT, "%s %s certificates in %d ms%n", cached ? "read" : "generated", args[2],
                (System.nanoTime() - t0) / 1_000_000);
    }
}
