package dev.autocert.acme;

import dev.autocert.challenge.ChallengePolicy;
import dev.autocert.challenge.ChallengeSolver;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateAuthority;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.IpAddresses;
import dev.autocert.diagnose.AcmeProblems;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.diagnose.Preflight;
import dev.autocert.renew.CertificateSource;
import dev.autocert.renew.RenewalWindow;
import dev.autocert.store.Store;
import dev.autocert.tls.CertifiedKey;
import org.jspecify.annotations.Nullable;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.toolbox.JSON;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Obtains one certificate from one CA: order, authorizations (answered by the enabled {@link ChallengeSolver}s,
 * all published and triggered at once), finalize with a fresh key, download the chain. There is one issuer per CA
 * of the {@code directory} list, each with its own account and failed-validation budget.
 */
public final class Issuer implements CertificateSource {

    private static final Logger LOG = LoggerFactory.getLogger(Issuer.class);
    /** The problem types of a new order refused for its {@code replaces}; see {@link #order}. */
    private static final Set<String> REPLACES_REFUSALS = Set.of("urn:ietf:params:acme:error:alreadyReplaced",
            "urn:ietf:params:acme:error:malformed", "urn:ietf:params:acme:error:unauthorized",
            "urn:ietf:params:acme:error:serverInternal");
    private static final Duration VALIDATION_TIMEOUT = Duration.ofMinutes(2);
    /** The CA's renewal window is asked for at most this often, whatever its Retry-After says... */
    private static final Duration ARI_SHORTEST = Duration.ofHours(6);
    /** ...and at least this often. */
    private static final Duration ARI_LONGEST = Duration.ofHours(24);
    private static final Set<Status> FINAL = EnumSet.of(Status.VALID, Status.INVALID, Status.DEACTIVATED,
            Status.EXPIRED, Status.REVOKED);

    private final AutocertConfig config;
    private final CertificateAuthority ca;
    private final Accounts accounts;
    private final Preflight preflight;
    /** How long an order that is done waits for its self-check to finish (a few names, each bounded by its timeouts). */
    private static final Duration PREFLIGHT_WAIT = Duration.ofSeconds(15);
    private final ChallengePolicy policy;
    private final Map<ChallengeType, ChallengeSolver> solvers = new LinkedHashMap<>();
    /** Challenge types that failed last time per name, tried last next time. */
    private final Map<String, Set<ChallengeType>> failedTypes = new ConcurrentHashMap<>();
    /** Merged with the store's at every order (a JNDI store exists only once the container started). */
    private final ValidationBudget budget = new ValidationBudget();
    private final Store store;
    /** The challenge type that last validated each name, for status. */
    private final Map<String, ChallengeType> validatedBy = new ConcurrentHashMap<>();

    /**
     * @param config  the settings
     * @param ca      the CA this issuer orders from, one of {@link AutocertConfig#authorities()}
     * @param store   where the account key lives
     * @param policy  which challenge answers which authorization
     * @param solvers one solver for each of the policy's {@linkplain ChallengePolicy#usable() usable} types
     */
    public Issuer(AutocertConfig config, CertificateAuthority ca, Store store, ChallengePolicy policy, List<ChallengeSolver> solvers) {
        this.config = config;
        this.ca = ca;
        this.policy = policy;
        this.store = store;
        this.accounts = new Accounts(config, ca, store);
        this.preflight = Preflight.of(config);
        for (ChallengeSolver s : solvers) {
            this.solvers.putIfAbsent(s.type(), s);
        }
    }

    /**
     * @param spec the certificate to obtain
     * @return the new key with its chain
     * @throws DiagnosedException   when the CA refuses or validation fails, explained
     * @throws InterruptedException when the server is stopping
     */
    @Override
    public CertifiedKey issue(CertificateSpec spec, @Nullable CertifiedKey replacing) throws DiagnosedException, InterruptedException {
        try {
            Optional<Instant> spent = budgetForOrder().spentUntil(spec.domains(), Instant.now());
            if (spent.isPresent()) {
                throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.VALIDATION_BUDGET,
                        "validation failed " + ValidationBudget.FAILURES + " times within the hour for a name of "
                                + spec.domains() + "; the CA is not asked again before " + spent.get(),
                        "fix the cause the earlier failures name; Autocert then retries by itself", "domains"), null, spent.get());
            }
            try (Accounts.Lent lent = accounts.lend()) {
                Login login = lent.login();
                Order order = order(login, spec, renewalInfo(login) ? replacing : null);
                authorize(order);
                Polling.until(order, order::getStatus, EnumSet.of(Status.READY, Status.VALID, Status.INVALID),
                        VALIDATION_TIMEOUT, "the order for " + spec.primaryDomain());
                KeyPair key = config.keyType().generate();
                order.execute(key, csr -> { // the order's identifiers become the CSR's SANs, addresses as IP SANs
                    if (spec.primaryDomain().length() <= 64 && !IpAddresses.isLiteral(spec.primaryDomain())) {
                        csr.setCommonName(spec.primaryDomain());
                    }
                });
                Status status = Polling.until(order, order::getStatus, FINAL, VALIDATION_TIMEOUT,
                        "the order for " + spec.primaryDomain());
                if (status != Status.VALID) {
                    throw new DiagnosedException(order.getError().map(p -> AcmeProblems.explain(p, spec.primaryDomain()))
                            .orElse(new Diagnosis(Diagnosis.Kind.CA_ERROR, "the order ended " + status,
                                    "retrying later", null)), null);
                }
                CertifiedKey issued = new CertifiedKey(key.getPrivate(), order.getCertificate().getCertificateChain());
                LOG.info("Certificate for {} issued by {} ({}), valid until {}", spec.domains(), ca.directory(),
                        issued.leaf().getIssuerX500Principal().getName(), issued.notAfter());
                return issued;
            }
        } catch (AcmeException | IOException | RuntimeException e) {
            throw new DiagnosedException(AcmeProblems.explain(e, ca.directory()), e);
        }
    }

    /**
     * @return the failed-validation budget with what the store holds now merged in: the failures of the last hour an
     *         earlier run stored, and, in a cluster, those other nodes saw since; what this node saw stays even when
     *         the store could not keep it
     */
    private synchronized ValidationBudget budgetForOrder() {
        try {
            budget.merge(store.loadValidationFailures(ca.directory()));
        } catch (IOException e) {
            LOG.warn("Cannot read the failed validations stored for {}; counting those this node saw: {}", ca.directory(), e.getMessage());
        }
        return budget;
    }

    /** Counts a failed validation and stores the budget, at once, so no merge of another order comes between. */
    private synchronized void failedValidation(String domain) {
        budget.failed(domain, Instant.now());
        try {
            store.saveValidationFailures(ca.directory(), budget.recent(Instant.now()));
        } catch (IOException e) {
            LOG.warn("Cannot store the failed validations for {}; a restart starts the budget full: {}", ca.directory(), e.getMessage());
        }
    }

    /**
     * Places the order, saying which certificate it replaces when there is one (RFC 9773 §5). A CA that
     * refuses the replacement gets the same order without it: the certificate matters more than the CA's
     * bookkeeping. Refusals seen: {@code alreadyReplaced} (an order lost in a crash), and {@code malformed},
     * {@code unauthorized} or {@code serverInternal} when the CA cannot match the certificate (Boulder's "parsing ARI
     * CertID failed", Pebble's "could not find an order for the given certificate" for serials with a leading zero
     * byte); resending the same {@code replaces} would fail the same way at every attempt until the certificate expired.
     */
    private Order order(Login login, CertificateSpec spec, @Nullable CertifiedKey replacing) throws AcmeException {
        OrderBuilder builder = login.getAccount().newOrder().identifiers(identifiers(spec));
        config.profile().ifPresent(builder::profile);
        if (replacing != null) {
            builder.replaces(replacing.leaf());
        }
        Order order;
        try {
            order = builder.create();
        } catch (AcmeServerException e) {
            if (replacing == null || !REPLACES_REFUSALS.contains(e.getType().toString())) {
                throw e;
            }
            LOG.warn("The CA refuses the certificate for {} (serial {}) as the one this order replaces ({}: {});"
                    + " ordering without 'replaces'", spec.domains(), replacing.leaf().getSerialNumber().toString(16),
                    e.getType(), e.getMessage());
            return order(login, spec, null);
        }
        Optional<String> replaces = order.getJSON().get("replaces").optional().map(JSON.Value::asString);
        LOG.info("Ordered a certificate for {} from {}{}", spec.domains(), ca.directory(),
                replaces.map(id -> ", replacing " + id + " (the CA's order says so)").orElse(""));
        return order;
    }

    /** @return the ACME identifiers of a certificate's names: {@code ip} for an address (RFC 8738), else {@code dns} */
    private static List<Identifier> identifiers(CertificateSpec spec) {
        return spec.domains().stream().map(d -> IpAddresses.isLiteral(d) ? Identifier.ip(d) : Identifier.dns(d)).toList();
    }

    /** @return whether the CA offers renewal information (ARI), read from its directory */
    private static boolean renewalInfo(Login login) throws AcmeException {
        return login.getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
    }

    /**
     * Asks the CA when to renew {@code certificate} (RFC 9773): its suggested window, and when to ask again (its
     * {@code Retry-After}, kept between 6 and 24 hours).
     *
     * @param certificate a certificate of this account
     * @return the window; empty when the CA offers no renewal information
     * @throws DiagnosedException when the CA cannot be asked
     */
    @Override
    public Optional<RenewalWindow> renewalWindow(CertifiedKey certificate) throws DiagnosedException {
        try {
            Login login = accounts.login();
            if (!renewalInfo(login)) {
                return Optional.empty();
            }
            RenewalInfo info = login.bindRenewalInfo(certificate.leaf());
            Instant now = Instant.now();
            Instant retry = info.fetch().orElse(now.plus(ARI_LONGEST));
            Instant checkAgain = retry.isBefore(now.plus(ARI_SHORTEST)) ? now.plus(ARI_SHORTEST)
                    : retry.isAfter(now.plus(ARI_LONGEST)) ? now.plus(ARI_LONGEST) : retry;
            return Optional.of(new RenewalWindow(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd(), checkAgain));
        } catch (AcmeException | IOException | RuntimeException e) {
            throw new DiagnosedException(AcmeProblems.explain(e, ca.directory()), e);
        }
    }

    /**
     * Connects to the CA and logs in (creating the account if needed) ahead of the first order, so a server
     * starting up does this while its container starts. Failures are left to the order, which explains them.
     */
    public void prepare() {
        try {
            accounts.login();
        } catch (AcmeException | IOException | DiagnosedException | RuntimeException e) {
            LOG.debug("Logging in ahead of the first order failed; the order will try again", e);
        }
    }

    /** Releases the connection to the CA; a later issuance reconnects. */
    public void close() {
        accounts.close();
    }

    /**
     * @param domains names of a certificate
     * @return the challenge types that last validated them here, e.g. {@code [http-01]}; empty before any
     */
    @Override
    public List<String> validatedBy(List<String> domains) {
        return domains.stream().map(d -> validatedBy.get(d.startsWith("*.") ? d.substring(2) : d))
                .filter(Objects::nonNull).map(ChallengeType::acmeName).distinct().toList();
    }

    /**
     * @param certificate a certificate this account obtained
     * @param reason      an RFC 5280 reason name, case-insensitive, with or without underscores
     * @throws DiagnosedException when the reason is unknown or the CA refuses
     */
    public void revoke(X509Certificate certificate, String reason) throws DiagnosedException {
        RevocationReason why = parseReason(reason);
        try {
            Certificate.revoke(accounts.login(), certificate, why);
            LOG.info("Revoked the certificate {} for {} ({})", certificate.getSerialNumber().toString(16),
                    CertifiedKey.names(certificate), why);
        } catch (AcmeException | IOException | RuntimeException e) {
            throw new DiagnosedException(AcmeProblems.explain(e, ca.directory()), e);
        }
    }

    /**
     * Replaces the account key at the CA, then in the store.
     *
     * @throws DiagnosedException when the CA refuses or the store cannot be written
     */
    public void rolloverAccountKey() throws DiagnosedException {
        try {
            accounts.rollover();
        } catch (AcmeException | IOException | RuntimeException e) {
            throw new DiagnosedException(AcmeProblems.explain(e, ca.directory()), e);
        }
    }

    private static RevocationReason parseReason(String reason) throws DiagnosedException {
        String wanted = reason == null || reason.isBlank() ? "unspecified" : reason.replace("_", "").trim();
        for (RevocationReason r : RevocationReason.values()) {
            if (r.name().replace("_", "").equalsIgnoreCase(wanted)) {
                return r;
            }
        }
        throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.INVALID_REQUEST, "'" + reason + "' is not a revocation reason",
                "use unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation", null), null);
    }

    private void authorize(Order order) throws AcmeException, DiagnosedException, InterruptedException {
        List<Pending> pending = new ArrayList<>();
        SelfCheck selfCheck = null;
        boolean validated = false;
        try {
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() != Status.VALID) {
                    pending.add(publish(auth));
                }
            }
            for (Pending p : pending) {
                awaitVisible(p);
            }
            // advisory, so beside the CA's validation rather than before it; its words land in the log either way
            selfCheck = startPreflight(pending);
            for (Pending p : pending) {
                p.challenge().trigger();
            }
            for (Pending p : pending) {
                Status s = Polling.until(p.auth(), p.auth()::getStatus, FINAL, VALIDATION_TIMEOUT,
                        "the authorization of " + p.domain());
                if (s != Status.VALID) {
                    p.challenge().fetch();
                    failedTypes.computeIfAbsent(p.domain(), d -> EnumSet.noneOf(ChallengeType.class)).add(p.type());
                    failedValidation(p.domain());
                    throw new DiagnosedException(p.challenge().getError().map(e -> explain(e, p))
                            .orElse(new Diagnosis(Diagnosis.Kind.CA_ERROR, p.domain() + ": the authorization ended " + s,
                                    "retrying later", null)), null);
                }
                failedTypes.remove(p.domain());
                validatedBy.put(p.domain(), p.type());
                LOG.info("{}: validated over {}", p.domain(), p.type().acmeName());
            }
            validated = true;
        } finally {
            if (selfCheck == null) {
                closeAll(pending);
            } else {
                SelfCheck check = selfCheck;
                closeAll(pending.stream().filter(p -> !check.checks(p)).toList());
                if (!validated) {
                    check.awaitEnd(PREFLIGHT_WAIT);
                }
                // validated: the order goes on while a slow self-check (a NAT without hairpinning, a resolver
                // timing out) ends by itself; whichever of the two ends last withdraws the answers it checks
                check.release();
            }
        }
    }

    private static void closeAll(List<Pending> pending) {
        for (Pending p : pending) {
            p.published().close();
        }
    }

    /**
     * @return the self-check of the HTTP-01 answers through the public name, running; {@code null} when there is
     *         none to do
     */
    private @Nullable SelfCheck startPreflight(List<Pending> pending) {
        List<Pending> http = pending.stream().filter(p -> p.type() == ChallengeType.HTTP_01).toList();
        if (!config.preflight() || http.isEmpty()) {
            return null;
        }
        return new SelfCheck(http, this::preflight);
    }

    /**
     * The self-check on a thread of its own. The answers it fetches must outlive both it (or it would report them
     * missing) and the CA's validation: the second of the two to {@link #release} withdraws them.
     */
    private static final class SelfCheck {
        private final List<Pending> answers;
        private final AtomicInteger holders = new AtomicInteger(2);
        private final Thread thread;

        SelfCheck(List<Pending> answers, Consumer<List<Pending>> check) {
            this.answers = answers;
            this.thread = new Thread(() -> {
                try {
                    check.accept(answers);
                } finally {
                    release();
                }
            }, "autocert-preflight");
            thread.setDaemon(true);
            thread.start();
        }

        boolean checks(Pending p) {
            return answers.contains(p);
        }

        /** Gives a failed attempt's self-check its time, bounded, since its diagnosis explains the CA's refusal. */
        void awaitEnd(Duration atMost) throws InterruptedException {
            thread.join(atMost.toMillis());
            thread.interrupt();
        }

        void release() {
            if (holders.decrementAndGet() == 0) {
                closeAll(answers);
            }
        }
    }

    /** Fetches each HTTP-01 answer through the public name; only logs, never blocks the order. */
    private void preflight(List<Pending> pending) {
        for (Pending p : pending) {
            if (p.type() == ChallengeType.HTTP_01 && p.challenge() instanceof Http01Challenge http) {
                preflight.check(p.domain(), http.getToken(), http.getAuthorization()).ifPresentOrElse(
                        d -> LOG.warn("{}: {} - asking the CA anyway", p.domain(), d.message()),
                        () -> LOG.info("{}: preflight passed, this server's answer is reachable", p.domain()));
            }
        }
    }

    private Pending publish(Authorization auth) throws DiagnosedException, InterruptedException {
        Identifier id = auth.getIdentifier();
        String identifier = Identifier.TYPE_IP.equals(id.getType()) ? IpAddresses.canonical(id.getIP()) : id.getDomain();
        // a wildcard's authorization names the base domain; "*." keeps it apart in logs and failure memory
        String domain = auth.isWildcard() ? "*." + identifier : identifier;
        ChallengeType type = choose(auth, domain);
        Challenge challenge = auth.findChallenge(type.acmeName()).orElseThrow();
        try {
            ChallengeSolver.Published published = solvers.get(type).publish(identifier, challenge);
            LOG.info("{}: answering {}", domain, type.acmeName());
            return new Pending(domain, type, auth, challenge, published);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new DiagnosedException(AcmeProblems.explain(e, ca.directory()), e);
        }
    }

    private void awaitVisible(Pending p) throws DiagnosedException, InterruptedException {
        try {
            p.published().awaitVisible();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new DiagnosedException(AcmeProblems.explain(e, ca.directory()), e);
        }
    }

    /** The CA's words on a failed challenge; for DNS-01 the fix is about the TXT record, not about reachability. */
    private static Diagnosis explain(Problem problem, Pending p) {
        Diagnosis d = AcmeProblems.explain(problem, p.domain());
        if (p.type() != ChallengeType.DNS_01 || d.kind() == Diagnosis.Kind.RATE_LIMITED) {
            return d;
        }
        String record = "_acme-challenge." + (p.domain().startsWith("*.") ? p.domain().substring(2) : p.domain());
        return new Diagnosis(d.kind(), d.evidence(), "make sure the TXT record " + record
                + " is published in the zone the CA resolves (public DNS, no split horizon); if the zone's servers"
                + " answer before every server has it, set dnsPropagationDelay", "dnsPropagationDelay");
    }

    private ChallengeType choose(Authorization auth, String domain) throws DiagnosedException {
        Set<ChallengeType> offered = auth.getChallenges().stream().map(Challenge::getType).map(ChallengeType::ofAcmeName)
                .flatMap(Optional::stream).collect(Collectors.toCollection(() -> EnumSet.noneOf(ChallengeType.class)));
        return policy.choose(domain, offered, failedTypes.getOrDefault(domain, Set.of()));
    }

    private record Pending(String domain, ChallengeType type, Authorization auth, Challenge challenge,
                           ChallengeSolver.Published published) {
    }
}
