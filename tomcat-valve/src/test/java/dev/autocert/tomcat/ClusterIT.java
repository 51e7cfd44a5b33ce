package dev.autocert.tomcat;

import dev.autocert.config.KeyType;
import dev.autocert.status.AutocertJmx;
import dev.autocert.store.FileStore;
import dev.autocert.testkit.AcceptanceTestSupport;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.ManagedProcess;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.Postgres;
import dev.autocert.testkit.RoundRobinProxy;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.testkit.TomcatDistribution;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real Tomcat distribution processes with the drop-in JAR, one PostgreSQL store, behind a round-robin
 * TCP proxy that Pebble's HTTP-01 port points at: every validation lands on whichever node is next, so nodes
 * answer tokens other nodes published. Each certificate is ordered exactly once (Pebble's log counts the
 * orders), every node serves it, forced renewals cost exactly one order each, and a renewal asked of all
 * three nodes at once still costs one.
 */
class ClusterIT extends AcceptanceTestSupport {

    private static final List<String> NAMES = List.of("a.test", "b.test", "c.test");
    private static final int NODES = 3;
    private static final int RENEWALS = 10;

    private final List<Node> nodes = new ArrayList<>();
    private Postgres pg;
    private RoundRobinProxy proxy;

    /** One Tomcat of the cluster. */
    private record Node(TomcatDistribution tomcat, int httpPort, int httpsPort, int jmxPort) {
        void renewNow(String name) throws Exception {
            try (JMXConnector jmx = JMXConnectorFactory.connect(
                    new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
                MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
                mbeans.invoke(AutocertJmx.objectName(tomcat.base().resolve("conf/autocert"), name), "renewNow",
                        new Object[0], new String[0]);
            }
        }
    }

    @Override
    protected AutoCloseable server() {
        return () -> {
            // stopped together: each stop waits for its Tomcat to shut down
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n.tomcat()::close))
                    .toArray(CompletableFuture[]::new)).join();
            if (proxy != null) {
                proxy.close();
            }
            if (pg != null) {
                pg.close();
            }
        };
    }

    @Override
    protected Map<String, ManagedProcess> failureLogs() {
        Map<String, ManagedProcess> logs = super.failureLogs();
        for (int i = 0; i < nodes.size(); i++) {
            ManagedProcess process = nodes.get(i).tomcat().process();
            if (process != null) {
                logs.put("node " + i, process);
            }
        }
        return logs;
    }

    /**
     * Lays out three nodes on one fresh database behind the proxy, Pebble validating through it.
     *
     * @param extra listener attributes besides the cluster's
     */
    private void cluster(String extra) throws Exception {
        pg = Postgres.start();
        String url = pg.createDatabase("cluster");
        List<Integer> httpPorts = List.of(FreePorts.take(), FreePorts.take(), FreePorts.take());
        proxy = RoundRobinProxy.start(httpPorts);
        pebble = Pebble.builder().httpPort(proxy.port()).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        Path storageKey = work.resolve("storage.key");
        Files.createDirectories(work);
        Files.writeString(storageKey, Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32)));
        for (int i = 0; i < NODES; i++) {
            addNode(i, httpPorts.get(i), "storage=\"" + url + "\" storageUser=\"" + pg.user() + "\" storagePassword=\""
                    + pg.password() + "\" storageKey=\"" + storageKey + "\" " + extra);
        }
    }

    private void addNode(int i, int httpPort, String attributes) throws Exception {
        int jmxPort = FreePorts.take();
        int https = FreePorts.take();
        TomcatDistribution tomcat = new TomcatDistribution(Path.of(System.getProperty("tomcat.home")),
                work.resolve("node" + i), httpPort, FreePorts.take()).dropIn(Path.of(System.getProperty("autocert.jar")));
        tomcat.insertIntoServer("<Listener className=\"dev.autocert.tomcat.AutocertListener\" domains=\""
                + String.join(";", NAMES) + "\" acceptTerms=\"true\" httpsPort=\"" + https + "\" httpsAddress=\"127.0.0.1\""
                + " preflight=\"false\" " + attributes
                + " directory=\"" + pebble.directoryUrl() + "\" caTrust=\"" + pebble.caTrustPem() + "\"/>");
        tomcat.jvmOption("-Dcom.sun.management.jmxremote.port=" + jmxPort)
                .jvmOption("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort)
                .jvmOption("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .jvmOption("-Djava.rmi.server.hostname=127.0.0.1")
                .jvmOption("-Dcom.sun.management.jmxremote.authenticate=false")
                .jvmOption("-Dcom.sun.management.jmxremote.ssl=false");
        nodes.add(new Node(tomcat, httpPort, https, jmxPort));
    }

    /** Starts every node at once (they race for the same certificates). */
    private void startAll() {
        CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n.tomcat()::start))
                .toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void threeNodesOrderEachCertificateOnceAnswerEachOthersChallengesAndAllServeIt() throws Exception {
        cluster("");
        List<Integer> httpPorts = nodes.stream().map(Node::httpPort).toList();
        // all three start at once and race for the same three certificates
        long started = System.nanoTime();
        startAll();
        List<X509Certificate> roots = pebble.roots();
        for (String name : NAMES) {
            awaitEveryNodeServesOther(name, null, roots);
        }
        System.out.printf("[measure] 3 nodes start -> 3 certificates served by every node: %.2f s%n",
                (System.nanoTime() - started) / 1e9);
        assertThat(pebble.ordersPlaced()).as("one order per certificate for the whole cluster").isEqualTo(NAMES.size());
        assertThat(pebble.validationsFailed()).isZero();
        for (int port : httpPorts) {
            assertThat(proxy.connectionsTo(port)).as("validations reached node on " + port).isPositive();
        }
        assertThat(pg.psql("cluster", "SELECT count(*) FROM autocert_certificates WHERE private_key LIKE 'aes-gcm:%'"))
                .as("keys encrypted at rest").isEqualTo("3");
        assertThat(pg.psql("cluster", "SELECT count(*) FROM autocert_challenges")).as("answers removed after validation").isEqualTo("0");

        // forced renewals, each asked of another node: one order each, every node swaps the new one in live
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < RENEWALS; i++) {
            String name = NAMES.get(i % NAMES.size());
            BigInteger before = serial(nodes.get(0), name, roots);
            long t0 = System.nanoTime();
            nodes.get(i % NODES).renewNow(name);
            awaitEveryNodeServesOther(name, before, roots);
            seconds.add((System.nanoTime() - t0) / 1e9);
        }
        seconds.sort(null);
        System.out.printf("[measure] forced renewal on one node -> all 3 nodes serve it: p50 %.2f s, max %.2f s (%d renewals)%n",
                seconds.get(seconds.size() / 2), seconds.get(seconds.size() - 1), RENEWALS);
        assertThat(pebble.ordersPlaced()).as("exactly one order per forced renewal").isEqualTo(NAMES.size() + RENEWALS);

        // a renewal asked of every node at once is still one order
        BigInteger before = serial(nodes.get(0), "a.test", roots);
        for (Node n : nodes) {
            n.renewNow("a.test");
        }
        awaitEveryNodeServesOther("a.test", before, roots);
        Thread.sleep(3000); // a second order would have started by now
        assertThat(pebble.ordersPlaced()).as("one order for three simultaneous requests").isEqualTo(NAMES.size() + RENEWALS + 1);
        assertThat(pebble.validationsFailed()).isZero();
        for (Node n : nodes) {
            assertThat(n.tomcat().console()).doesNotContain("SEVERE");
        }
    }

    @Test
    void withTheDatabaseStoppedEveryNodeKeepsServingNobodyOrdersAndTheClusterRecovers() throws Exception {
        cluster("retryDelay=\"2s\"");
        startAll();
        List<X509Certificate> roots = pebble.roots();
        for (String name : NAMES) {
            awaitEveryNodeServesOther(name, null, roots);
        }
        BigInteger before = serial(nodes.get(0), "a.test", roots);
        int orders = pebble.ordersPlaced();

        pg.stop();
        nodes.get(1).renewNow("a.test"); // due now, but its lease cannot be read
        long downUntil = System.nanoTime() + Duration.ofSeconds(12).toNanos(); // "a minute", shortened
        while (System.nanoTime() < downUntil) {
            for (Node n : nodes) {
                for (String name : NAMES) {
                    TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", n.httpsPort(), name, roots), roots, name);
                }
            }
            Thread.sleep(500);
        }
        assertThat(pebble.ordersPlaced()).as("no node orders while the lease cannot be read").isEqualTo(orders);
        assertThat(nodes.get(1).tomcat().console()).contains("no node orders without it");

        pg.startServer();
        awaitEveryNodeServesOther("a.test", before, roots);
        assertThat(pebble.ordersPlaced()).as("the renewal, once, after the database is back").isEqualTo(orders + 1);
        for (Node n : nodes) {
            String console = n.tomcat().console();
            assertThat(count(console, "does not answer")).as("told once per change, node " + n.httpsPort()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> count(n.tomcat().console(), "answers again") == 1);
            assertThat(console).doesNotContain("SEVERE");
        }
    }

    @Test
    void whileTheLeaseHolderLivesNobodyElseOrdersAndAfterItIsKilledAnotherNodeFinishes() throws Exception {
        cluster("storageLeaseTime=\"6s\"");
        startAll();
        List<X509Certificate> roots = pebble.roots();
        for (String name : NAMES) {
            awaitEveryNodeServesOther(name, null, roots);
        }
        int orders = pebble.ordersPlaced();
        BigInteger before = serial(nodes.get(0), "a.test", roots);
        Node holder = nodes.get(0);

        proxy.hold(); // the CA's validation requests stall: node 0's order stays in flight
        holder.renewNow("a.test");
        await().atMost(Duration.ofSeconds(30)).until(() -> pebble.ordersPlaced() > orders);
        assertThat(pebble.ordersPlaced()).as("the holder's order alone").isEqualTo(orders + 1);
        String owner = pg.psql("cluster", "SELECT owner FROM autocert_leases WHERE name = 'a.test'");
        assertThat(owner).isNotEmpty();
        nodes.get(1).renewNow("a.test");
        Thread.sleep(7500); // longer than the lease: its living holder keeps renewing it
        assertThat(pebble.ordersPlaced()).as("no second order while the holder lives").isEqualTo(orders + 1);
        assertThat(pg.psql("cluster", "SELECT owner FROM autocert_leases WHERE name = 'a.test'")).isEqualTo(owner);
        assertThat(nodes.get(1).tomcat().console()).contains("another node of the cluster holds the lease");

        ProcessHandle.of(holder.tomcat().pid()).ifPresent(ProcessHandle::destroyForcibly); // kill -9 mid-order
        holder.tomcat().process().stop();
        long killed = System.nanoTime();
        proxy.release();
        List<Node> survivors = nodes.subList(1, NODES);
        awaitServeOther(survivors, "a.test", before, roots);
        System.out.printf("[measure] lease holder killed mid-order -> the other nodes serve the renewal: %.2f s (lease 6 s)%n",
                (System.nanoTime() - killed) / 1e9);
        assertThat(pebble.ordersPlaced()).as("the dead holder's order and one more").isEqualTo(orders + 2);
        assertThat(pg.psql("cluster", "SELECT owner FROM autocert_leases WHERE name = 'a.test'")).as("released").isEmpty();
    }

    @Test
    void aNodeOnTomcatsGlobalDataSourceAndANodeOnTheUrlAreOneCluster() throws Exception {
        pg = Postgres.start();
        String url = pg.createDatabase("jndi");
        List<Integer> httpPorts = List.of(FreePorts.take(), FreePorts.take());
        proxy = RoundRobinProxy.start(httpPorts);
        pebble = Pebble.builder().httpPort(proxy.port()).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        addNode(0, httpPorts.get(0), "storage=\"java:comp/env/jdbc/autocert\"");
        TomcatDistribution viaJndi = nodes.get(0).tomcat();
        viaJndi.addGlobalResource("<Resource name=\"jdbc/autocert\" auth=\"Container\" type=\"javax.sql.DataSource\""
                + " driverClassName=\"org.postgresql.Driver\" url=\"" + url + "\" username=\"" + pg.user() + "\" password=\""
                + pg.password() + "\" maxTotal=\"4\"/>");
        // a container DataSource brings its own driver, as Tomcat's DBCP needs it in lib/
        Files.copy(Path.of(Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                viaJndi.base().resolve("lib/postgresql.jar"));
        addNode(1, httpPorts.get(1), "storage=\"" + url + "\" storageUser=\"" + pg.user() + "\" storagePassword=\""
                + pg.password() + "\"");
        startAll();
        List<X509Certificate> roots = pebble.roots();
        for (String name : NAMES) {
            awaitEveryNodeServesOther(name, null, roots);
        }
        assertThat(pebble.ordersPlaced()).as("one order per certificate: both nodes share one database").isEqualTo(NAMES.size());
        assertThat(pg.psql("jndi", "SELECT count(*) FROM autocert_certificates")).isEqualTo(String.valueOf(NAMES.size()));
        String console = viaJndi.console();
        assertThat(console).as("the DataSource is looked up once Tomcat made it, not before").doesNotContain("does not answer")
                .doesNotContain("SEVERE");
    }

    @Test
    void statelessHttp01NeedsNoSharedStoreBehindTheBalancer() throws Exception {
        List<Integer> httpPorts = List.of(FreePorts.take(), FreePorts.take(), FreePorts.take());
        proxy = RoundRobinProxy.start(httpPorts);
        pebble = Pebble.builder().httpPort(proxy.port()).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        KeyPair account = KeyType.EC256.generate(); // the one key every node is given
        for (int i = 0; i < NODES; i++) {
            addNode(i, httpPorts.get(i), "http01Stateless=\"true\"");
            new FileStore(nodes.get(i).tomcat().base().resolve("conf/autocert"), "changeit")
                    .saveAccountKey(URI.create(pebble.directoryUrl()), account);
        }
        startAll();
        List<X509Certificate> roots = pebble.roots();
        for (String name : NAMES) {
            for (Node n : nodes) {
                TlsProbe.awaitVerified(n.httpsPort(), name, roots, Duration.ofSeconds(90));
            }
        }
        // each node ordered its own (no shared store), and every validation, on whichever node it landed, passed
        assertThat(pebble.ordersPlaced()).isEqualTo(NODES * NAMES.size());
        assertThat(pebble.validationsFailed()).isZero();
        for (int port : httpPorts) {
            assertThat(proxy.connectionsTo(port)).isPositive();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static BigInteger serial(Node node, String name, List<X509Certificate> roots) throws Exception {
        return TlsProbe.javaHandshake("127.0.0.1", node.httpsPort(), name, roots).get(0).getSerialNumber();
    }

    /** Waits until every node serves one and the same valid chain for {@code name}, whose serial is not {@code old}. */
    private void awaitEveryNodeServesOther(String name, BigInteger old, List<X509Certificate> roots) {
        awaitServeOther(nodes, name, old, roots);
    }

    private static void awaitServeOther(List<Node> which, String name, BigInteger old, List<X509Certificate> roots) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
            Set<BigInteger> served = new HashSet<>();
            for (Node n : which) {
                List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", n.httpsPort(), name, roots);
                TlsProbe.verifyChain(chain, roots, name);
                served.add(chain.get(0).getSerialNumber());
            }
            assertThat(served).hasSize(1).doesNotContain(old);
        });
    }
}
