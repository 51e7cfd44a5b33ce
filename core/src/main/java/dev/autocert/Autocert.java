package dev.autocert;

import dev.autocert.acme.AccountThumbprint;
import dev.autocert.acme.Issuer;
import dev.autocert.challenge.BoardSolvers;
import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.challenge.ChallengePolicy;
import dev.autocert.challenge.ChallengeSolver;
import dev.autocert.challenge.Http01Responder;
import dev.autocert.challenge.SharedAnswers;
import dev.autocert.challenge.SharedSolver;
import dev.autocert.challenge.dns.Dns01Solver;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateAuthority;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.OnDemandSettings;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.ondemand.OnDemandGate;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.renew.CertificateManager;
import dev.autocert.renew.CertificateSource;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.renew.HookCommands;
import dev.autocert.renew.LeasedIssuance;
import dev.autocert.status.ServingConnector;
import dev.autocert.store.ClusterStore;
import dev.autocert.store.Store;
import dev.autocert.store.Stores;
import dev.autocert.store.jdbc.DataSourceLookup;
import dev.autocert.tls.AutocertKeyManager;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.LiveCertificates;
import dev.autocert.tls.SelfSigned;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One Autocert instance: the certificates of one configuration, the answers to the CA's challenges
 * and the schedule that keeps them renewed. Container adapters build one, route challenge requests
 * and TLS key selection to it, and start it once the container listens.
 *
 * <pre>{@code
 * Autocert autocert = Autocert.create(config, EnumSet.of(ChallengeType.HTTP_01));
 * autocert.loadStored();   // serve what the store has, no CA contact
 * autocert.start();        // issue what is missing, renew what is due
 * }</pre>
 */
public final class Autocert implements AutoCloseable {

    /** The name of the self-signed default certificate of an on-demand instance without {@code domains}. */
    public static final String DEFAULT_NAME = "autocert-default.invalid";
    private static final CertificateSpec DEFAULT_SPEC = new CertificateSpec(List.of(DEFAULT_NAME));

    private final AutocertConfig config;
    private final ChallengeBoard board = new ChallengeBoard();
    private final LiveCertificates live = new LiveCertificates();
    private final Http01Responder http01;
    private final Store store;
    private final CertificateManager manager;
    /** One issuer per CA of {@link AutocertConfig#authorities()}, in the same order. */
    private final List<Issuer> issuers = new ArrayList<>();
    private final HookCommands hooks;
    private final Dns01Solver dns01;
    private final List<ChallengeType> answered;
    private final List<ServingConnector> connectors = new CopyOnWriteArrayList<>();
    /** The store when it is shared by a cluster of nodes, else {@code null}. */
    private final ClusterStore cluster;
    /** Whether this instance opened the store (and closes it). */
    private final boolean ownsStore;
    /** Whether the cluster's change feed was started. */
    private final AtomicBoolean watching = new AtomicBoolean();
    /** Obtains certificates for unknown names at their first handshake; {@code null} without {@code onDemand}. */
    private final @Nullable OnDemandGate onDemand;

    private Autocert(AutocertConfig config, Set<ChallengeType> answerable, Store store, boolean ownsStore) {
        this.config = config;
        this.store = store;
        this.ownsStore = ownsStore;
        this.cluster = store instanceof ClusterStore c ? c : null;
        if (cluster != null) {
            board.fallBackTo(new SharedAnswers(cluster.challenges()));
        }
        ChallengePolicy policy = ChallengePolicy.of(config, answerable);
        this.answered = policy.usable();
        this.dns01 = answered.contains(ChallengeType.DNS_01) ? new Dns01Solver(config.dns()) : null;
        List<ChallengeSolver> solvers = new ArrayList<>();
        for (ChallengeType type : answered) {
            solvers.add(switch (type) {
                case HTTP_01 -> shared(BoardSolvers.http01(board));
                case TLS_ALPN_01 -> shared(BoardSolvers.tlsAlpn01(board));
                case TLS_SNI_01 -> BoardSolvers.tlsSni01(board);
                case DNS_01 -> dns01;
            });
        }
        List<CertificateSource> sources = new ArrayList<>();
        for (CertificateAuthority ca : config.authorities()) {
            Issuer issuer = new Issuer(config, ca, store, policy, solvers);
            issuers.add(issuer);
            sources.add(cluster == null ? issuer : new LeasedIssuance(issuer, cluster, store, this::served, Duration.ofSeconds(1)));
        }
        this.http01 = config.http01Stateless()
                ? new Http01Responder(board, new AccountThumbprint(store, config.directory())::current)
                : new Http01Responder(board);
        this.manager = new CertificateManager(config, store, sources, live);
        this.onDemand = config.onDemand().enabled() ? new OnDemandGate(config.onDemand(), manager, Clock.systemUTC()) : null;
        this.hooks = new HookCommands(config, store);
        if (hooks.any()) {
            manager.addListener(hooks);
        }
    }

    /**
     * @param config     validated settings
     * @param answerable what the container can serve: {@link ChallengeType#HTTP_01} (an HTTP connector reaching
     *                   the challenge path) and/or {@link ChallengeType#TLS_ALPN_01} (a TLS connector whose
     *                   certificate Autocert picks per handshake); {@link ChallengePolicy} derives the rest
     * @return a new, not yet started instance
     */
    public static Autocert create(AutocertConfig config, Set<ChallengeType> answerable) {
        return new Autocert(config, copy(answerable), Stores.open(config), true);
    }

    /**
     * @param config     validated settings
     * @param answerable what the container can serve, as for {@link #create(AutocertConfig, Set)}
     * @param lookup     where the container keeps the {@code DataSource} a JNDI name in {@code storage} names
     * @return a new, not yet started instance on the store {@code storage} names
     */
    public static Autocert create(AutocertConfig config, Set<ChallengeType> answerable, DataSourceLookup lookup) {
        return new Autocert(config, copy(answerable), Stores.open(config, lookup), true);
    }

    /**
     * @param config     validated settings
     * @param answerable what the container can serve, as for {@link #create(AutocertConfig, Set)}
     * @param store      where accounts, certificates and schedules survive restarts
     * @return a new, not yet started instance on that store
     */
    public static Autocert create(AutocertConfig config, Set<ChallengeType> answerable, Store store) {
        return new Autocert(config, copy(answerable), store, false);
    }

    private static Set<ChallengeType> copy(Set<ChallengeType> answerable) {
        return answerable.isEmpty() ? EnumSet.noneOf(ChallengeType.class) : EnumSet.copyOf(answerable);
    }

    /** In a cluster, an answer goes to the shared store too, so whichever node the CA reaches can give it. */
    private ChallengeSolver shared(ChallengeSolver onBoard) {
        return cluster == null ? onBoard : new SharedSolver(onBoard, cluster.challenges());
    }

    /** @return the settings */
    public AutocertConfig config() {
        return config;
    }

    /** @return the challenge types this instance answers, in default preference order */
    public List<ChallengeType> challengeTypes() {
        return answered;
    }

    /** @return the pending challenge answers */
    public ChallengeBoard challengeBoard() {
        return board;
    }

    /** @return the HTTP-01 responder shared by every HTTP adapter */
    public Http01Responder http01() {
        return http01;
    }

    /** @return the certificates being served */
    public LiveCertificates liveCertificates() {
        return live;
    }

    /** @return the store */
    public Store store() {
        return store;
    }

    /**
     * @param delegate the container's key manager for names Autocert does not manage, or {@code null}
     * @return a key manager that serves Autocert's certificates and challenge answers per handshake
     */
    public AutocertKeyManager keyManager(@Nullable X509ExtendedKeyManager delegate) {
        return keyManager(delegate, null);
    }

    /**
     * @param delegate    the container's key manager, or {@code null}
     * @param defaultName the managed name to serve to clients whose SNI neither Autocert nor the delegate covers, and
     *                    to those without SNI unless an IP address is managed (such clients connect to an address: they
     *                    get the certificate of the first one listed in {@code domains})
     * @return a key manager like {@link #keyManager(X509ExtendedKeyManager)} with that default
     */
    public AutocertKeyManager keyManager(@Nullable X509ExtendedKeyManager delegate, @Nullable String defaultName) {
        return new AutocertKeyManager(delegate, live, board, defaultName, config.firstAddress().orElse(null), onDemand,
                config.onDemand().refused() == OnDemandSettings.Refused.FAIL);
    }

    /**
     * Approves names for on-demand certificates in code ({@code onDemand}), e.g. against the application's table of
     * its customers' domains. Called on the first handshake for a name nothing covers, and again before each renewal
     * of its certificate; it must be quick (it holds that handshake) and may be called concurrently. A name it refuses
     * still goes to {@code onDemandAllow} and {@code onDemandAsk} when they are set.
     *
     * @param approval {@code true} for a name to obtain a certificate for
     * @throws IllegalStateException when {@code onDemand} is not on
     */
    public void approveOnDemand(Predicate<String> approval) {
        if (onDemand == null) {
            throw new IllegalStateException("onDemand is off: set onDemand=\"true\" to approve names on demand");
        }
        onDemand.approveWith(approval);
    }

    /**
     * @return the certificate a connector that needs one before the first handshake starts with, and handshakes for
     *         names nothing covers get: the first of {@code domains}, or with {@code onDemand} and no {@code domains} a
     *         self-signed one for the name {@value #DEFAULT_NAME}
     */
    public CertificateSpec defaultCertificate() {
        return config.certificates().isEmpty() ? DEFAULT_SPEC : config.certificates().get(0);
    }

    /** @param listener told when a certificate goes live or an attempt fails */
    public void addListener(CertificateEvents listener) {
        manager.addListener(listener);
    }

    /**
     * Serves the stored certificates at once, with no CA contact.
     *
     * @return how many were loaded
     */
    public int loadStored() {
        return manager.loadStored();
    }

    /**
     * Starts issuing and renewing in the background; in a cluster, also takes up the certificates other nodes
     * store.
     */
    public void start() {
        if (onDemand != null && !onDemand.canApprove()) {
            throw new IllegalStateException("onDemand is on, but nothing approves a name: set onDemandAsk or onDemandAllow,"
                    + " or register a predicate with Autocert.approveOnDemand before start");
        }
        manager.start();
        if (cluster != null && watching.compareAndSet(false, true)) {
            cluster.watch(manager::adoptStored);
        }
    }

    /**
     * @param name a certificate's name
     * @return whether such a certificate exists (its renewal then starts now)
     */
    public boolean renewNow(String name) {
        return manager.renewNow(name);
    }

    /**
     * Revokes the served certificate of {@code name} at the CA and obtains a new one at once.
     *
     * @param name   a certificate's name
     * @param reason an RFC 5280 reason, e.g. {@code keyCompromise}, {@code superseded}, or {@code unspecified}
     * @throws DiagnosedException when nothing is served under that name or the CA refuses
     */
    public void revoke(String name, String reason) throws DiagnosedException {
        CertifiedKey current = served(name).orElseThrow(() -> new DiagnosedException(new Diagnosis(
                Diagnosis.Kind.INVALID_REQUEST, "no issued certificate is served under the name " + name,
                "name a managed certificate that has been issued", null), null));
        issuerOf(name).revoke(current.leaf(), reason);
        manager.renewNow(name);
    }

    /** @return the issuer of the CA that issued the certificate served under {@code name}; the first when not known */
    private Issuer issuerOf(String name) {
        Optional<String> issuedBy = manager.status().stream().filter(s -> s.name().equals(name))
                .map(CertificateStatus::issuedBy).filter(d -> d != null).findFirst();
        for (int i = 0; i < issuers.size(); i++) {
            if (issuedBy.isPresent() && config.authorities().get(i).directory().toString().equals(issuedBy.get())) {
                return issuers.get(i);
            }
        }
        return issuers.get(0);
    }

    /**
     * Replaces the ACME account's key (RFC 8555 §7.3.5) at the first CA and at every other CA of {@code directory}
     * where an account exists; each new key is stored once its CA accepted it.
     *
     * @throws DiagnosedException when a CA refuses or the store cannot be written (the CAs before it rolled over)
     */
    public void rolloverAccountKey() throws DiagnosedException {
        for (int i = 0; i < issuers.size(); i++) {
            if (i == 0 || hasAccount(config.authorities().get(i))) {
                issuers.get(i).rolloverAccountKey();
            }
        }
    }

    private boolean hasAccount(CertificateAuthority ca) {
        try {
            return store.loadAccountKey(ca.directory()).isPresent();
        } catch (IOException e) {
            return true; // let the rollover say what is wrong with the store
        }
    }

    /**
     * When a certificate is due (after {@link #loadStored}), connects to the CA and logs in on a thread of its
     * own, so the first order finds the account ready. For adapters that can call it while their container
     * is still starting; without a due certificate the CA is not contacted at all, unless {@code onDemand} is on
     * (the first handshake for a new name then finds the account ready).
     */
    public void prepare() {
        if (!manager.anyDue() && onDemand == null) {
            return;
        }
        Thread t = new Thread(issuers.get(0)::prepare, "autocert-prepare");
        t.setDaemon(true);
        t.start();
    }

    /** @return the state of every certificate, with the connectors serving it */
    public List<CertificateStatus> status() {
        List<String> serving = servingConnectors();
        return manager.status().stream().map(s -> s.servedBy(serving)).toList();
    }

    /**
     * Tells status and JMX about a TLS connector that serves the managed certificates (every one, chosen per
     * handshake), so they can say which connectors actually serve.
     *
     * @param connector the adapter's view of the connector
     */
    public void addConnector(ServingConnector connector) {
        connectors.add(connector);
    }

    /** @return the names of the connectors {@linkplain #addConnector added} that are serving now */
    public List<String> servingConnectors() {
        return connectors.stream().filter(ServingConnector::serving).map(ServingConnector::name).toList();
    }

    /**
     * @param name a managed certificate's name ({@link CertificateSpec#name()})
     * @return the issued or stored certificate served under it; never a placeholder
     */
    public Optional<CertifiedKey> served(String name) {
        return live.served(name);
    }

    /**
     * Serves a temporary self-signed certificate for every managed certificate that serves nothing yet (call
     * after {@link #loadStored}), so a TLS connector starts and completes handshakes before the first
     * issuance; the issued certificate replaces it on the next handshake. Status and JMX never show it. With
     * {@code onDemand} and no {@code domains}, the {@linkplain #defaultCertificate() default certificate} is the only one.
     */
    public void servePlaceholders() {
        config.certificates().forEach(this::serving);
        serving(defaultCertificate());
    }

    /**
     * @param spec a managed certificate
     * @return what its handshakes get now: the issued or stored certificate, else its placeholder (served
     *         here if none was yet), for connectors that need a keystore file before they start
     */
    public CertifiedKey serving(CertificateSpec spec) {
        if (live.serving(spec.name()).isEmpty()) {
            live.servePlaceholder(spec.name(), SelfSigned.temporary(spec.domains(), config.keyType()));
        }
        return live.serving(spec.name()).orElseThrow();
    }

    /** Stops the background work; served certificates stay served, DNS-01 records still published are deleted. */
    @Override
    public void close() {
        manager.close();
        hooks.close();
        issuers.forEach(Issuer::close);
        if (dns01 != null) {
            dns01.close();
        }
        if (ownsStore && store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing a store releases connections; nothing is lost when it fails
            }
        }
    }
}
