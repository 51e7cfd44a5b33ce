package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.status.AutocertJmx;
import dev.autocert.store.AtomicFiles;
import dev.autocert.store.FileStore;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.UpgradeProtocol;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.res.StringManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one line that gives a Tomcat server automatic HTTPS:
 * <pre>{@code
 * <Listener className="dev.autocert.tomcat.AutocertListener"
 *           domains="example.com,www.example.com;api.example.com"
 *           email="ops@example.com" acceptTerms="true"/>
 * }</pre>
 * Before the server initialises it installs {@link AcmeChallengeValve} on every Engine, makes every
 * JSSE TLS connector choose certificates through Autocert (and answer {@code acme-tls/1}), adds an
 * HTTPS connector on {@code httpsPort} when there is none, and serves stored certificates at once.
 * Once the server has started it issues what is missing and keeps everything renewed. A bad setting
 * is logged with its fix and Tomcat starts without Autocert.
 */
public class AutocertListener implements LifecycleListener {

    private static final Log log = LogFactory.getLog(AutocertListener.class);
    private static final StringManager sm = StringManager.getManager(AutocertListener.class);

    /** Tomcat's name of the SSLHostConfig used without SNI. */
    private static final String DEFAULT_HOST = "_default_";

    private final Map<String, String> settings = new LinkedHashMap<>();
    private int httpsPort = 8443;
    private String statusPath;
    private String statusRole;
    private AutocertJmx jmx;
    private String httpsAddress;
    private Autocert autocert;
    private final List<ConnectorKeystore> keystores = new ArrayList<>();
    private final List<TomcatConnector> connectors = new ArrayList<>();

    // ---- attributes, one per setting (see README "Settings") ----

    /** @param value certificates to manage: names by {@code ,}, certificates by {@code ;} */
    public void setDomains(String value) {
        settings.put(Setting.DOMAINS.key(), value);
    }

    /** @param value ACME directory URL, {@code letsencrypt} or {@code letsencrypt-staging} */
    public void setDirectory(String value) {
        settings.put(Setting.DIRECTORY.key(), value);
    }

    /** @param value the account's contact address */
    public void setEmail(String value) {
        settings.put(Setting.EMAIL.key(), value);
    }

    /** @param value {@code true} to accept the CA's terms of service */
    public void setAcceptTerms(String value) {
        settings.put(Setting.ACCEPT_TERMS.key(), value);
    }

    /** @param value ec256, ec384, rsa2048 or rsa4096 */
    public void setKeyType(String value) {
        settings.put(Setting.KEY_TYPE.key(), value);
    }

    /** @param value challenge types in preference order, e.g. {@code tls-alpn-01,http-01} */
    public void setChallenges(String value) {
        settings.put(Setting.CHALLENGES.key(), value);
    }

    /** @param value the store folder */
    public void setStorage(String value) {
        settings.put(Setting.STORAGE.key(), value);
    }

    /** @param value renew this long before expiry, e.g. {@code 30d} */
    public void setRenewBefore(String value) {
        settings.put(Setting.RENEW_BEFORE.key(), value);
    }

    /** @param value PEM file of extra roots for the CA's HTTPS */
    public void setCaTrust(String value) {
        settings.put(Setting.CA_TRUST.key(), value);
    }

    /** @param value External Account Binding key id */
    public void setEabKid(String value) {
        settings.put(Setting.EAB_KID.key(), value);
    }

    /** @param value External Account Binding MAC key */
    public void setEabHmacKey(String value) {
        settings.put(Setting.EAB_HMAC_KEY.key(), value);
    }

    /** @param value ACME profile name */
    public void setProfile(String value) {
        settings.put(Setting.PROFILE.key(), value);
    }

    /** @param value password of the written PKCS#12 files */
    public void setKeystorePassword(String value) {
        settings.put(Setting.KEYSTORE_PASSWORD.key(), value);
    }

    /** @param value first retry delay after a failure, e.g. {@code 1m} */
    public void setRetryDelay(String value) {
        settings.put(Setting.RETRY_DELAY.key(), value);
    }

    /** @param value how many orders may run at once */
    public void setMaxConcurrentOrders(String value) {
        settings.put(Setting.MAX_CONCURRENT_ORDERS.key(), value);
    }

    // ---- DNS-01 (README: DNS-01) ----

    /** @param value executable called as {@code <hook> add|remove <record name> <value>} to publish DNS-01 TXT records */
    public void setDnsHook(String value) {
        settings.put(Setting.DNS_HOOK.key(), value);
    }

    /** @param value how long one run of the hook may take, e.g. {@code 1m} */
    public void setDnsHookTimeout(String value) {
        settings.put(Setting.DNS_HOOK_TIMEOUT.key(), value);
    }

    /** @param value {@code host[:port]} of the DNS server that takes RFC 2136 updates */
    public void setRfc2136Server(String value) {
        settings.put(Setting.RFC2136_SERVER.key(), value);
    }

    /** @param value the zone to update; found by SOA lookup when absent */
    public void setRfc2136Zone(String value) {
        settings.put(Setting.RFC2136_ZONE.key(), value);
    }

    /** @param value the TSIG key's name */
    public void setRfc2136TsigKeyName(String value) {
        settings.put(Setting.RFC2136_TSIG_KEY_NAME.key(), value);
    }

    /** @param value the TSIG algorithm, default {@code hmac-sha256} */
    public void setRfc2136TsigAlgorithm(String value) {
        settings.put(Setting.RFC2136_TSIG_ALGORITHM.key(), value);
    }

    /** @param value the TSIG secret, base64 */
    public void setRfc2136TsigSecret(String value) {
        settings.put(Setting.RFC2136_TSIG_SECRET.key(), value);
    }

    /** @param value a BIND key file (as written by tsig-keygen) instead of the three TSIG attributes */
    public void setRfc2136TsigKeyFile(String value) {
        settings.put(Setting.RFC2136_TSIG_KEY_FILE.key(), value);
    }

    /** @param value how long to wait for the zone's servers to answer the TXT record, e.g. {@code 2m} */
    public void setDnsPropagationTimeout(String value) {
        settings.put(Setting.DNS_PROPAGATION_TIMEOUT.key(), value);
    }

    /** @param value the least time between publishing and telling the CA, e.g. {@code 30s} */
    public void setDnsPropagationDelay(String value) {
        settings.put(Setting.DNS_PROPAGATION_DELAY.key(), value);
    }

    /** @param value {@code host[:port]} list of servers asked for the TXT record instead of the zone's authoritative ones */
    public void setDnsResolver(String value) {
        settings.put(Setting.DNS_RESOLVER.key(), value);
    }

    /** @param value command run after a certificate went live (environment: AUTOCERT_EVENT, AUTOCERT_NAME, …) */
    public void setOnRenewed(String value) {
        settings.put(Setting.ON_RENEWED.key(), value);
    }

    /** @param value command run when an attempt failed, at most hourly per certificate */
    public void setOnFailed(String value) {
        settings.put(Setting.ON_FAILED.key(), value);
    }

    /** @param value command run when a certificate nears expiry unrenewed, at most daily */
    public void setOnExpiring(String value) {
        settings.put(Setting.ON_EXPIRING.key(), value);
    }

    /** @param value {@code false} to skip the self-check of HTTP-01 answers before the CA is asked */
    public void setPreflight(String value) {
        settings.put(Setting.PREFLIGHT.key(), value);
    }

    /** @param value the port the CA uses for HTTP-01 (80; test CAs only use another) */
    public void setHttpChallengePort(String value) {
        settings.put(Setting.HTTP_CHALLENGE_PORT.key(), value);
    }

    /** @param port the port of the HTTPS connector added when server.xml has no TLS connector */
    public void setHttpsPort(int port) {
        this.httpsPort = port;
    }

    /** @param address the address the added HTTPS connector binds, default all */
    public void setHttpsAddress(String address) {
        this.httpsAddress = address;
    }

    /**
     * @param path where loopback clients get the JSON status of every certificate, e.g.
     *             {@code /.well-known/autocert-status}; off by default
     */
    public void setStatusPath(String path) {
        this.statusPath = path;
    }

    /**
     * @param role a role of the Engine's {@code Realm} (e.g. from {@code conf/tomcat-users.xml}) whose users may
     *             read the status page from other machines, over HTTPS with Basic credentials; by default only
     *             clients on this machine may
     */
    public void setStatusRole(String role) {
        this.statusRole = role;
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
                if (autocert != null) {
                    reportConnectorsDown();
                    autocert.start();
                    jmx = AutocertJmx.register(autocert);
                }
            }
            case Lifecycle.BEFORE_STOP_EVENT -> {
                if (jmx != null) {
                    jmx.close();
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
            }
            default -> {
            }
        }
    }

    private void configure(Server server) {
        OwnJarScanSkip.apply();
        AutocertConfig config;
        try {
            config = AutocertConfig.parse(settings, server.getCatalinaBase().toPath().resolve("conf").resolve("autocert"));
        } catch (ConfigException e) {
            log.error(sm.getString("listener.badConfig", e.getMessage()));
            return;
        }
        if (statusRole != null && statusPath == null) {
            log.warn(sm.getString("listener.roleWithoutPath", statusRole));
        }
        Set<ChallengeType> answerable = EnumSet.noneOf(ChallengeType.class);
        List<Connector> tls = new ArrayList<>();
        for (Service service : server.findServices()) {
            if (service.getContainer() != null) {
                AcmeChallengeValve valve = new AcmeChallengeValve();
                valve.setStatusPath(statusPath);
                valve.setStatusRole(statusRole);
                service.getContainer().getPipeline().addValve(valve);
            }
            for (Connector c : service.findConnectors()) {
                if (isTls(c)) {
                    tls.add(c);
                } else {
                    answerable.add(ChallengeType.HTTP_01);
                }
            }
        }
        if (!answerable.contains(ChallengeType.HTTP_01)) {
            log.warn(sm.getString("listener.noHttp"));
        }
        Path catalinaBase = server.getCatalinaBase().toPath();
        boolean tlsWired = false;
        for (Connector c : tls) {
            if (wire(c)) {
                tlsWired = true;
                connectors.add(new TomcatConnector(c));
                keystores.addAll(ConnectorKeystore.of(c, catalinaBase));
            }
        }
        if (tls.isEmpty() && server.findServices().length > 0) {
            Connector own = addConnector(server.findServices()[0], config);
            if (own != null) {
                tlsWired = true;
                connectors.add(new TomcatConnector(own));
                keystores.addAll(ConnectorKeystore.of(own, catalinaBase));
            }
        }
        if (tlsWired) {
            answerable.add(ChallengeType.TLS_ALPN_01);
            answerable.add(ChallengeType.TLS_SNI_01);
        }
        autocert = Autocert.create(config, answerable);
        TomcatAutocert.set(autocert);
        for (Service service : server.findServices()) {
            if (service.getContainer() != null) {
                TomcatAutocert.bind(service.getContainer(), autocert);
            }
            for (Connector c : service.findConnectors()) {
                for (SSLHostConfig host : c.findSslHostConfigs()) {
                    TomcatAutocert.bind(host, autocert);
                }
            }
        }
        connectors.forEach(autocert::addConnector);
        autocert.loadStored();
        autocert.prepare(); // account ready while Tomcat starts
        autocert.addListener(new Events());
        log.info(sm.getString("listener.started", config.certificates().size(), config.directory(), config.storage(),
                answerable.stream().map(ChallengeType::acmeName).collect(Collectors.joining(", "))));
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

    private static boolean isTls(Connector c) {
        return Boolean.TRUE.equals(c.getProperty("SSLEnabled")) || "true".equals(String.valueOf(c.getProperty("SSLEnabled")));
    }

    /** Wraps a TLS connector's key managers; an OpenSSL connector keeps its own and is only reported. */
    private boolean wire(Connector c) {
        Object impl = c.getProperty("sslImplementationName");
        if (impl != null && !impl.toString().isEmpty()
                && !impl.toString().equals(org.apache.tomcat.util.net.jsse.JSSEImplementation.class.getName())
                && !impl.toString().equals(AutocertJsseImplementation.class.getName())) {
            log.warn(sm.getString("listener.openssl", c.toString(), impl));
            return false;
        }
        c.setProperty("sslImplementationName", AutocertJsseImplementation.class.getName());
        addAcmeTlsLast(c);
        log.info(sm.getString("listener.wrapped", c.toString()));
        return true;
    }

    private static void addAcmeTlsLast(Connector c) {
        for (UpgradeProtocol p : c.findUpgradeProtocols()) {
            if (p instanceof AcmeTlsAlpnProtocol) {
                return;
            }
        }
        c.addUpgradeProtocol(new AcmeTlsAlpnProtocol());
    }

    private Connector addConnector(Service service, AutocertConfig config) {
        Path ownKeystore = config.storage().toAbsolutePath().resolve("connector").resolve("keystore.p12");
        CertificateSpec first = config.certificates().get(0);
        CertifiedKey initial;
        try {
            initial = new FileStore(config.storage(), config.keystorePassword()).loadCertificate(first.name())
                    .orElseGet(() -> SelfSigned.temporary(first.domains(), config.keyType()));
        } catch (IOException e) {
            initial = SelfSigned.temporary(first.domains(), config.keyType());
        }
        try {
            AtomicFiles.write(ownKeystore, FileStore.pkcs12(initial, config.keystorePassword().toCharArray()), true);
        } catch (IOException e) {
            log.error(sm.getString("listener.keystoreFailed", ownKeystore, e.getMessage()));
            return null;
        }
        Connector c = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        c.setPort(httpsPort);
        if (httpsAddress != null) {
            c.setProperty("address", httpsAddress);
        }
        c.setScheme("https");
        c.setSecure(true);
        c.setProperty("SSLEnabled", "true");
        c.setProperty("sslImplementationName", AutocertJsseImplementation.class.getName());
        SSLHostConfig host = new SSLHostConfig();
        host.setHostName(DEFAULT_HOST);
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        cert.setCertificateKeystoreFile(ownKeystore.toAbsolutePath().toString());
        cert.setCertificateKeystorePassword(config.keystorePassword());
        cert.setCertificateKeystoreType("PKCS12");
        cert.setCertificateKeyAlias(FileStore.KEYSTORE_ALIAS);
        host.addCertificate(cert);
        c.addSslHostConfig(host);
        c.addUpgradeProtocol(new Http2Protocol());
        c.addUpgradeProtocol(new AcmeTlsAlpnProtocol());
        service.addConnector(c);
        log.info(sm.getString("listener.addedConnector", httpsPort, initial));
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
