package dev.autocert.jetty;

import dev.autocert.Autocert;
import dev.autocert.config.Adapter;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;
import dev.autocert.status.AutocertJmx;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Autocert in a Jetty 12 {@link Server}: one call wires everything, for an embedded server and for
 * the {@code autocert} module of a jetty-base ({@code etc/autocert.xml} calls {@link #installInBase}).
 * <pre>{@code
 * Server server = ...;  // with an HTTP connector and a TLS connector (SslContextFactory without keystore)
 * JettyAutocert.install(server, Map.of("domains", "example.com,www.example.com", "acceptTerms", "true",
 *         "email", "ops@example.com"), Path.of("autocert"));
 * server.start();
 * }</pre>
 * Call it after the connectors are added and before the server starts. It
 * <ul>
 * <li>inserts {@link AcmeChallengeHandler} below the Server (HTTP-01, ahead of every context; and the JSON
 * status at {@code statusPath}, for clients on this machine and, over HTTPS, for users of {@code statusRole} in
 * the Server's {@code LoginService});</li>
 * <li>puts an {@link AcmeTlsDetector} in front of every TLS connector's own factory (TLS-ALPN-01,
 * TLS-SNI-01);</li>
 * <li>gives those connectors' SslContextFactories Autocert's key manager: stored certificates at once,
 * temporary self-signed ones until the first issuance, new ones from the next handshake on
 * ({@code ConnectorCertificates});</li>
 * <li>starts issuing and renewing once the server has started, and stops with it.</li>
 * </ul>
 * A bad setting is logged at ERROR with its fix; the server then starts and serves without Autocert
 * (a TLS connector without any keystore gets a temporary self-signed certificate).
 */
public final class JettyAutocert extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(JettyAutocert.class);
    /** A URL such as {@code jdbc:postgresql://...} (two letters at least: {@code C:} is a Windows drive). */
    private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

    private volatile Autocert autocert;
    private volatile String problem;
    private volatile boolean deferIssuing;
    private final AtomicBoolean issuing = new AtomicBoolean();
    private volatile AutocertJmx jmx;

    private JettyAutocert() {
    }

    /**
     * @param server         a server that is not started, with its connectors
     * @param settings       setting name (see {@link dev.autocert.config.Setting}, those Jetty reads) to value;
     *                       {@code null} or blank values are ignored
     * @param defaultStorage the store folder when {@code storage} is not set
     * @return the installed instance
     */
    public static JettyAutocert install(Server server, Map<String, String> settings, Path defaultStorage) {
        return install(server, settings, defaultStorage, ConnectorCertificates.Passwords.NONE);
    }

    /**
     * For a TLS connector that already has a keystore: its certificates keep serving the names Autocert
     * does not manage, which needs its password (Jetty does not hand it out).
     *
     * @param server           a server that is not started, with its connectors
     * @param settings         setting name to value
     * @param defaultStorage   the store folder when {@code storage} is not set
     * @param keyStorePassword the password of the connector's keystore (also of its keys and trust store)
     * @return the installed instance
     */
    public static JettyAutocert install(Server server, Map<String, String> settings, Path defaultStorage, String keyStorePassword) {
        return install(server, settings, defaultStorage, new ConnectorCertificates.Passwords(keyStorePassword, null, null));
    }

    /**
     * Entry point of {@code etc/autocert.xml}.
     *
     * @param server             the server of the jetty-base
     * @param settings           the {@code jetty.autocert.*} properties by setting name
     * @param jettyBase          {@code jetty.base}; the default store is {@code $JETTY_BASE/etc/autocert}
     * @param keyStorePassword   {@code jetty.sslContext.keyStorePassword}, to keep an existing keystore's certificates
     * @param keyManagerPassword {@code jetty.sslContext.keyManagerPassword}
     * @param trustStorePassword {@code jetty.sslContext.trustStorePassword}, for client certificate authentication
     * @return the installed instance
     */
    public static JettyAutocert installInBase(Server server, Map<String, String> settings, String jettyBase,
                                              String keyStorePassword, String keyManagerPassword, String trustStorePassword) {
        return install(server, resolvedAgainst(Path.of(jettyBase), settings), Path.of(jettyBase, "etc", "autocert"),
                new ConnectorCertificates.Passwords(keyStorePassword, keyManagerPassword, trustStorePassword));
    }

    /**
     * @param base     {@code jetty.base}
     * @param settings the module's properties
     * @return the same, with relative paths of settings that name files resolved against {@code base}; URLs (a
     *         {@code jdbc:} storage) are left as they are
     */
    static Map<String, String> resolvedAgainst(Path base, Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            boolean path = value != null && !value.isBlank() && !URL_SCHEME.matcher(value.trim()).lookingAt()
                    && Setting.byKey(key).map(Setting::namesPath).orElse(false);
            out.put(key, path ? base.resolve(value.trim()).toString() : value);
        });
        return out;
    }

    private static JettyAutocert install(Server server, Map<String, String> settings, Path defaultStorage,
                                         ConnectorCertificates.Passwords passwords) {
        if (server.isStarted()) {
            throw new IllegalStateException("install Autocert before the server starts: its connectors cannot change later");
        }
        JettyAutocert installed = new JettyAutocert();
        server.addBean(installed);
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                if (!installed.deferIssuing) {
                    installed.startIssuing(); // only now do the connectors accept the CA's validation requests
                }
            }
        });
        Connectors connectors = Connectors.of(server);
        StatusPage statusPage = null;
        try {
            AutocertConfig config = AutocertConfig.parse(settings, defaultStorage, Adapter.JETTY);
            config.ineffective(Adapter.JETTY).forEach(LOG::warn);
            statusPage = StatusPage.of(config);
            installed.activate(config, connectors, passwords);
        } catch (ConfigException e) {
            installed.problem = e.getMessage();
            LOG.error("Autocert is not active: {}", e.getMessage());
            ConnectorCertificates.temporaryOnly(connectors.factories());
        }
        server.insertHandler(new AcmeChallengeHandler(installed::autocert, statusPage));
        return installed;
    }

    private void activate(AutocertConfig config, Connectors connectors, ConnectorCertificates.Passwords passwords) {
        Set<ChallengeType> answerable = EnumSet.noneOf(ChallengeType.class);
        if (connectors.http() > 0) {
            answerable.add(ChallengeType.HTTP_01);
        }
        if (!connectors.tls().isEmpty()) {
            answerable.add(ChallengeType.TLS_ALPN_01);
        } else {
            LOG.warn("Autocert found no TLS connector: certificates are obtained and stored but not served; "
                    + "enable the https module, or add a connector with an SslConnectionFactory before installing");
        }
        Autocert instance = Autocert.create(config, answerable);
        instance.loadStored();
        instance.prepare(); // account ready while Jetty starts
        instance.addListener(ConnectorCertificates.install(instance, connectors.factories(), passwords));
        for (ServerConnector c : connectors.tls()) {
            AcmeTlsDetector.insert(c, instance);
            instance.addConnector(new JettyConnector(c));
        }
        autocert = instance;
        LOG.info("Autocert manages {} certificate(s){} from {}, store {}, answering {} on {} TLS and {} HTTP connector(s)",
                config.certificates().size(), config.onDemand().enabled() ? " and on demand" : "", config.directories(), config.storage(),
                instance.challengeTypes().stream().map(ChallengeType::acmeName).collect(Collectors.joining(", ")),
                connectors.tls().size(), connectors.http());
    }

    /**
     * The server's connectors as Autocert sees them.
     *
     * @param tls  connectors with an {@link SslConnectionFactory}
     * @param http how many other connectors speak HTTP (HTTP-01 needs one)
     */
    private record Connectors(List<ServerConnector> tls, int http) {

        static Connectors of(Server server) {
            List<ServerConnector> tls = new ArrayList<>();
            int http = 0;
            for (Connector c : server.getConnectors()) {
                if (c instanceof ServerConnector sc && c.getConnectionFactory(SslConnectionFactory.class) != null) {
                    tls.add(sc);
                } else if (c.getConnectionFactory(HttpConnectionFactory.class) != null) {
                    http++;
                }
            }
            return new Connectors(List.copyOf(tls), http);
        }

        /** @return the distinct TLS configurations (connectors may share one) */
        List<SslContextFactory.Server> factories() {
            return tls.stream().map(c -> c.getConnectionFactory(SslConnectionFactory.class).getSslContextFactory())
                    .distinct().collect(Collectors.toList());
        }
    }

    /** @return the running instance (status, renewNow, events), or {@code null} when the configuration was bad */
    public Autocert autocert() {
        return autocert;
    }

    /** @return the configuration error that kept Autocert inactive, if any */
    public Optional<String> configurationProblem() {
        return Optional.ofNullable(problem);
    }

    /**
     * For embedding code whose server binds its connectors only after it has started (Spring Boot's embedded Jetty
     * adds them once the application is ready): issuing then waits for {@link #startIssuing()} instead of beginning
     * when the server has started, so the CA never validates against a port nobody listens on yet.
     */
    public void deferIssuing() {
        deferIssuing = true;
    }

    /**
     * Starts issuing and renewing (once; later calls do nothing). Called when the server has started, or by the
     * embedding code after {@link #deferIssuing()}. Does nothing after a bad configuration.
     */
    public void startIssuing() {
        Autocert instance = autocert;
        if (instance != null && issuing.compareAndSet(false, true)) {
            instance.start();
            jmx = AutocertJmx.register(instance);
        }
    }

    /** Stops issuing and renewing; the served certificates stay in the connectors. */
    @Override
    protected void doStop() throws Exception {
        if (jmx != null) {
            jmx.close();
            jmx = null;
        }
        Autocert instance = autocert;
        if (instance != null) {
            instance.close();
        }
        super.doStop();
    }
}
