package dev.autocert.tomcat;

import dev.autocert.store.FileStore;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Tomcat distribution killed with SIGKILL at a random moment of an issuance, again and again: each run
 * adds a name to {@code domains}, starts Tomcat and kills it at a random instant of obtaining that name's
 * certificate (uniform over the time the first, unkilled issuance took, and a fifth more: before the order reached
 * the CA, during validation, or once the certificate was stored),
 * then starts it again. After every restart each name is served with a chain Pebble issued, nothing in the store
 * is damaged (no quarantined folder, every certificate loads with a matching key) and the console has no SEVERE
 * line. {@code -Dautocert.crashRuns=50} runs the full count (bench/lib/crash.sh); CI runs five.
 */
class CrashDuringIssuanceIT extends DistributionTestSupport {

    private static final int RUNS = Integer.getInteger("autocert.crashRuns", 5);

    @Test
    void aTomcatKilledAtAnyMomentOfAnIssuanceRestartsServingValidCertificatesFromAnUndamagedStore() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(work.resolve("pebble")).start();
        List<X509Certificate> roots = pebble.roots();
        List<String> names = new ArrayList<>(List.of("a.test"));
        start(names);
        awaitObtaining("a.test");
        long issuing = System.nanoTime();
        awaitServed(names, roots);
        long killWithinMs = Math.max(50, (System.nanoTime() - issuing) / 1_000_000 * 6 / 5);
        tomcat.close();

        Map<String, Integer> killedWhen = new TreeMap<>();
        for (int run = 1; run <= RUNS; run++) {
            String name = "r" + run + ".test";
            names.add(name);
            int ordersBefore = pebble.ordersPlaced();
            start(names);
            awaitObtaining(name);
            Thread.sleep(ThreadLocalRandom.current().nextLong(killWithinMs));
            ProcessHandle.of(tomcat.pid()).ifPresent(ProcessHandle::destroyForcibly);
            tomcat.close();
            killedWhen.merge(phase(name, ordersBefore), 1, Integer::sum);

            start(names);
            awaitServed(names, roots);
            assertStoreWhole(names);
            assertThat(tomcat.console()).as("run " + run).doesNotContain("SEVERE").doesNotContain("damaged");
            tomcat.close();
        }
        System.out.printf("[measure] %d x kill -9 during an issuance: every restart served all certificates, 0 damaged"
                + " stores; killed within %d ms of the start: %s%n", RUNS, killWithinMs, killedWhen);
    }

    private void start(List<String> names) throws IOException {
        newTomcat("tomcat.home").insertIntoServer(listenerLine("domains=\"" + String.join(";", names)
                + "\" acceptTerms=\"true\" httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\" preflight=\"false\""
                + " retryDelay=\"1s\""));
        tomcat.start();
    }

    private void awaitObtaining(String name) {
        String obtaining = "Obtaining certificate for [" + name + "]";
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> tomcat.console().contains(obtaining));
    }

    private void awaitServed(List<String> names, List<X509Certificate> roots) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
            for (String name : names) {
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, name, roots), roots, name);
            }
        });
    }

    /** Where the kill landed: before the CA had the order, while it was being validated, or once it was stored. */
    private String phase(String name, int ordersBefore) {
        if (Files.exists(store().resolve("certificates").resolve(name).resolve("fullchain.pem"))) {
            return "stored";
        }
        return pebble.ordersPlaced() > ordersBefore ? "ordering" : "before-order";
    }

    private Path store() {
        return work.resolve("base").resolve("conf").resolve("autocert");
    }

    private void assertStoreWhole(List<String> names) throws IOException {
        try (Stream<Path> entries = Files.list(store().resolve("certificates"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(f -> f.contains(".damaged-"));
        }
        FileStore store = new FileStore(store(), "changeit");
        for (String name : names) {
            assertThat(store.loadCertificate(name)).as(name).isPresent();
        }
    }
}
