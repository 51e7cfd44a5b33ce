package dev.autocert.spring;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.Setting;
import dev.autocert.jetty.HttpsConnector;
import dev.autocert.jetty.JettyAutocert;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link JettyAutocert#install} on Boot's embedded Jetty, from a server customizer (the connectors exist, the
 * server has not started). Without {@code server.ssl.*} an HTTPS connector is added on {@code autocert.https-port}
 * ({@link HttpsConnector}, with {@code h2} when {@code jetty-alpn-java-server} and {@code jetty-http2-server} are on
 * the class path, HTTP/1.1 only otherwise); with it, Boot's TLS connector serves Autocert's certificates.
 */
public final class JettyAttachment {

    private static final Logger LOG = LoggerFactory.getLogger(JettyAttachment.class);

    private final AutocertRuntime runtime;

    /** @param runtime the starter's instance */
    public JettyAttachment(AutocertRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Boot's server customizer.
     *
     * @param server the embedded Jetty, with its connectors, not started
     */
    public void customize(Server server) {
        AutocertConfig config = runtime.config().orElse(null);
        if (config == null) {
            return;
        }
        boolean tls = false;
        for (Connector c : server.getConnectors()) {
            tls |= c.getConnectionFactory(SslConnectionFactory.class) != null;
        }
        if (!tls) {
            ServerConnector https = h2Available()
                    ? HttpsConnector.create(server, config.httpsAddress().orElse(null), config.httpsPort())
                    : http11Connector(server, config);
            server.addConnector(https);
            LOG.info("Autocert added an HTTPS connector on port {} (autocert.https-port)", config.httpsPort());
        }
        // the two settings only the Tomcat listener reads are this class's job here
        Map<String, String> settings = new LinkedHashMap<>(runtime.adapterSettings());
        settings.remove(Setting.HTTPS_PORT.key());
        settings.remove(Setting.HTTPS_ADDRESS.key());
        JettyAutocert installed = JettyAutocert.install(server, settings, config.storage());
        installed.deferIssuing();
        runtime.attach(installed::autocert, installed::startIssuing);
    }

    private static boolean h2Available() {
        ClassLoader loader = JettyAttachment.class.getClassLoader();
        try {
            Class.forName("org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory", false, loader);
            Class.forName("org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static ServerConnector http11Connector(Server server, AutocertConfig config) {
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(new SslContextFactory.Server(), "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(config.httpsAddress().orElse(null));
        connector.setPort(config.httpsPort());
        return connector;
    }
}
