package dev.autocert.challenge.dns;

import dev.autocert.challenge.ChallengeSolver;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.DnsSettings;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The solver's life cycle with a recording publisher and a tiny in-process DNS server that answers what was
 * published: wait for visibility, the propagation delay, the timeout diagnosis, deletion exactly once
 * (also on close and when interrupted).
 */
class Dns01SolverTest {

    @TempDir
    Path tmp;

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Set<String> zone = ConcurrentHashMap.newKeySet();
    private volatile long visibleAfterNanos;
    private DatagramSocket server;

    /** Records calls; the record becomes visible in the fake zone {@link #visibleAfterNanos} after add. */
    private final DnsPublisher publisher = new DnsPublisher() {
        @Override
        public void add(String domain, String recordName, String value) {
            calls.add("add " + recordName + " " + value);
            long delayMillis = visibleAfterNanos / 1_000_000;
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(delayMillis);
                    zone.add(recordName + " " + value);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void remove(String domain, String recordName, String value) {
            calls.add("remove " + recordName + " " + value + (Thread.currentThread().isInterrupted() ? " (interrupted!)" : ""));
            zone.remove(recordName + " " + value);
        }

        @Override
        public String describe() {
            return "test publisher";
        }
    };

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** A UDP DNS server on 127.0.0.1 answering TXT queries from {@link #zone}. */
    private int startServer() throws Exception {
        server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            while (!server.isClosed()) {
                try {
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    server.receive(in);
                    Message q = new Message(Arrays.copyOf(in.getData(), in.getLength()));
                    Message r = new Message(q.getHeader().getID());
                    r.getHeader().setFlag(Flags.QR);
                    r.getHeader().setFlag(Flags.AA);
                    r.addRecord(q.getQuestion(), Section.QUESTION);
                    String name = q.getQuestion().getName().toString(true);
                    for (String entry : zone) {
                        String[] nv = entry.split(" ");
                        if (nv[0].equals(name)) {
                            r.addRecord(new TXTRecord(q.getQuestion().getName(), DClass.IN, 60, nv[1]), Section.ANSWER);
                        }
                    }
                    byte[] out = r.toWire();
                    server.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
                } catch (Exception e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private DnsSettings settings(String... extra) throws Exception {
        Path hook = tmp.resolve("unused-hook.sh");
        Files.writeString(hook, "#!/bin/sh\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> m = new LinkedHashMap<>(Map.of("domains", "a.test", "dnsHook", hook.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return AutocertConfig.parse(m, tmp.resolve("store")).dns();
    }

    @Test
    void waitsUntilTheServerAnswersThenDeletesOnce() throws Exception {
        int port = startServer();
        visibleAfterNanos = Duration.ofMillis(700).toNanos();
        Dns01Solver solver = new Dns01Solver(settings("dnsResolver", "127.0.0.1:" + port, "dnsPropagationTimeout", "10s"), publisher);
        long start = System.nanoTime();
        ChallengeSolver.Published p = solver.publish("a.test", "value1");
        // a second record at the same name (the wildcard's) is independent
        ChallengeSolver.Published q = solver.publish("a.test", "value2");
        p.awaitVisible();
        q.awaitVisible();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(zone).containsExactlyInAnyOrder("_acme-challenge.a.test value1", "_acme-challenge.a.test value2");
        p.close();
        p.close();
        solver.close();
        assertThat(calls).containsExactly("add _acme-challenge.a.test value1", "add _acme-challenge.a.test value2",
                "remove _acme-challenge.a.test value1", "remove _acme-challenge.a.test value2");
        assertThat(zone).isEmpty();
    }

    @Test
    void propagationDelayCountsFromPublishing() throws Exception {
        int port = startServer();
        Dns01Solver solver = new Dns01Solver(settings("dnsResolver", "127.0.0.1:" + port, "dnsPropagationDelay", "1500ms"), publisher);
        long start = System.nanoTime();
        try (ChallengeSolver.Published p = solver.publish("a.test", "v")) {
            p.awaitVisible();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1500), Duration.ofMillis(4000));
    }

    @Test
    void timeoutNamesTheSettingAndWhatTheServersSaid() throws Exception {
        int port = startServer();
        visibleAfterNanos = Duration.ofDays(1).toNanos(); // never
        int closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closed = s.getLocalPort();
        }
        Dns01Solver solver = new Dns01Solver(settings("dnsResolver", "127.0.0.1:" + port + ",127.0.0.1:" + closed,
                "dnsPropagationTimeout", "1s"), publisher);
        ChallengeSolver.Published p = solver.publish("a.test", "v");
        DiagnosedException e = catchThrowableOfType(DiagnosedException.class, p::awaitVisible);
        Diagnosis d = e.diagnosis();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.TXT_NOT_VISIBLE);
        assertThat(d.setting()).isEqualTo("dnsPropagationTimeout");
        assertThat(d.evidence()).contains("after 1 s").contains("_acme-challenge.a.test \"v\"")
                .contains("dnsResolver 127.0.0.1:" + port + ": no TXT record")
                .contains("dnsResolver 127.0.0.1:" + closed + ": no answer");
        assertThat(d.fix()).contains("raise dnsPropagationTimeout (now 1 s)").contains("dnsHook");
        p.close();
        assertThat(calls).containsExactly("add _acme-challenge.a.test v", "remove _acme-challenge.a.test v");
    }

    @Test
    void interruptedWhilePublishingTakesTheRecordBack() throws Exception {
        CountDownLatch adding = new CountDownLatch(1);
        DnsPublisher slow = new DnsPublisher() {
            @Override
            public void add(String domain, String recordName, String value) throws InterruptedException {
                calls.add("add " + recordName + " " + value);
                adding.countDown();
                Thread.sleep(30_000); // the hook wrote the record but has not exited yet
            }

            @Override
            public void remove(String domain, String recordName, String value) {
                calls.add("remove " + recordName + " " + value);
            }

            @Override
            public String describe() {
                return "slow publisher";
            }
        };
        Dns01Solver solver = new Dns01Solver(settings("dnsResolver", "127.0.0.1:1"), slow);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread issuing = new Thread(() -> {
            try {
                solver.publish("a.test", "v");
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        issuing.start();
        adding.await();
        issuing.interrupt();
        issuing.join(5000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(calls).containsExactly("add _acme-challenge.a.test v", "remove _acme-challenge.a.test v");
        solver.close();
        assertThat(calls).hasSize(2);
    }

    @Test
    void aStoppingServerStillDeletesAndKeepsTheInterrupt() throws Exception {
        Dns01Solver solver = new Dns01Solver(settings("dnsResolver", "127.0.0.1:1"), publisher);
        ChallengeSolver.Published p = solver.publish("a.test", "v");
        Thread.currentThread().interrupt();
        try {
            p.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        solver.publish("b.test", "w");
        solver.close(); // shutdown: what is still published goes
        assertThat(calls).containsExactly("add _acme-challenge.a.test v", "remove _acme-challenge.a.test v",
                "add _acme-challenge.b.test w", "remove _acme-challenge.b.test w");
    }
}
