package dev.autocert.renew;

import dev.autocert.acme.Issuer;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.AcmeProblems;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.Store;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.LiveCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps every configured certificate issued, stored, served and renewed. Each certificate has its
 * own schedule: the renewal time of the served certificate, or a back-off delay after a failure.
 * Nothing here ever removes a served certificate: a failing CA, network or disk only delays.
 */
public final class CertificateManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateManager.class);
    /** Even a far renewal is re-checked this often, so clock jumps and config drift are noticed. */
    private static final Duration LONGEST_SLEEP = Duration.ofHours(12);
    /** Listeners hear of failures at most this often per certificate. */
    static final Duration FAILURE_NOTICE_INTERVAL = Duration.ofHours(1);
    /** Listeners hear of an expiring certificate at most this often. */
    static final Duration EXPIRY_NOTICE_INTERVAL = Duration.ofDays(1);

    private final AutocertConfig config;
    private final Store store;
    private final Issuer issuer;
    private final LiveCertificates live;
    private final RenewalPolicy policy;
    private final Backoff backoff;
    private final List<CertificateEvents> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Managed> managed = new LinkedHashMap<>();
    private ScheduledExecutorService executor;

    /** Mutable state of one certificate; guarded by its own monitor. */
    private static final class Managed {
        final CertificateSpec spec;
        CertifiedKey current;
        int failures;
        Diagnosis lastError;
        Instant nextAttempt;
        String nextReason;
        boolean forced;
        /** An attempt is under way: a renewal asked for now joins it instead of starting a second order. */
        boolean running;
        Instant lastFailureNotice;
        Instant lastExpiryNotice;
        /** Until when the CA refuses orders for this certificate (its Retry-After on a rate limit), or null. */
        Instant rateLimitedUntil;
        ScheduledFuture<?> future;

        Managed(CertificateSpec spec) {
            this.spec = spec;
        }
    }

    /**
     * @param config the settings
     * @param store  where certificates survive restarts
     * @param issuer how certificates are obtained
     * @param live   where served certificates are installed
     */
    public CertificateManager(AutocertConfig config, Store store, Issuer issuer, LiveCertificates live) {
        this.config = config;
        this.store = store;
        this.issuer = issuer;
        this.live = live;
        this.policy = new RenewalPolicy(config.renewBefore());
        this.backoff = new Backoff(config.retryDelay());
        for (CertificateSpec spec : config.certificates()) {
            managed.put(spec.name(), new Managed(spec));
        }
    }

    /** @param listener told about installs and failures */
    public void addListener(CertificateEvents listener) {
        listeners.add(listener);
    }

    /**
     * Loads stored certificates and serves them at once, without contacting the CA. A store that cannot
     * be read is logged and treated as empty.
     *
     * @return how many certificates were loaded
     */
    public int loadStored() {
        int loaded = 0;
        for (Managed m : managed.values()) {
            loadRateLimit(m);
            try {
                Optional<CertifiedKey> stored = store.loadCertificate(m.spec.name());
                if (stored.isPresent()) {
                    install(m, stored.get(), false);
                    loaded++;
                    LOG.info("Serving stored certificate for {}, valid until {}", m.spec.domains(), stored.get().notAfter());
                }
            } catch (IOException e) {
                LOG.warn("Cannot load the stored certificate {}: {}", m.spec.name(), e.getMessage());
            }
        }
        return loaded;
    }

    private void loadRateLimit(Managed m) {
        try {
            Optional<Instant> until = store.loadRateLimit(m.spec.name()).filter(Instant.now()::isBefore);
            if (until.isPresent()) {
                synchronized (m) {
                    m.rateLimitedUntil = until.get();
                }
                LOG.warn("The CA rate-limited orders for {} until {}: not asking it before then", m.spec.domains(), until.get());
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the rate limit stored for {}: {}", m.spec.name(), e.getMessage());
        }
    }

    private void saveRateLimit(Managed m, Optional<Instant> until) {
        try {
            store.saveRateLimit(m.spec.name(), until);
        } catch (IOException e) {
            LOG.warn("Cannot store the rate limit of {}; a restart may ask the CA too early: {}", m.spec.name(), e.getMessage());
        }
    }

    /** Starts issuing missing certificates and renewing due ones, each on its own schedule. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newScheduledThreadPool(config.maxConcurrentOrders(), r -> {
            Thread t = new Thread(r, "autocert-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Managed m : managed.values()) {
            synchronized (m) {
                schedule(m, Duration.between(Instant.now(), nextRun(m)));
            }
        }
    }

    /**
     * Renews a certificate now, whatever its schedule. While an attempt for it is under way, that attempt
     * is the renewal: a second one would place a second order and self-check every name again.
     *
     * @param name a certificate's name
     * @return whether such a certificate is managed
     */
    public boolean renewNow(String name) {
        Managed m = managed.get(name);
        if (m == null || executor == null) {
            return false;
        }
        synchronized (m) {
            if (m.running) {
                LOG.info("An attempt for {} is already under way; the renewal asked for joins it", m.spec.domains());
                return true;
            }
            m.forced = true;
            schedule(m, Duration.ZERO);
        }
        return true;
    }

    /** @return a snapshot of every managed certificate */
    public List<CertificateStatus> status() {
        List<CertificateStatus> out = new ArrayList<>();
        for (Managed m : managed.values()) {
            synchronized (m) {
                out.add(new CertificateStatus(m.spec.name(), m.spec.domains(),
                        m.current == null ? null : m.current.notAfter(), m.nextAttempt, m.nextReason, m.failures,
                        m.lastError, issuer.validatedBy(m.spec.domains())));
            }
        }
        return out;
    }

    /**
     * @param name a certificate's name
     * @return the certificate being served under that name, if any
     */
    public Optional<CertifiedKey> current(String name) {
        Managed m = managed.get(name);
        if (m == null) {
            return Optional.empty();
        }
        synchronized (m) {
            return Optional.ofNullable(m.current);
        }
    }

    private Instant nextRun(Managed m) {
        // due since ever when nothing is served or not the configured names
        Instant due = m.current == null || !coversSpec(m) ? Instant.EPOCH : policy.renewAt(m.current);
        return m.rateLimitedUntil != null && m.rateLimitedUntil.isAfter(due) ? m.rateLimitedUntil : due;
    }

    private boolean coversSpec(Managed m) {
        return new HashSet<>(m.current.dnsNames()).equals(new HashSet<>(m.spec.domains()));
    }

    private void schedule(Managed m, Duration delay) {
        if (m.future != null) {
            m.future.cancel(false);
        }
        m.nextReason = reason(m);
        Duration d = delay.isNegative() ? Duration.ZERO : delay.compareTo(LONGEST_SLEEP) > 0 ? LONGEST_SLEEP : delay;
        m.nextAttempt = Instant.now().plus(d);
        m.future = executor.schedule(() -> run(m), d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private String reason(Managed m) {
        if (m.forced) {
            return "renewal requested";
        }
        if (m.rateLimitedUntil != null && m.rateLimitedUntil.isAfter(Instant.now())) {
            return (m.failures > 0 ? "retry " + (m.failures + 1) + " " : "") + "when the CA's rate limit lifts";
        }
        if (m.failures > 0) {
            return "retry " + (m.failures + 1) + " after a failure";
        }
        if (m.current == null) {
            return "no certificate yet";
        }
        if (!coversSpec(m)) {
            return "the configured names changed";
        }
        Duration lifetime = Duration.between(m.current.notBefore(), m.current.notAfter());
        return config.renewBefore().filter(d -> d.compareTo(lifetime) < 0)
                .map(d -> "renewBefore " + d.toString().substring(2).toLowerCase(java.util.Locale.ROOT) + " before expiry")
                .orElse("a third of the lifetime left");
    }

    private void run(Managed m) {
        synchronized (m) {
            // woken early by the 12-hour cap: not due yet, or the CA's rate limit still holds
            boolean limited = m.rateLimitedUntil != null && Instant.now().isBefore(m.rateLimitedUntil);
            if (!m.forced && (m.failures == 0 || limited) && Instant.now().isBefore(nextRun(m))) {
                schedule(m, Duration.between(Instant.now(), nextRun(m)));
                return;
            }
            m.forced = false;
            m.running = true;
        }
        try {
            LOG.info("{} certificate for {}", currentOf(m) == null ? "Obtaining" : "Renewing", m.spec.domains());
            CertifiedKey issued = issuer.issue(m.spec);
            save(m, issued);
            synchronized (m) {
                m.running = false;
                install(m, issued, true);
                m.failures = 0;
                m.lastError = null;
                if (m.rateLimitedUntil != null) {
                    m.rateLimitedUntil = null;
                    saveRateLimit(m, Optional.empty());
                }
                schedule(m, Duration.between(Instant.now(), nextRun(m)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DiagnosedException e) {
            fail(m, e.diagnosis(), e);
        } catch (RuntimeException e) {
            fail(m, AcmeProblems.explain(e, config.directory()), e);
        } finally {
            synchronized (m) {
                m.running = false;
            }
        }
    }

    private CertifiedKey currentOf(Managed m) {
        synchronized (m) {
            return m.current;
        }
    }

    private void save(Managed m, CertifiedKey issued) {
        try {
            store.saveCertificate(m.spec.name(), issued);
        } catch (IOException e) {
            Diagnosis d = AcmeProblems.explain(e, config.directory());
            LOG.error("Certificate for {} is served but not saved, a restart would lose it: {}", m.spec.domains(), d.message());
            listeners.forEach(l -> l.failed(m.spec, d));
        }
    }

    private void fail(Managed m, Diagnosis diagnosis, Exception e) {
        Duration delay;
        boolean tellFailure;
        CertifiedKey expiring;
        Instant now = Instant.now();
        synchronized (m) {
            m.running = false;
            m.failures++;
            m.lastError = diagnosis;
            delay = backoff.delay(m.failures);
            Optional<Instant> limited = AcmeProblems.retryAfter(e).filter(now::isBefore);
            if (limited.isPresent()) {
                m.rateLimitedUntil = limited.get();
                saveRateLimit(m, limited);
                Duration caWait = Duration.between(now, limited.get());
                if (caWait.compareTo(delay) > 0) {
                    delay = caWait; // the CA named the time: asking earlier only fails again and counts against us
                }
            }
            if (executor != null && !executor.isShutdown()) {
                schedule(m, delay);
            }
            tellFailure = due(m.lastFailureNotice, FAILURE_NOTICE_INTERVAL, now);
            if (tellFailure) {
                m.lastFailureNotice = now;
            }
            expiring = m.current != null && isExpiring(m.current, now) && due(m.lastExpiryNotice, EXPIRY_NOTICE_INTERVAL, now)
                    ? m.current : null;
            if (expiring != null) {
                m.lastExpiryNotice = now;
            }
        }
        LOG.warn("Could not obtain the certificate for {} (attempt {}, next in {} s): {}", m.spec.domains(),
                m.failures, String.format(java.util.Locale.ROOT, "%.1f", delay.toMillis() / 1000.0), diagnosis.message());
        LOG.debug("Details", e);
        if (tellFailure) {
            listeners.forEach(l -> l.failed(m.spec, diagnosis));
        }
        if (expiring != null) {
            LOG.error("The certificate for {} expires at {} and cannot be renewed: {}", m.spec.domains(),
                    expiring.notAfter(), diagnosis.message());
            listeners.forEach(l -> l.expiring(m.spec, expiring, diagnosis));
        }
    }

    private static boolean due(Instant last, Duration interval, Instant now) {
        return last == null || !now.isBefore(last.plus(interval));
    }

    /**
     * @param certificate a served certificate
     * @param now         the time to judge at
     * @return whether less than a sixth of its lifetime is left
     */
    static boolean isExpiring(CertifiedKey certificate, Instant now) {
        Duration lifetime = Duration.between(certificate.notBefore(), certificate.notAfter());
        return Duration.between(now, certificate.notAfter()).compareTo(lifetime.dividedBy(6)) < 0;
    }

    private void install(Managed m, CertifiedKey key, boolean fresh) {
        synchronized (m) {
            m.current = key;
        }
        Duration lifetime = Duration.between(key.notBefore(), key.notAfter());
        if (RenewalPolicy.marginIgnored(config.renewBefore(), lifetime)) {
            LOG.warn("renewBefore ({}) is not shorter than the certificate lifetime ({}); renewing when a third remains",
                    config.renewBefore().get(), lifetime);
        }
        live.install(key);
        for (CertificateEvents l : listeners) {
            try {
                l.installed(m.spec, key, fresh);
            } catch (RuntimeException e) {
                LOG.warn("A certificate listener failed for {}: {}", m.spec.name(), e.toString());
            }
        }
    }

    /** Stops all schedules; an issuance in flight is interrupted. */
    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }
}
