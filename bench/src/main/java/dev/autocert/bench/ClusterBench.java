package dev.autocert.bench;

import dev.autocert.Autocert;
import dev.autocert.challenge.Http01Responder;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.KeyType;
import dev.autocert.store.FileStore;
import dev.autocert.store.jdbc.JdbcStore;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;

import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster store's two costs (issue #13, "Benchmark"), against a real PostgreSQL given by URL:
 * <ol>
 * <li>propagation: the lease holder stores a renewed certificate ({@code JdbcStore.saveCertificate} returns: t0);
 * three other nodes (Autocert instances in this JVM, each with its own store connection and change feed) serve
 * it (t1: the last node's {@code served(name)} has the new serial, polled every 0.1 ms). p50/p99 over N
 * renewals;</li>
 * <li>the challenge path: {@code Http01Responder.reply} per second on one thread, answered from the node's own
 * board, from another node's answer in the database (cold: a new token each time, one query each; cached: the
 * same token again), and for an unknown token (a miss, cached for a second).</li>
 * </ol>
 * Usage: {@code ClusterBench <jdbc url> <user> <password> <work folder> <renewals> <seconds per path>};
 * prints a Markdown summary and {@code [raw]} TSV lines.
 */
public final class ClusterBench {

    private static final String NAME = "bench.test";
    private static final int NODES = 3;

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        Path work = Path.of(args[3]);
        int renewals = Integer.parseInt(args[4]);
        long seconds = Long.parseLong(args[5]);
        PrintStream out = System.out;

        JdbcStore.Settings db = new JdbcStore.Settings(url, user, password, null);
        try (JdbcStore holder = new JdbcStore(db, new FileStore(work.resolve("holder"), "changeit"))) {
            holder.saveCertificate(NAME, SelfSigned.temporary(List.of(NAME), KeyType.EC256));
            List<Autocert> nodes = new ArrayList<>();
            List<JdbcStore> stores = new ArrayList<>();
            try {
                for (int i = 0; i < NODES; i++) {
                    JdbcStore store = new JdbcStore(db, new FileStore(work.resolve("node" + i), "changeit"));
                    stores.add(store);
                    Path folder = work.resolve("node" + i);
                    Map<String, String> settings = Fixtures.settings(folder, NAME);
                    Autocert node = Autocert.create(AutocertConfig.parse(settings, folder),
                            EnumSet.of(ChallengeType.HTTP_01), store);
                    node.loadStored();
                    node.start(); // not due: no CA contact; starts the change feed
                    nodes.add(node);
                }
                Thread.sleep(1500); // every feed has made its first comparison

                List<Double> millis = new ArrayList<>();
                for (int r = 0; r < renewals + 5; r++) {
                    CertifiedKey renewed = SelfSigned.temporary(List.of(NAME), KeyType.EC256);
                    BigInteger serial = renewed.leaf().getSerialNumber();
                    holder.saveCertificate(NAME, renewed);
                    long t0 = System.nanoTime();
                    for (Autocert node : nodes) {
                        while (!node.served(NAME).map(c -> c.leaf().getSerialNumber().equals(serial)).orElse(false)) {
                            if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                                throw new IllegalStateException("a node did not take up renewal " + r + " within 30 s");
                            }
                            Thread.onSpinWait();
                        }
                    }
                    if (r >= 5) { // the first five warm the JIT and the connections
                        millis.add((System.nanoTime() - t0) / 1e6);
                        out.printf(Locale.ROOT, "[raw]\tpropagation\t%d\t%.3f%n", r - 5, millis.get(millis.size() - 1));
                    }
                    Thread.sleep(200);
                }
                millis.sort(null);

                Autocert node = nodes.get(0);
                Http01Responder responder = node.http01();
                String local = "localtoken_0123456789abcdef";
                node.challengeBoard().putHttp01(local, local + ".thumb");
                String shared = "sharedtoken_0123456789abcdef";
                holder.challenges().put(ChallengeType.HTTP_01, shared, shared + ".thumb");
                double board = rate(responder, i -> local, seconds);
                double cached = rate(responder, i -> shared, seconds);
                double miss = rate(responder, i -> "unknowntoken_0123456789abcdef", seconds);
                // cold: every request a token the node has not seen, each published by another node
                for (int i = 0; i < 2000; i++) {
                    holder.challenges().put(ChallengeType.HTTP_01, cold(i), cold(i) + ".thumb");
                }
                double cold = rate(responder, ClusterBench::cold, seconds, 2000);

                out.println("## Cluster store (PostgreSQL " + url.replaceAll("//[^/]*/", "//…/") + ")");
                out.println();
                out.printf(Locale.ROOT, "Renewal stored by the lease holder → served by all %d other nodes (LISTEN/NOTIFY): "
                        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d renewals.%n%n", NODES, pct(millis, 50), pct(millis, 99),
                        millis.get(millis.size() - 1), millis.size());
                out.println("| challenge-path answer | requests/s (one thread, responder only) |");
                out.println("|---|---|");
                out.printf(Locale.ROOT, "| own board | %,.0f |%n", board);
                out.printf(Locale.ROOT, "| another node's, cached | %,.0f |%n", cached);
                out.printf(Locale.ROOT, "| another node's, cold (one query each) | %,.0f |%n", cold);
                out.printf(Locale.ROOT, "| unknown token (miss cached 1 s) | %,.0f |%n", miss);
                out.printf(Locale.ROOT, "[raw]\tchallenge\tboard\t%.0f%n[raw]\tchallenge\tcached\t%.0f%n[raw]\tchallenge\tcold\t%.0f%n"
                        + "[raw]\tchallenge\tmiss\t%.0f%n", board, cached, cold, miss);
                Files.writeString(work.resolve("done"), "ok\n", StandardCharsets.US_ASCII);
            } finally {
                nodes.forEach(Autocert::close);
                stores.forEach(JdbcStore::close);
            }
        }
    }

    private static String cold(int i) {
        return String.format(Locale.ROOT, "coldtoken_%016d", i);
    }

    private interface Tokens {
        String at(int i);
    }

    private static double rate(Http01Responder responder, Tokens tokens, long seconds) {
        return rate(responder, tokens, seconds, Integer.MAX_VALUE);
    }

    /** Requests per second over {@code seconds} (after a one-second warm-up), or over {@code limit} requests. */
    private static double rate(Http01Responder responder, Tokens tokens, long seconds, int limit) {
        long warm = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        int i = 0;
        if (limit == Integer.MAX_VALUE) {
            while (System.nanoTime() < warm) {
                check(responder.reply("GET", Http01Responder.PATH_PREFIX + tokens.at(i++)));
            }
        }
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        long n = 0;
        int j = 0;
        while (System.nanoTime() < end && n < limit) {
            check(responder.reply("GET", Http01Responder.PATH_PREFIX + tokens.at(j++)));
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static void check(Http01Responder.Reply reply) {
        if (reply.status() != 200 && reply.status() != 404) {
            throw new IllegalStateException("unexpected status " + reply.status());
        }
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
