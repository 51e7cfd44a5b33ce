package dev.autocert.ondemand;

import dev.autocert.config.CertificateSpec;
import dev.autocert.config.OnDemandSettings;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.renew.CertificateManager;
import dev.autocert.tls.CertifiedKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Decides, at a handshake for a name no certificate covers, whether to obtain one now ({@code onDemand}), and lets
 * the handshake wait for it. A name is ordered only when the registered predicate, {@code onDemandAllow} or
 * {@code onDemandAsk} approves it, and only within {@code onDemandRate} and {@code onDemandMax}. A refused name is
 * refused again without asking for {@code onDemandRefusedCache}, so a flood of random SNI reaches the ask endpoint
 * once per name and the CA never. Many handshakes for one new name share one approval and one order.
 */
public final class OnDemandGate implements CertificateEvents {

    /** What a handshake for an unknown name gets. */
    public enum Outcome {
        /** The name's certificate is live now. */
        SERVED,
        /** Not approved (or over a limit): nothing was ordered. */
        REFUSED,
        /** Approved and ordered, but not issued within {@code onDemandWait} (or the attempt failed): issuance goes on. */
        NOT_READY
    }

    private static final Logger LOG = LoggerFactory.getLogger(OnDemandGate.class);
    /** Warnings about the ask endpoint and the limits are logged at most this often. */
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    /** A name refused because the ask endpoint did not answer is asked again after this long at most. */
    static final Duration UNREACHABLE_CACHE = Duration.ofMinutes(1);
    /** How many refused names are remembered; the oldest are forgotten first (a flood of random names is bounded). */
    static final int REFUSED_NAMES = 100_000;
    /** The longest one call of the ask endpoint may take. */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final OnDemandSettings settings;
    private final CertificateManager manager;
    private final Clock clock;
    private final AllowList allowList;
    private final @Nullable AskEndpoint ask;
    private final AtomicReference<@Nullable Predicate<String>> predicate = new AtomicReference<>();
    /** Names being approved or issued: every handshake for one of them waits on the same future. */
    private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    /** Refused name → until when it stays refused; insertion order, bounded. Guarded by itself. */
    private final Map<String, Instant> refused = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REFUSED_NAMES;
        }
    };
    /** When the on-demand orders of the last minute were placed. Guarded by itself. */
    private final Deque<Instant> recentOrders = new ArrayDeque<>();
    private final Map<String, Instant> lastWarnings = new ConcurrentHashMap<>();

    /**
     * @param settings the on-demand settings ({@link OnDemandSettings#enabled()})
     * @param manager  where approved names become managed certificates; the gate listens to it
     * @param clock    the time source of the caches and limits
     */
    public OnDemandGate(OnDemandSettings settings, CertificateManager manager, Clock clock) {
        this.settings = settings;
        this.manager = manager;
        this.clock = clock;
        this.allowList = new AllowList(settings.allow());
        Duration askTimeout = settings.waitLimit().compareTo(ASK_TIMEOUT) < 0 ? settings.waitLimit() : ASK_TIMEOUT;
        this.ask = settings.ask().map(url -> new AskEndpoint(url, askTimeout)).orElse(null);
        manager.addListener(this);
        manager.approveRenewalsWith(this::stillApproved);
    }

    /**
     * @param approval approves names in code, before {@code onDemandAllow} and {@code onDemandAsk} are consulted: a name
     *                 it approves is ordered without asking; one it refuses still goes to them
     */
    public void approveWith(Predicate<String> approval) {
        predicate.set(approval);
    }

    /** @return whether something approves names: a predicate, {@code onDemandAllow} or {@code onDemandAsk} */
    public boolean canApprove() {
        return predicate.get() != null || !settings.allow().isEmpty() || ask != null;
    }

    /**
     * Called on the handshake's thread for a name that no served certificate covers; blocks up to {@code onDemandWait}.
     *
     * @param sni the name the client sent
     * @return whether the name's certificate is served now, was refused, or is not ready yet
     */
    public Outcome obtain(String sni) {
        String name = OnDemandSettings.orderableName(sni);
        if (name == null) {
            return Outcome.REFUSED;
        }
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> shared = pending.putIfAbsent(name, mine);
        if (shared == null) {
            decide(name, mine);
            shared = mine;
        }
        try {
            return shared.get(settings.waitLimit().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.NOT_READY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.NOT_READY;
        } catch (ExecutionException e) {
            return Outcome.NOT_READY;
        }
    }

    /** The first handshake for {@code name}: approval and limits, then the order; completes {@code future} when decided. */
    private void decide(String name, CompletableFuture<Outcome> future) {
        if (manager.manages(name)) {
            // managed already: served (another handshake's wait ended first), or an order under way or failed
            finish(name, future, manager.serves(name) ? Outcome.SERVED : Outcome.NOT_READY);
            return;
        }
        Instant now = clock.instant();
        if (isRefused(name, now)) {
            finish(name, future, Outcome.REFUSED);
            return;
        }
        int existing = manager.onDemandCount();
        if (existing >= settings.max()) {
            warn("max", "Refusing an on-demand certificate for {}: {} on-demand certificates exist (onDemandMax={})",
                    name, existing, settings.max());
            finish(name, future, Outcome.REFUSED);
            return;
        }
        // the rate is checked before asking (a full minute asks nobody) and taken once approved
        if (!hasRate(now)) {
            refuseOverRate(name, future);
            return;
        }
        Verdict verdict = approve(name);
        if (verdict != Verdict.APPROVED) {
            Duration keep = verdict == Verdict.UNREACHABLE && UNREACHABLE_CACHE.compareTo(settings.refusedCache()) < 0
                    ? UNREACHABLE_CACHE : settings.refusedCache();
            synchronized (refused) {
                refused.put(name, clock.instant().plus(keep));
            }
            LOG.debug("On-demand certificate for {} refused ({})", name, verdict);
            finish(name, future, Outcome.REFUSED);
            return;
        }
        if (!takeRate(clock.instant())) {
            refuseOverRate(name, future);
            return;
        }
        LOG.info("On-demand certificate for {} approved: obtaining it", name);
        // the future completes when the manager tells of the install or the failure
        if (manager.manageOnDemand(new CertificateSpec(List.of(name)), true)) {
            finish(name, future, Outcome.SERVED); // another node had stored it
        }
    }

    private void refuseOverRate(String name, CompletableFuture<Outcome> future) {
        warn("rate", "Refusing an on-demand certificate for {} for now: {} were ordered in the last minute (onDemandRate={})",
                name, settings.perMinute(), settings.perMinute());
        finish(name, future, Outcome.REFUSED);
    }

    /** The predicate first, then the allow-list, then the ask endpoint. */
    private Verdict approve(String name) {
        Predicate<String> p = predicate.get();
        try {
            if (p != null && p.test(name)) {
                return Verdict.APPROVED;
            }
        } catch (RuntimeException e) {
            warn("predicate", "The on-demand approval predicate failed for {}: {}", name, e.toString(), null);
        }
        if (allowList.allows(name)) {
            return Verdict.APPROVED;
        }
        if (ask == null) {
            return Verdict.REFUSED;
        }
        try {
            Verdict verdict = ask.ask(name);
            if (verdict == Verdict.UNREACHABLE) {
                warn("ask", "The on-demand ask endpoint {} does not answer (asked for {}): new names are refused, stored ones"
                        + " keep being served", ask, name, null);
            }
            return verdict;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.UNREACHABLE;
        }
    }

    /**
     * Before an on-demand certificate is renewed: a name that the approval now refuses is not renewed; one the ask
     * endpoint cannot judge (down) is, because a site kept up beats a strict answer.
     */
    private boolean stillApproved(String name) {
        return approve(name) != Verdict.REFUSED;
    }

    private boolean isRefused(String name, Instant now) {
        synchronized (refused) {
            Instant until = refused.get(name);
            if (until == null) {
                return false;
            }
            if (now.isBefore(until)) {
                return true;
            }
            refused.remove(name);
            return false;
        }
    }

    private boolean hasRate(Instant now) {
        synchronized (recentOrders) {
            while (!recentOrders.isEmpty() && !recentOrders.peekFirst().isAfter(now.minus(Duration.ofMinutes(1)))) {
                recentOrders.pollFirst();
            }
            return recentOrders.size() < settings.perMinute();
        }
    }

    private boolean takeRate(Instant now) {
        synchronized (recentOrders) {
            if (!hasRate(now)) {
                return false;
            }
            recentOrders.addLast(now);
            return true;
        }
    }

    private void finish(String name, CompletableFuture<Outcome> future, Outcome outcome) {
        pending.remove(name, future);
        future.complete(outcome);
    }

    private void warn(String topic, String format, Object a, Object b, @Nullable Object c) {
        Instant now = clock.instant();
        Instant last = lastWarnings.get(topic);
        if (last == null || !now.isBefore(last.plus(LOG_INTERVAL))) {
            lastWarnings.put(topic, now);
            LOG.warn(format, a, b, c);
        }
    }

    @Override
    public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
        CompletableFuture<Outcome> waiting = pending.get(spec.name());
        if (waiting != null) {
            finish(spec.name(), waiting, Outcome.SERVED);
        }
    }

    @Override
    public void failed(CertificateSpec spec, Diagnosis diagnosis) {
        CompletableFuture<Outcome> waiting = pending.get(spec.name());
        if (waiting != null) {
            finish(spec.name(), waiting, Outcome.NOT_READY);
        }
    }
}
