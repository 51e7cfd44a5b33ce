package dev.autocert.bench;

import dev.autocert.config.KeyType;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Replaces the served certificate again and again and times, for each replacement, how long it takes
 * from "certificate stored" until a new handshake presents it.
 *
 * <p>One swap: a new certificate for the names is made ({@link SelfSigned#temporary}, a new P-256 key);
 * a probe client with a new SSLContext is prepared; {@link CertificateSwap#store} runs; <b>t0</b> is taken
 * when it returns; {@link CertificateSwap#activate} runs; then probe handshakes follow, each from a new
 * SSLContext, until one presents the new certificate: <b>t1</b> is the moment that handshake completed.
 * The latency t1 − t0 therefore includes the activation and at least one full handshake under whatever
 * load the server has. A probe whose connection or handshake fails counts as a failure, and the probing
 * goes on; after {@link #GIVE_UP} the swap counts as not served.
 */
final class SwapDriver {

    /** A swap whose certificate no handshake presented within this time is reported as not served. */
    static final Duration GIVE_UP = Duration.ofSeconds(20);

    private final CertificateSwap swap;
    private final HandshakeProbe probe;
    private final List<String> names;

    /**
     * @param swap  how certificates are replaced
     * @param probe the client that checks what is served
     * @param names the names every new certificate covers (the probe's SNI among them)
     */
    SwapDriver(CertificateSwap swap, HandshakeProbe probe, List<String> names) {
        this.swap = swap;
        this.probe = probe;
        this.names = List.copyOf(names);
    }

    /**
     * One swap's figures, all durations in nanoseconds.
     *
     * @param index        1 … n
     * @param store        how long {@link CertificateSwap#store} took (before t0, not part of the latency)
     * @param activate     how long {@link CertificateSwap#activate} took (part of the latency)
     * @param latency      t1 − t0
     * @param probes       handshakes made until the new certificate was seen
     * @param failedProbes of those, how many failed
     * @param lastProbe    how long the handshake that saw the new certificate took, from its client's connect
     * @param followUp     how long the work left running by {@code activate} took
     * @param served       whether the new certificate was seen before {@link #GIVE_UP}
     */
    record Result(int index, long store, long activate, long latency, int probes, int failedProbes, long lastProbe,
                  long followUp, boolean served) {

        /** @return the figures as one tab-separated line, durations in milliseconds */
        String line() {
            return String.format(Locale.ROOT, "%d\t%.3f\t%.3f\t%.3f\t%d\t%d\t%.3f\t%.3f\t%d", index, store / 1e6,
                    activate / 1e6, latency / 1e6, probes, failedProbes, lastProbe / 1e6, followUp / 1e6, served ? 1 : 0);
        }

        /** @return the column names of {@link #line()} */
        static String header() {
            return "swap\tstore_ms\tactivate_ms\tlatency_ms\tprobes\tfailed_probes\tlast_probe_ms\tfollow_up_ms\tserved";
        }
    }

    /**
     * Runs {@code count} swaps spread evenly over {@code window}: swap i starts at i × window / count after
     * the start, or at once when the previous one ran late.
     *
     * @param count  how many swaps
     * @param window the time to spread them over
     * @param each   told about every swap as soon as it is done
     * @throws IOException              when a certificate cannot be stored or activated
     * @throws GeneralSecurityException when the probe's SSLContext cannot be made
     * @throws InterruptedException     when interrupted while pacing
     */
    void run(int count, Duration window, Consumer<Result> each) throws IOException, GeneralSecurityException, InterruptedException {
        long start = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            long due = start + window.toNanos() * (i - 1) / count;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            each.accept(swapOnce(i));
        }
    }

    private Result swapOnce(int index) throws IOException, GeneralSecurityException {
        CertifiedKey next = SelfSigned.temporary(names, KeyType.EC256);
        byte[] wanted = next.leaf().getEncoded();
        HandshakeProbe.Client client = probe.newClient();
        long s0 = System.nanoTime();
        swap.store(next);
        long t0 = System.nanoTime();
        swap.activate(next);
        long activated = System.nanoTime();
        int probes = 0;
        int failed = 0;
        long lastProbe = 0;
        long t1 = -1;
        while (t1 < 0 && System.nanoTime() - t0 < GIVE_UP.toNanos()) {
            probes++;
            long p0 = System.nanoTime();
            try {
                HandshakeProbe.Seen seen = client.handshake();
                lastProbe = seen.completedNanos() - p0;
                if (Arrays.equals(seen.leaf().getEncoded(), wanted)) {
                    t1 = seen.completedNanos();
                }
            } catch (IOException e) {
                failed++;
                System.err.println("swap " + index + ": probe " + probes + " failed: " + e);
            }
            if (t1 < 0) {
                client = probe.newClient();
            }
        }
        long followUp = swap.awaitFollowUp();
        boolean served = t1 >= 0;
        return new Result(index, t0 - s0, activated - t0, served ? t1 - t0 : System.nanoTime() - t0, probes, failed,
                lastProbe, followUp, served);
    }
}
