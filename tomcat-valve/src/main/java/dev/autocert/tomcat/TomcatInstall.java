package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.Adapter;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.ChallengeType;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.status.AutocertJmx;
import dev.autocert.store.FileStore;
import dev.autocert.store.Store;
import dev.autocert.tls.CertifiedKey;
import org.apache.catalina.Lifecycle;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Autocert installed into one Tomcat {@code Server}, before it initialises: {@link AcmeChallengeValve} on every
 * Engine, every JSSE TLS connector choosing certificates through Autocert (and answering {@code acme-tls/1}),
 * one host per managed name on connectors of Tomcat's OpenSSL implementation ({@link OpenSslHosts}), an HTTPS
 * connector on {@code httpsPort} when there is none, stored certificates served at once, and connector keystores
 * rewritten on renewal. {@link AutocertListener} (the one line of {@code server.xml}) is a thin caller;
 * embedding code can use this directly:
 * <pre>{@code
 * TomcatInstall installed = TomcatInstall.install(tomcat.getServer(), config, store);
 * tomcat.start();
 * installed.startIssuing();   // once the connectors accept connections
 * }</pre>
 */
public final class TomcatInstall {

    private static final Log log = LogFactory.getLog(TomcatInstall.class);
    private static final StringManager sm = StringManager.getManager(TomcatInstall.class);

    /** Tomcat's name of the SSLHostConfig used without SNI. */
    private static final String DEFAULT_HOST = "_default_";

    private final Autocert autocert;
    private final List<ConnectorKeystore> keystores = new ArrayList<>();
    private final List<TomcatConnector> connectors = new ArrayList<>();
    private final AtomicBoolean issuing = new AtomicBoolean();
    private volatile @Nullable AutocertJmx jmx;

    private TomcatInstall(Server server, AutocertConfig config, @Nullable Store store) {
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
        autocert = store == null ? Autocert.create(config, answerable, new GlobalResources(server))
                : Autocert.create(config, answerable, store);
        boolean namedLater = store == null && config.storageDataSource().isPresent();
        if (namedLater) {
            // the global DataSource exists once the server starts, before its connectors accept connections
            server.addLifecycleListener(event -> {
                if (Lifecycle.CONFIGURE_START_EVENT.equals(event.getType())) {
                    autocert.loadStored();
                    autocert.prepare();
                }
            });
        } else {
            autocert.loadStored();
        }
        CertifiedKey initial = addOwn ? autocert.serving(autocert.defaultCertificate()) : null;
        Connector own = addOwn ? addConnector(server.findServices()[0], config, initial) : null;
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
            // the added connector's keystore was written just now: its names are known without decrypting it again
            keystores.addAll(c == own ? List.of(ConnectorKeystore.written(c, DEFAULT_HOST, ownKeystore(config),
                    config.keystorePassword(), initial.names())) : ConnectorKeystore.of(c, catalinaBase));
        }
        for (Connector c : openSslConnectors) {
            if (config.onDemand().enabled()) {
                log.warn(sm.getString("listener.onDemandOpenSsl", c.toString()));
            }
            if (TomcatWiring.serveOpenSsl(c, autocert)) {
                connectors.add(new TomcatConnector(c));
                keystores.addAll(ConnectorKeystore.of(c, catalinaBase));
            }
        }
        connectors.forEach(autocert::addConnector);
        if (!namedLater) {
            autocert.prepare(); // account ready while Tomcat starts
        }
        autocert.addListener(new Events());
        log.info(sm.getString("listener.started", config.certificates().size(), config.directories(), config.storage(),
                autocert.challengeTypes().stream().map(ChallengeType::acmeName).collect(Collectors.joining(", ")),
                config.onDemand().enabled() ? " and on demand" : ""));
    }

    /**
     * @param server a Tomcat server that has not initialised yet
     * @param config validated settings
     * @return Autocert installed into it, on the store {@code storage} names
     */
    public static TomcatInstall install(Server server, AutocertConfig config) {
        return new TomcatInstall(server, config, null);
    }

    /**
     * @param server a Tomcat server that has not initialised yet
     * @param config validated settings
     * @param store  where accounts and certificates are kept (closed by its owner, not here)
     * @return Autocert installed into it, on that store
     */
    public static TomcatInstall install(Server server, AutocertConfig config, Store store) {
        return new TomcatInstall(server, config, store);
    }

    /** @return the instance serving this server */
    public Autocert autocert() {
        return autocert;
    }

    /**
     * Starts issuing and renewing (once; later calls do nothing): when the connectors accept connections, so the
     * CA never validates against a port nobody listens on yet.
     */
    public void startIssuing() {
        if (!issuing.compareAndSet(false, true)) {
            return;
        }
        reportConnectorsDown();
        autocert.start();
        jmx = AutocertJmx.register(autocert);
    }

    /** Stops issuing and renewing; the connectors keep serving what they have. */
    public void stop() {
        AutocertJmx registered = jmx;
        if (registered != null) {
            registered.close();
            jmx = null;
        }
        autocert.close();
    }

    /** Forgets the Tomcat parts bound to the instance (the server was destroyed). */
    public void release() {
        TomcatAutocert.release(autocert);
        issuing.set(false);
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

    /** @return the keystore file of the HTTPS connector Autocert adds */
    private static Path ownKeystore(AutocertConfig config) {
        return config.storage().toAbsolutePath().resolve("connector").resolve("keystore.p12");
    }

    /** Adds the HTTPS connector, its keystore file holding {@code initial} (the stored certificate or a placeholder). */
    private @Nullable Connector addConnector(Service service, AutocertConfig config, CertifiedKey initial) {
        Path ownKeystore = ownKeystore(config);
        try {
            ConnectorKeystore.writeUnlessCurrent(ownKeystore, initial, config.keystorePassword());
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
