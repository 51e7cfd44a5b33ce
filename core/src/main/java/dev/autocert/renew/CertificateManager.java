package dev.autocert.renew;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateAuthority;
import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.AcmeProblems;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.Store;
import dev.autocert.store.StoredSchedule;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.LiveCertificates;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Keeps every configured certificate issued, stored, served and renewed. Each certificate has its
 * own schedule: the renewal time of the served certificate, or a back-off delay after a failure; the
 * decisions are {@link RenewalSchedule}'s, this class holds the state, the clock and the threads.
 * Listeners are told after the certificate's lock is released, so a slow listener (a keystore rewrite)
 * never blocks status or JMX. Nothing here ever removes a served certificate: a failing CA, network or
 * disk only delays. With several CAs in {@code directory}, {@link CaFailover} says which one each attempt goes to;
 * the CA that issued the served certificate is kept with its schedule, for status, ARI and {@code replaces}.
 */
public final class CertificateManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateManager.class);
    /** Listeners hear of failures at most this often per certificate. */
    static final Duration FAILURE_NOTICE_INTERVAL = Duration.ofHours(1);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** After the CA could not say when to renew, it is asked again this much later. */
    static final Duration RENEWAL_INFO_RETRY = Duration.ofHours(1);
    /** Listeners hear of an expiring certificate at most this often. */
    static final Duration EXPIRY_NOTICE_INTERVAL = Duration.ofDays(1);

    private final AutocertConfig config;
    private final Store store;
    /** One source per CA of {@link AutocertConfig#authorities()}, in the same order. */
    private final List<CertificateSource> sources;
    private final CaFailover failover;
    private final LiveCertificates live;
    private final RenewalPolicy policy;
    private final Backoff backoff;
    private final Clock clock;
    private final List<CertificateEvents> listeners = new CopyOnWriteArrayList<>();
    /** Every managed certificate by name; replaced, never changed, when an on-demand one is added (under {@link #adding}). */
    private volatile Map<String, Managed> managed = Map.of();
    private final Object adding = new Object();
    /** Asked before an on-demand certificate is renewed; {@code null}: renewed like a listed one. */
    private volatile @Nullable Predicate<String> renewalApproval;
    /** Set by start, cleared by close (both synchronized); read by the schedules under their certificate's lock. */
    private volatile ScheduledExecutorService executor;

    /** Mutable state of one certificate; guarded by its own monitor. */
    private static final class Managed {
        final CertificateSpec spec;
        /** Obtained at a handshake ({@code onDemand}), not listed in {@code domains}. */
        final boolean onDemand;
        /** The next attempt must be approved again first (an on-demand certificate's renewal). */
        boolean approvalNeeded;
        /** Approval was refused: no attempt any more; the served certificate stays until it expires. */
        boolean dropped;
        ScheduleState state = ScheduleState.NOTHING_SERVED;
        Diagnosis lastError;
        RenewalSchedule.Plan next;
        /** An attempt is under way: a renewal asked for now joins it instead of placing a second order. */
        boolean running;
        Instant lastFailureNotice;
        Instant lastExpiryNotice;
        ScheduledFuture<?> future;
        /** When this manager obtained the served certificate, or {@code null} when it was loaded from the store. */
        @Nullable Instant obtainedAt;
        /** When to ask the CA for the served certificate's renewal window next; {@code null}: the CA has none. */
        @Nullable Instant renewalInfoCheck;
        ScheduledFuture<?> renewalInfoFuture;
        /** The directory of the CA that issued the served certificate, or {@code null} when not known (another node's). */
        @Nullable URI issuedBy;

        Managed(CertificateSpec spec, boolean onDemand, boolean approvalNeeded) {
            this.spec = spec;
            this.onDemand = onDemand;
            this.approvalNeeded = approvalNeeded;
        }
    }

    /**
     * @param config  the settings
     * @param store   where certificates survive restarts
     * @param sources how certificates are obtained: one source per CA of {@link AutocertConfig#authorities()}, in order
     * @param live    where served certificates are installed, and the one place that holds them
     */
    public CertificateManager(AutocertConfig config, Store store, List<CertificateSource> sources, LiveCertificates live) {
        this(config, store, sources, live, Clock.systemUTC());
    }

    /** As above, judging times by {@code clock} (tests move it). */
    CertificateManager(AutocertConfig config, Store store, List<CertificateSource> sources, LiveCertificates live, Clock clock) {
        if (sources.size() != config.authorities().size()) {
            throw new IllegalArgumentException(sources.size() + " sources for " + config.authorities().size() + " CAs");
        }
        this.config = config;
        this.store = store;
        this.sources = List.copyOf(sources);
        this.failover = new CaFailover(sources.size(), config.caFailoverAfter());
        this.live = live;
        this.clock = clock;
        this.policy = new RenewalPolicy(config.renewBefore());
        this.backoff = new Backoff(config.retryDelay());
        Map<String, Managed> listed = new LinkedHashMap<>();
        for (CertificateSpec spec : config.certificates()) {
            listed.put(spec.name(), new Managed(spec, false, false));
        }
        managed = listed;
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
        if (config.onDemand().enabled()) {
            addStoredOnDemand();
        }
        int loaded = 0;
        for (Managed m : managed.values()) {
            if (loadStored(m)) {
                loaded++;
            }
        }
        return loaded;
    }

    /** The on-demand certificates of earlier runs are managed again without asking for approval (until renewal). */
    private void addStoredOnDemand() {
        Set<String> names;
        try {
            names = store.loadOnDemandNames();
        } catch (IOException e) {
            LOG.warn("Cannot read which certificates were obtained on demand; they are obtained again at their next"
                    + " handshake: {}", e.getMessage());
            return;
        }
        for (String name : names) {
            add(new Managed(new CertificateSpec(List.of(name)), true, true));
        }
    }

    /** @return whether {@code m} was added, i.e. no certificate of that name was managed yet */
    private boolean add(Managed m) {
        synchronized (adding) {
            if (managed.containsKey(m.spec.name())) {
                return false;
            }
            Map<String, Managed> more = new LinkedHashMap<>(managed);
            more.put(m.spec.name(), m);
            managed = more;
            return true;
        }
    }

    private boolean loadStored(Managed m) {
        loadRateLimit(m);
        try {
            Optional<CertifiedKey> stored = store.loadCertificate(m.spec.name());
            if (stored.isPresent()) {
                if (install(m, stored.get(), false, null)) {
                    saveSchedule(m, stored.get());
                }
                tellInstalled(m, stored.get(), false);
                LOG.info("Serving stored certificate for {}, valid until {}", m.spec.domains(), stored.get().notAfter());
                return true;
            }
        } catch (IOException e) {
            LOG.warn("Cannot load the stored certificate {}: {}", m.spec.name(), e.getMessage());
        }
        return false;
    }

    /**
     * Manages a certificate obtained on demand: the one stored under its name is served (another node, or an earlier
     * run, obtained it), else it is ordered at once once {@link #start()} ran.
     *
     * @param spec     a certificate of one name, not listed in {@code domains}
     * @param approved whether its first attempt was approved already (renewals are approved again)
     * @return whether a certificate for it is served now
     */
    public boolean manageOnDemand(CertificateSpec spec, boolean approved) {
        Managed m = new Managed(spec, true, !approved);
        if (!add(m)) {
            return serves(spec.name());
        }
        boolean served = loadStored(m);
        synchronized (m) {
            if (executor != null) {
                schedule(m, RenewalSchedule.plan(m.state, clock.instant()));
                scheduleRenewalInfoCheck(m);
            }
        }
        return served;
    }

    /**
     * @param name a certificate's name
     * @return whether a certificate of that name is managed (listed, or obtained on demand)
     */
    public boolean manages(String name) {
        return managed.containsKey(name);
    }

    /**
     * @param name a certificate's name
     * @return whether an issued or stored certificate is served under it
     */
    public boolean serves(String name) {
        return live.served(name).isPresent();
    }

    /** @return how many certificates obtained on demand are managed, those still being ordered included */
    public int onDemandCount() {
        return (int) managed.values().stream().filter(m -> m.onDemand).count();
    }

    /**
     * @param approval asked (on the schedule's thread, which it may block) before an on-demand certificate is renewed;
     *                 {@code false} stops its renewals
     */
    public void approveRenewalsWith(Predicate<String> approval) {
        renewalApproval = approval;
    }

    private void loadRateLimit(Managed m) {
        try {
            Optional<Instant> until = store.loadRateLimit(m.spec.name()).filter(clock.instant()::isBefore);
            Optional<URI> by = until.isPresent() ? store.loadRateLimitedBy(m.spec.name()) : Optional.empty();
            if (by.isPresent() && !by.get().equals(config.directory())) {
                // a start's first attempt goes to the first CA: another CA's limit does not concern it
                LOG.info("The rate limit stored for {} (until {}) is {}'s; the first attempt goes to {}", m.spec.domains(),
                        until.get(), by.get(), config.directory());
                return;
            }
            if (until.isPresent()) {
                synchronized (m) {
                    m.state = m.state.rateLimited(until.get());
                }
                LOG.warn("The CA rate-limited orders for {} until {}: not asking it before then", m.spec.domains(), until.get());
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the rate limit stored for {}: {}", m.spec.name(), e.getMessage());
        }
    }

    /** @param until when the limit of the CA {@code by} lifts, or empty to clear the stored limit */
    private void saveRateLimit(Managed m, Optional<Instant> until, @Nullable URI by) {
        try {
            if (until.isPresent() && by != null) {
                store.saveRateLimit(m.spec.name(), until.get(), by);
            } else {
                store.saveRateLimit(m.spec.name(), until);
            }
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
        // "autocert-<instance>-<thread>": the threads of one manager are told apart from another's (a redeployed WAR)
        int instance = INSTANCES.incrementAndGet();
        executor = Executors.newScheduledThreadPool(config.maxConcurrentOrders(), r -> {
            Thread t = new Thread(r, "autocert-" + instance + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Managed m : managed.values()) {
            synchronized (m) {
                schedule(m, RenewalSchedule.plan(m.state, clock.instant()));
                scheduleRenewalInfoCheck(m);
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
            m.state = m.state.forced(true);
            schedule(m, RenewalSchedule.requested(m.state, clock.instant()));
        }
        return true;
    }

    /**
     * Serves the certificate the store holds for {@code name} when it is newer than the one served: in a cluster,
     * another node stored it. Its renewal is planned anew; listeners hear of it as of a fresh one, so adapters
     * swap it into their keystores. While an attempt for it runs here, that attempt takes it up instead.
     *
     * @param name a certificate's name
     * @return whether another certificate went live
     */
    public boolean adoptStored(String name) {
        Managed m = managed.get(name);
        if (m == null) {
            return false;
        }
        Optional<CertifiedKey> stored;
        try {
            stored = store.loadCertificate(name);
        } catch (IOException e) {
            LOG.warn("Cannot load the certificate {} another node stored: {}", name, e.getMessage());
            return false;
        }
        if (stored.isEmpty()) {
            return false;
        }
        CertifiedKey key = stored.get();
        synchronized (m) {
            CertifiedKey current = live.served(name).orElse(null);
            if (m.running || current != null && (current.leaf().equals(key.leaf())
                    || key.notBefore().isBefore(current.notBefore()))) {
                return false;
            }
            install(m, key, true, null); // stored below, once the lock is released; which CA issued it is not known here
            m.lastError = null;
            m.state = m.state.succeeded();
            if (executor != null) {
                schedule(m, RenewalSchedule.plan(m.state, clock.instant()));
                scheduleRenewalInfoCheck(m);
            }
        }
        saveSchedule(m, key);
        LOG.info("Serving the certificate for {} stored by another node, valid until {}", m.spec.domains(), key.notAfter());
        tellInstalled(m, key, true);
        return true;
    }

    /** @return whether some certificate is due for an order now (missing, names changed, or due for renewal) */
    public boolean anyDue() {
        Instant now = clock.instant();
        for (Managed m : managed.values()) {
            synchronized (m) {
                if (RenewalSchedule.attemptNow(m.state, now)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return a snapshot of every managed certificate */
    public List<CertificateStatus> status() {
        List<CertificateStatus> out = new ArrayList<>();
        for (Managed m : managed.values()) {
            synchronized (m) {
                CertifiedKey current = live.served(m.spec.name()).orElse(null);
                out.add(new CertificateStatus(m.spec.name(), m.spec.domains(),
                        current == null ? null : current.notAfter(), m.next == null ? null : m.next.due(),
                        m.next == null ? null : m.next.reason(), m.state.failures(), m.lastError,
                        sources.get(issuer(m)).validatedBy(m.spec.domains()), List.of(), m.renewalInfoCheck,
                        current == null || m.issuedBy == null ? null : m.issuedBy.toString()));
            }
        }
        return out;
    }

    private void schedule(Managed m, RenewalSchedule.Plan plan) {
        if (m.future != null) {
            m.future.cancel(false);
        }
        m.next = plan;
        long delay = Math.max(0, Duration.between(clock.instant(), plan.at()).toMillis());
        if (executor != null && !executor.isShutdown()) {
            m.future = executor.schedule(() -> run(m), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void run(Managed m) {
        synchronized (m) {
            Instant now = clock.instant();
            if (!RenewalSchedule.attemptNow(m.state, now)) {
                schedule(m, RenewalSchedule.plan(m.state, now)); // woken early by the 12-hour cap, or still rate-limited
                return;
            }
        }
        if (!approvedAgain(m)) {
            return;
        }
        int ca;
        boolean sameCa;
        synchronized (m) {
            m.state = m.state.forced(false);
            m.running = true;
            ca = failover.next(m.state.failures());
            sameCa = ca == issuer(m);
        }
        CertifiedKey served = live.served(m.spec.name()).orElse(null);
        try {
            URI directory = config.authorities().get(ca).directory();
            LOG.info("{} certificate for {}{}", served == null ? "Obtaining" : "Renewing", m.spec.domains(),
                    sources.size() > 1 ? " from " + directory : "");
            // the ARI 'replaces' names a certificate of the CA that issued it: another CA cannot know it
            CertifiedKey issued = sources.get(ca).issue(m.spec, sameCa ? served : null);
            Diagnosis unsaved = save(m, issued);
            if (m.onDemand && unsaved == null) {
                saveOnDemand(m, true);
            }
            boolean wasLimited;
            install(m, issued, true, directory);
            saveSchedule(m, issued);
            synchronized (m) {
                m.running = false;
                m.approvalNeeded = m.onDemand;
                wasLimited = m.state.rateLimitedUntil() != null;
                m.state = m.state.succeeded();
                m.lastError = unsaved; // served, but a restart would lose it: status and JMX keep saying so
                schedule(m, RenewalSchedule.plan(m.state, clock.instant()));
                scheduleRenewalInfoCheck(m);
            }
            if (wasLimited) {
                saveRateLimit(m, Optional.empty(), null);
            }
            tellInstalled(m, issued, true);
            if (unsaved != null) {
                // after the install: a handshake waiting on demand for this name gets the certificate it is served
                listeners.forEach(l -> l.failed(m.spec, unsaved));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DiagnosedException e) {
            fail(m, ca, e.diagnosis(), e);
        } catch (RuntimeException e) {
            fail(m, ca, AcmeProblems.explain(e, config.authorities().get(ca).directory()), e);
        } finally {
            synchronized (m) {
                m.running = false;
            }
        }
    }

    /**
     * An on-demand certificate's renewal asks the approval again; when it refuses, the certificate is served until it
     * expires and never renewed, and a restart forgets it.
     *
     * @return whether the attempt may go on
     */
    private boolean approvedAgain(Managed m) {
        Predicate<String> approval = renewalApproval;
        synchronized (m) {
            if (m.dropped) {
                return false;
            }
            if (!m.approvalNeeded || approval == null) {
                return true;
            }
        }
        boolean approved;
        try {
            approved = approval.test(m.spec.name());
        } catch (RuntimeException e) {
            approved = true; // an approval that cannot judge does not take a site down
        }
        if (approved) {
            return true;
        }
        CertifiedKey served = live.served(m.spec.name()).orElse(null);
        synchronized (m) {
            m.dropped = true;
            m.next = null;
            if (m.future != null) {
                m.future.cancel(false);
            }
        }
        saveOnDemand(m, false);
        LOG.warn("Not renewing the on-demand certificate for {}: its approval now refuses the name;{}", m.spec.domains(),
                served == null ? " nothing is served for it" : " it is served until it expires at " + served.notAfter());
        return false;
    }

    private void saveOnDemand(Managed m, boolean onDemand) {
        try {
            store.saveOnDemand(m.spec.name(), onDemand);
        } catch (IOException e) {
            LOG.warn("Cannot store that {} is {} an on-demand certificate; a restart may {}: {}", m.spec.name(),
                    onDemand ? "" : "no longer", onDemand ? "obtain it again at its next handshake" : "serve it again",
                    e.getMessage());
        }
    }

    /** @return why the certificate could not be stored (the caller tells the listeners), or {@code null} when it was */
    private @Nullable Diagnosis save(Managed m, CertifiedKey issued) {
        try {
            store.saveCertificate(m.spec.name(), issued);
            return null;
        } catch (IOException e) {
            Diagnosis d = AcmeProblems.explain(e, config.directory());
            LOG.error("Certificate for {} is served but not saved, a restart would lose it: {}", m.spec.domains(), d.message());
            return d;
        }
    }

    /** @param ca the index of the CA the failed attempt went to */
    private void fail(Managed m, int ca, Diagnosis diagnosis, Exception e) {
        Instant now = clock.instant();
        Optional<Instant> limited = AcmeProblems.retryAfter(e).filter(now::isBefore);
        RenewalSchedule.Plan plan;
        int failures;
        boolean tellFailure;
        boolean movesOn;
        boolean wasLimited;
        CertifiedKey current = live.served(m.spec.name()).orElse(null);
        CertifiedKey expiring;
        synchronized (m) {
            m.running = false;
            movesOn = failover.movesOn(m.state.failures() + 1);
            wasLimited = m.state.rateLimitedUntil() != null;
            // a CA's rate limit (or spent validation budget) is that CA's: it does not hold back the next one
            m.state = movesOn ? m.state.failed(null).rateLimited(null) : m.state.failed(limited.orElse(null));
            m.lastError = diagnosis;
            failures = m.state.failures();
            plan = RenewalSchedule.afterFailure(m.state, now, backoff.delay(failover.backoffFailures(failures)));
            schedule(m, plan);
            tellFailure = RenewalSchedule.noticeDue(m.lastFailureNotice, FAILURE_NOTICE_INTERVAL, now);
            if (tellFailure) {
                m.lastFailureNotice = now;
            }
            expiring = current != null && isExpiring(current, now)
                    && RenewalSchedule.noticeDue(m.lastExpiryNotice, EXPIRY_NOTICE_INTERVAL, now) ? current : null;
            if (expiring != null) {
                m.lastExpiryNotice = now;
            }
        }
        if (!movesOn && limited.isPresent()) {
            saveRateLimit(m, limited, config.authorities().get(ca).directory());
        } else if (movesOn && wasLimited) {
            saveRateLimit(m, Optional.empty(), null);
        }
        if (movesOn) {
            LOG.warn("{}: {} attempts in a row failed at {}; the next attempts go to {} (caFailoverAfter={}), the next renewal"
                            + " starts again at {}. Last failure: {}", m.spec.domains(), config.caFailoverAfter(),
                    config.authorities().get(ca), config.authorities().get(failover.next(failures)),
                    config.caFailoverAfter(), config.directory(), diagnosis.message());
        }
        LOG.warn("Could not obtain the certificate for {} (attempt {}, next in {} s): {}", m.spec.domains(), failures,
                String.format(Locale.ROOT, "%.1f", Duration.between(now, plan.at()).toMillis() / 1000.0), diagnosis.message());
        LOG.debug("Details", e);
        if (tellFailure) {
            listeners.forEach(l -> l.failed(m.spec, diagnosis));
        }
        if (expiring != null) {
            if (now.isBefore(expiring.notAfter())) {
                LOG.error("The certificate for {} expires at {} and cannot be renewed: {}", m.spec.domains(),
                        expiring.notAfter(), diagnosis.message());
            } else {
                // an expired certificate still beats none: clients that accept it (or warn) keep working
                LOG.warn("The certificate for {} expired at {} and is still served, nothing newer could be obtained: {}",
                        m.spec.domains(), expiring.notAfter(), diagnosis.message());
            }
            listeners.forEach(l -> l.expiring(m.spec, expiring, diagnosis));
        }
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

    /**
     * Serves {@code key} and plans its renewal: a stored certificate keeps the decision stored with it, anything
     * else is decided by the lifetime rule until the CA's renewal window is known (asked at once). The caller
     * tells the listeners once no lock is held.
     */
    private boolean install(Managed m, CertifiedKey key, boolean fresh, @Nullable URI issuedBy) {
        Duration lifetime = Duration.between(key.notBefore(), key.notAfter());
        if (RenewalPolicy.marginIgnored(config.renewBefore(), lifetime)) {
            LOG.warn("renewBefore ({}) is not shorter than the certificate lifetime ({}); renewing by the lifetime rule",
                    config.renewBefore().get(), lifetime);
        }
        Optional<StoredSchedule> kept = fresh ? Optional.empty() : storedSchedule(m, key);
        boolean covers = new HashSet<>(key.names()).equals(new HashSet<>(m.spec.domains()));
        synchronized (m) {
            live.install(m.spec.name(), key);
            m.obtainedAt = fresh ? clock.instant() : null;
            if (kept.isPresent()) {
                m.state = m.state.served(kept.get().renewAt(), kept.get().reason(), covers);
                m.renewalInfoCheck = kept.get().renewalInfoCheck();
                m.issuedBy = kept.get().issuedBy();
            } else {
                m.issuedBy = issuedBy;
                RenewalPolicy.Decision d = policy.decide(key, null, clock.instant(), ThreadLocalRandom.current());
                m.state = m.state.served(d.at(), d.reason(), covers);
                m.renewalInfoCheck = clock.instant();
            }
        }
        return kept.isEmpty();
    }

    private Optional<StoredSchedule> storedSchedule(Managed m, CertifiedKey key) {
        try {
            return store.loadSchedule(m.spec.name()).filter(s -> s.serial().equals(key.leaf().getSerialNumber()));
        } catch (IOException e) {
            LOG.warn("Cannot read the renewal schedule stored for {}; deciding again: {}", m.spec.name(), e.getMessage());
            return Optional.empty();
        }
    }

    private void saveSchedule(Managed m, CertifiedKey key) {
        StoredSchedule schedule;
        synchronized (m) {
            schedule = new StoredSchedule(key.leaf().getSerialNumber(), m.state.renewAt(), m.state.renewReason(), m.renewalInfoCheck,
                    m.issuedBy);
        }
        try {
            store.saveSchedule(m.spec.name(), schedule);
        } catch (IOException e) {
            LOG.warn("Cannot store the renewal schedule of {}; a restart decides again: {}", m.spec.name(), e.getMessage());
        }
    }

    private void scheduleRenewalInfoCheck(Managed m) {
        if (m.renewalInfoFuture != null) {
            m.renewalInfoFuture.cancel(false);
        }
        if (m.renewalInfoCheck == null || executor == null || executor.isShutdown()) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), m.renewalInfoCheck).toMillis());
        m.renewalInfoFuture = executor.schedule(() -> checkRenewalInfo(m), delay, TimeUnit.MILLISECONDS);
    }

    /** Asks the CA when to renew the served certificate, and follows its window (RFC 9773). */
    private void checkRenewalInfo(Managed m) {
        CertifiedKey current = live.served(m.spec.name()).orElse(null);
        if (current == null) {
            return;
        }
        Optional<RenewalWindow> window;
        try {
            int ca;
            synchronized (m) {
                ca = issuer(m);
            }
            window = sources.get(ca).renewalWindow(current);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (DiagnosedException | RuntimeException e) {
            String why = e instanceof DiagnosedException d ? d.diagnosis().message() : e.toString();
            LOG.warn("Cannot ask the CA when to renew {}; keeping the renewal time, asking again in an hour: {}",
                    m.spec.domains(), why);
            synchronized (m) {
                m.renewalInfoCheck = clock.instant().plus(RENEWAL_INFO_RETRY);
                scheduleRenewalInfoCheck(m);
            }
            return;
        }
        Instant now = clock.instant();
        synchronized (m) {
            if (live.served(m.spec.name()).orElse(null) != current) {
                return; // renewed meanwhile: the new certificate has its own check
            }
            if (window.isEmpty()) {
                m.renewalInfoCheck = null; // the CA has no renewal information: the lifetime rule stays
            } else {
                RenewalWindow w = window.get();
                RenewalPolicy.Decision before = m.state.renewAt() == null ? null
                        : new RenewalPolicy.Decision(m.state.renewAt(), m.state.renewReason());
                RenewalPolicy.Decision d = policy.follow(current, w, before, now, ThreadLocalRandom.current());
                boolean changed = !d.equals(before);
                boolean justObtained = m.obtainedAt != null && now.isBefore(m.obtainedAt.plus(RENEWAL_INFO_RETRY));
                if (changed && !d.at().isAfter(now) && justObtained) {
                    // a CA asking at once to replace what it just issued would make a loop of orders: ask again later
                    LOG.warn("The CA suggests renewing {} now, right after issuing it (window {} to {}); asking again in an hour",
                            m.spec.domains(), w.start(), w.end());
                    m.renewalInfoCheck = now.plus(RENEWAL_INFO_RETRY);
                    scheduleRenewalInfoCheck(m);
                    return;
                }
                if (changed) {
                    m.state = m.state.served(d.at(), d.reason(), m.state.coversNames());
                    LOG.info("The CA suggests renewing {} between {} and {}: renewing at {} ({})", m.spec.domains(),
                            w.start(), w.end(), d.at(), d.reason());
                }
                m.renewalInfoCheck = w.checkAgainAt();
                if (!m.running && m.state.failures() == 0 && !m.state.forced()) {
                    schedule(m, RenewalSchedule.plan(m.state, now));
                }
            }
            scheduleRenewalInfoCheck(m);
        }
        saveSchedule(m, current);
    }

    /**
     * @return the index of the CA that issued the served certificate; the first when not known (a certificate stored
     *         before several CAs were listed, or by another node), which is where it came from before
     */
    private int issuer(Managed m) {
        List<CertificateAuthority> cas = config.authorities();
        for (int i = 0; i < cas.size(); i++) {
            if (cas.get(i).directory().equals(m.issuedBy)) {
                return i;
            }
        }
        return 0;
    }

    private void tellInstalled(Managed m, CertifiedKey key, boolean fresh) {
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
