package dev.autocert.challenge.dns;

import dev.autocert.challenge.ChallengeSolver;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.DnsSettings;
import dev.autocert.diagnose.DiagnosedException;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers DNS-01 (RFC 8555 §8.4): publishes the TXT record {@code _acme-challenge.<domain>} through the
 * configured {@link DnsPublisher}, waits until the zone's servers answer it ({@link Propagation}), and
 * deletes exactly that record again after validation, after a failure, and on {@link #close()}.
 */
public final class Dns01Solver implements ChallengeSolver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dns01Solver.class);

    private final DnsPublisher publisher;
    private final Propagation propagation;
    private final Set<Entry> outstanding = ConcurrentHashMap.newKeySet();

    private record Entry(String domain, String recordName, String value) {
    }

    /**
     * @param settings the DNS-01 settings; {@link DnsSettings#enabled()} must be true
     * @throws IllegalArgumentException when no publisher is configured
     */
    public Dns01Solver(DnsSettings settings) {
        if (settings.hook().isPresent()) {
            this.publisher = new HookPublisher(settings.hook().get(), settings.hookTimeout());
            this.propagation = new Propagation(settings, null);
        } else if (settings.rfc2136Server().isPresent()) {
            Rfc2136Publisher rfc2136 = new Rfc2136Publisher(settings);
            this.publisher = rfc2136;
            this.propagation = new Propagation(settings, rfc2136);
        } else {
            throw new IllegalArgumentException("no DNS-01 publisher configured: set dnsHook or rfc2136Server");
        }
        LOG.info("DNS-01 available: TXT records published via {}, checked at {} for up to {}", publisher.describe(),
                settings.resolvers().isEmpty() ? "the zone's authoritative servers" : "dnsResolver " + settings.resolvers(),
                HookPublisher.human(settings.propagationTimeout()));
    }

    /** For tests: a given publisher, checked through {@code settings}. */
    Dns01Solver(DnsSettings settings, DnsPublisher publisher) {
        this.publisher = publisher;
        this.propagation = new Propagation(settings, publisher instanceof Rfc2136Publisher r ? r : null);
    }

    @Override
    public ChallengeType type() {
        return ChallengeType.DNS_01;
    }

    @Override
    public Published publish(String domain, Challenge challenge) throws DiagnosedException, InterruptedException {
        return publish(domain, ChallengeSolver.as(challenge, Dns01Challenge.class).getDigest());
    }

    /**
     * Publishes {@code value} at {@code _acme-challenge.<domain>}.
     *
     * @param domain the identifier, without {@code *.}
     * @param value  the TXT value
     * @return what waits for it to be visible and deletes it again
     */
    Published publish(String domain, String value) throws DiagnosedException, InterruptedException {
        String recordName = Dns01Challenge.RECORD_NAME_PREFIX + "." + domain;
        Entry entry = new Entry(domain, recordName, value);
        long publishedAt = System.nanoTime();
        outstanding.add(entry);
        try {
            publisher.add(domain, recordName, value);
        } catch (InterruptedException e) {
            // stopping while the hook or update runs: it may have taken effect, so take it back
            remove(entry);
            throw e;
        } catch (DiagnosedException | RuntimeException e) {
            outstanding.remove(entry);
            throw e;
        }
        LOG.info("{}: published TXT {} \"{}\" via {}", domain, recordName, value, publisher.describe());
        return new Published() {
            @Override
            public void awaitVisible() throws DiagnosedException, InterruptedException {
                propagation.await(domain, recordName, value, publishedAt);
            }

            @Override
            public void close() {
                remove(entry);
            }
        };
    }

    /** @return how records are published, for logs */
    public String describe() {
        return publisher.describe();
    }

    /** Deletes every record still published (the server is stopping mid-validation). */
    @Override
    public void close() {
        for (Entry e : List.copyOf(outstanding)) {
            remove(e);
        }
    }

    /** Deletes one record once; never throws, keeps the caller's interrupt status. */
    private void remove(Entry e) {
        if (!outstanding.remove(e)) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // a stopping server still cleans up its records
        try {
            publisher.remove(e.domain(), e.recordName(), e.value());
            LOG.info("{}: deleted TXT {} \"{}\"", e.domain(), e.recordName(), e.value());
        } catch (DiagnosedException d) {
            LOG.warn("{}: could not delete TXT {} \"{}\"; delete it by hand: {}", e.domain(), e.recordName(), e.value(),
                    d.diagnosis().message());
        } catch (InterruptedException x) {
            interrupted = true;
            LOG.warn("{}: interrupted while deleting TXT {} \"{}\"; delete it by hand", e.domain(), e.recordName(), e.value());
        } catch (RuntimeException x) {
            LOG.warn("{}: could not delete TXT {} \"{}\": {}", e.domain(), e.recordName(), e.value(), x.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
