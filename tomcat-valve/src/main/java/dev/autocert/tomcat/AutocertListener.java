package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.Adapter;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.status.AutocertJmx;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.tls.CertifiedKey;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.res.StringManager;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The one line that gives a Tomcat server automatic HTTPS:
 * <pre>{@code
 * <Listener className="dev.autocert.tomcat.AutocertListener"
 *           domains="example.com,www.example.com;api.example.com"
 *           email="ops@example.com" acceptTerms="true"/>
 * }</pre>
 * Before the server initialises it installs {@link AcmeChallengeValve} on every Engine, makes every
 * JSSE TLS connector choose certificates through Autocert (and answer {@code acme-tls/1}), gives every
 * connector on Tomcat's OpenSSL implementation one host per managed name ({@link OpenSslHosts}), adds an
 * HTTPS connector on {@code httpsPort} when there is none, and serves stored certificates at once.
 * Once the server has started it issues what is missing and keeps everything renewed. A bad setting
 * is logged with its fix and Tomcat starts without Autocert.
 * <p>Every attribute is a {@link Setting}, taken by {@link #setProperty} (server.xml) or {@link #set} (code):
 * the listener has no setter per setting, so a new setting needs no code here.
 */
public class AutocertListener implements LifecycleListener {

    private static final Log log = LogFactory.getLog(AutocertListener.class);
    private static final StringManager sm = StringManager.getManager(AutocertListener.class);

    /** Tomcat's name of the SSLHostConfig used without SNI. */
    private static final String DEFAULT_HOST = "_default_";

    /** The attribute of {@code <Listener>} that Tomcat's digester rule reads itself (skip the class if missing). */
    private static final String TOMCAT_OPTIONAL = "optional";

    private final Map<String, String> settings = new LinkedHashMap<>();
    private volatile AutocertJmx jmx;
    private Autocert autocert;
    private final List<ConnectorKeystore> keystores = new ArrayList<>();
    private final List<TomcatConnector> connectors = new ArrayList<>();
    private volatile boolean deferIssuing;
    private final AtomicBoolean issuing = new AtomicBoolean();

    /**
     * Takes one attribute of the {@code <Listener>} element: Tomcat's digester calls this for every attribute
     * that has no setter, which is every setting ({@link Setting}, README "Settings"). Names and values are
     * checked together when the server initialises, so a bad or unknown one is one SEVERE line naming it and the
     * fix (for a typo: the closest setting), and Tomcat starts without Autocert.
     *
     * @param name  the attribute, e.g. {@code domains}
     * @param value its value, with Tomcat's {@code ${...}} replaced
     * @return {@code false} only for Tomcat's own {@code optional} attribute, which the digester then leaves to
     *         its rule; {@code true} for everything else, which this listener reports itself: the digester's
     *         generic "failed to set property" warning would only repeat it, without the correction
     */
    public boolean setProperty(String name, String value) {
        if (TOMCAT_OPTIONAL.equals(name)) {
            return false;
        }
        settings.put(name, value);
        return true;
    }

    /**
     * Gives a setting from code (embedded Tomcat), before the server initialises; checked then, like the
     * attributes of server.xml.
     *
     * @param setting the setting
     * @param value   its value as it would be written in server.xml
     */
    public void set(Setting setting, String value) {
        settings.put(setting.key(), value);
    }

    /**
     * For embedding code whose container binds its connectors only after the {@code Server} has started (Spring
     * Boot's embedded Tomcat takes them out during start-up and puts them back once the application is ready):
     * issuing then waits for {@link #startIssuing()} instead of beginning on {@code AFTER_START}, so the CA never
     * validates against a port nobody listens on yet. Call before the server initialises.
     */
    public void deferIssuing() {
        deferIssuing = true;
    }

    /**
     * Starts issuing and renewing now (once; later calls do nothing), when {@link #deferIssuing()} was called and the
     * connectors accept connections. Does nothing before the server started or after a bad configuration.
     */
    public void startIssuing() {
        if (autocert == null || !issuing.compareAndSet(false, true)) {
            return;
        }
        reportConnectorsDown();
        autocert.start();
        jmx = AutocertJmx.register(autocert);
    }

    /** @return the running instance, for embedding code and tests; {@code null} before init or after a bad config */
    public Autocert getAutocert() {
        return autocert;
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (!(event.getLifecycle() instanceof Server server)) {
            if (Lifecycle.BEFORE_INIT_EVENT.equals(event.getType())) {
                log.error(sm.getString("listener.notServer", event.getLifecycle()));
            }
            return;
        }
        switch (event.getType()) {
            case Lifecycle.BEFORE_INIT_EVENT -> configure(server);
            case Lifecycle.AFTER_START_EVENT -> {
                if (!deferIssuing) {
                    startIssuing();
                }
            }
            case Lifecycle.BEFORE_STOP_EVENT -> {
                if (jmx != null) {
                    jmx.close();
                    jmx = null;
                }
                if (autocert != null) {
                    autocert.close();
                }
            }
            case Lifecycle.AFTER_DESTROY_EVENT -> {
                if (autocert != null) {
                    TomcatAutocert.release(autocert);
                }
                autocert = null;
                issuing.set(false);
            }
            default -> {
            }
        }
    }

    private void configure(Server server) {
        OwnJarScanSkip.apply();
        AutocertConfig config;
        try {
            config = AutocertConfig.parse(settings, server.getCatalinaBase().toPath().resolve("conf").resolve("autocert"),
                    Adapter.TOMCAT);
        } catch (ConfigException e) {
            log.error(sm.getString("listener.badConfig", e.getMessage()));
            return;
        }
        config.ineffective(Adapter.TOMCAT).forEach(log::warn);
        // first what the connectors can answer (the instance is made for it), then one pass that wires and binds
        Set<ChallengeType> answerable = EnumSet.noneOf(ChallengeType.class);
        List<Connector> tls = new ArrayList<>();
        List<Connector> openSslConnectors = new ArrayList<>();
        boolean anyTls = false;
        for (Service service : server.findServices()) {
            for (Connector c : service.findConnectors()) {
                if (!TomcatWiring.isTls(c)) {
                    answerable.add(ChallengeType.HTTP_01);
                    continue;
                }
                anyTls = true;
                String openSsl = TomcatWiring.openSslImplementation(c);
                if (openSsl != null) {
                    log.info(sm.getString("listener.openssl", c.toString(), openSsl));
                    openSslConnectors.add(c);
                } else {
                    tls.add(c);
                }
            }
        }
        if (!answerable.contains(ChallengeType.HTTP_01)) {
            log.warn(sm.getString("listener.noHttp"));
        }
        // no TLS connector at all (an OpenSSL one counts: it serves its own certificate): one is added below
        boolean addOwn = !anyTls && server.findServices().length > 0;
        if (!tls.isEmpty() || addOwn) {
            answerable.add(ChallengeType.TLS_ALPN_01);
        }
        autocert = Autocert.create(config, answerable);
        autocert.loadStored();
        Connector own = addOwn ? addConnector(server.findServices()[0], config, autocert.serving(config.certificates().get(0))) : null;
        if (own != null) {
            tls.add(own);
        }
        for (Service service : server.findServices()) {
            if (service.getContainer() != null) {
                TomcatWiring.addValve(service.getContainer(), autocert, config.statusPath().orElse(null),
                        config.statusRole().orElse(null));
            }
        }
        Path catalinaBase = server.getCatalinaBase().toPath();
        for (Connector c : tls) {
            TomcatWiring.wireTls(c, autocert);
            if (c != own) {
                log.info(sm.getString("listener.wrapped", c.toString()));
            }
            connectors.add(new TomcatConnector(c));
            keystores.addAll(ConnectorKeystore.of(c, catalinaBase));
        }
        for (Connector c : openSslConnectors) {
            if (TomcatWiring.serveOpenSsl(c, autocert)) {
                connectors.add(new TomcatConnector(c));
                keystores.addAll(ConnectorKeystore.of(c, catalinaBase));
            }
        }
        connectors.forEach(autocert::addConnector);
        autocert.prepare(); // account ready while Tomcat starts
        autocert.addListener(new Events());
        log.info(sm.getString("listener.started", config.certificates().size(), config.directory(), config.storage(),
                autocert.challengeTypes().stream().map(ChallengeType::acmeName).collect(Collectors.joining(", "))));
    }

    /** One warning per TLS connector Tomcat could not start: it serves nothing, whatever Autocert obtains. */
    private void reportConnectorsDown() {
        for (TomcatConnector c : connectors) {
            if (!c.serving()) {
                log.warn(sm.getString(c.portTakenByAnother() ? "listener.connectorPortTaken" : "listener.connectorDown",
                        c.name(), c.state(), String.valueOf(c.port())));
            }
        }
    }

    /** Adds the HTTPS connector, its keystore file holding {@code initial} (the stored certificate or a placeholder). */
    private @Nullable Connector addConnector(Service service, AutocertConfig config, CertifiedKey initial) {
        Path ownKeystore = config.storage().toAbsolutePath().resolve("connector").resolve("keystore.p12");
        try {
            Keystores.write(ownKeystore, initial, Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, config.keystorePassword().toCharArray());
        } catch (IOException e) {
            log.error(sm.getString("listener.keystoreFailed", ownKeystore, e.getMessage()));
            return null;
        }
        Connector c = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        c.setPort(config.httpsPort());
        config.httpsAddress().ifPresent(address -> c.setProperty("address", address));
        c.setScheme("https");
        c.setSecure(true);
        c.setProperty("SSLEnabled", "true");
        SSLHostConfig host = new SSLHostConfig();
        host.setHostName(DEFAULT_HOST);
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        cert.setCertificateKeystoreFile(ownKeystore.toAbsolutePath().toString());
        cert.setCertificateKeystorePassword(config.keystorePassword());
        cert.setCertificateKeystoreType("PKCS12");
        cert.setCertificateKeyAlias(FileStore.KEYSTORE_ALIAS);
        host.addCertificate(cert);
        c.addSslHostConfig(host);
        c.addUpgradeProtocol(new Http2Protocol()); // acme-tls/1 follows when it is wired
        service.addConnector(c);
        log.info(sm.getString("listener.addedConnector", config.httpsPort(), initial));
        return c;
    }

    /** Keeps connector keystore files holding a managed certificate's names in step with it. */
    private final class Events implements CertificateEvents {
        @Override
        public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
            if (!fresh) {
                return;
            }
            List<String> serving = autocert.servingConnectors();
            if (serving.isEmpty()) {
                log.warn(sm.getString("listener.storedNotServed", spec.domains(), certificate.notAfter()));
            } else {
                log.info(sm.getString("listener.installed", spec.domains(), certificate.notAfter(), serving));
            }
            for (ConnectorKeystore keystore : keystores) {
                if (!keystore.covers(spec)) {
                    continue;
                }
                if (!keystore.connector().getState().isAvailable()) {
                    log.warn(sm.getString("listener.reloadSkipped", keystore.connector(), keystore.file(),
                            keystore.connector().getState()));
                    continue;
                }
                try {
                    keystore.replaceWith(certificate);
                    log.info(sm.getString("listener.reloaded", keystore.connector(), keystore.file(), spec.domains()));
                } catch (IOException | RuntimeException e) {
                    log.warn(sm.getString("listener.reloadFailed", keystore.connector(), keystore.file(), e.getMessage()));
                }
            }
        }
    }
}
