package dev.autocert.jetty;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS connector an embedded Jetty needs for Autocert, built the way Jetty's {@code https} and
 * {@code http2} modules build theirs: ALPN with {@code h2} and {@code http/1.1}, a
 * {@link SecureRequestCustomizer}, and an {@link SslContextFactory.Server} without any keystore, which
 * {@link JettyAutocert#install} fills. Needs {@code jetty-alpn-java-server} and {@code jetty-http2-server}
 * on the class path (jetty-home has them; an embedding application adds them as dependencies).
 */
public final class HttpsConnector {

    private HttpsConnector() {
    }

    /**
     * @param server the server the connector belongs to (not added to it)
     * @param host   the address to bind, or {@code null} for all
     * @param port   the port (443 in production: the CA validates TLS-ALPN-01 there)
     * @return the connector; its {@link SslContextFactory.Server} is reachable through its
     *         {@link SslConnectionFactory} for further settings (client auth, own keystore)
     */
    public static ServerConnector create(Server server, String host, int port) {
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol("http/1.1");
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(new SslContextFactory.Server(), alpn.getProtocol()), alpn,
                new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
