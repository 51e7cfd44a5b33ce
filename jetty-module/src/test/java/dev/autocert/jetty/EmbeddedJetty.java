package dev.autocert.jetty;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An embedded Jetty 12 as an application would build it: an HTTP connector and a TLS connector with
 * ALPN (h2, http/1.1) whose SslContextFactory has no keystore, an application handler answering
 * "hello from the app", and Autocert installed with {@link JettyAutocert#install}. Both connectors bind
 * 127.0.0.1. In {@link #settings()} the CA URL points at a closed port: those tests never issue, they drive the
 * challenge board and the certificate events directly; ITs point it at Pebble.
 */
final class EmbeddedJetty implements AutoCloseable {

    static final String BODY = "hello from the app";

    final Server server = new Server();
    final int httpPort;
    final int httpsPort;
    final SslContextFactory.Server tls;
    final JettyAutocert autocert;

    /** Settings every test starts from: two certificates, a CA that is never reached. */
    static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("domains", "a.test,www.a.test;b.test");
        s.put("acceptTerms", "true");
        s.put("directory", "https://127.0.0.1:1/dir");
        s.put("retryDelay", "1h");
        return s;
    }

    /** {@link #settings()} issuing from {@code pebble}. */
    static Map<String, String> settings(Pebble pebble) {
        Map<String, String> s = settings();
        s.put("directory", pebble.directoryUrl());
        s.put("caTrust", pebble.caTrustPem().toString());
        return s;
    }

    EmbeddedJetty(Map<String, String> settings, Path storage) throws Exception {
        this(settings, storage, false, tls -> { }, null, server -> { });
    }

    /** On the ports a CA was told to validate on. */
    EmbeddedJetty(Map<String, String> settings, Path storage, int httpPort, int httpsPort) throws Exception {
        this(settings, storage, false, tls -> { }, null, server -> { }, httpPort, httpsPort);
    }

    /** @param serverSetup what the application adds to its Server before Autocert is installed, e.g. a LoginService bean */
    EmbeddedJetty(Map<String, String> settings, Path storage, Consumer<Server> serverSetup) throws Exception {
        this(settings, storage, false, tls -> { }, null, serverSetup);
    }

    /**
     * @param proxyProtocol whether the TLS connector expects a PROXY protocol header first (behind a load balancer)
     * @param tlsSetup      what the application configures on its SslContextFactory (its own keystore, client auth)
     * @param toldAutocert  the keystore password Autocert is given, or {@code null}
     */
    EmbeddedJetty(Map<String, String> settings, Path storage, boolean proxyProtocol, Consumer<SslContextFactory.Server> tlsSetup,
                  String toldAutocert) throws Exception {
        this(settings, storage, proxyProtocol, tlsSetup, toldAutocert, server -> { });
    }

    private EmbeddedJetty(Map<String, String> settings, Path storage, boolean proxyProtocol, Consumer<SslContextFactory.Server> tlsSetup,
                          String toldAutocert, Consumer<Server> serverSetup) throws Exception {
        this(settings, storage, proxyProtocol, tlsSetup, toldAutocert, serverSetup, FreePorts.take(), FreePorts.take());
    }

    private EmbeddedJetty(Map<String, String> settings, Path storage, boolean proxyProtocol, Consumer<SslContextFactory.Server> tlsSetup,
                          String toldAutocert, Consumer<Server> serverSetup, int httpPort, int httpsPort) throws Exception {
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        ServerConnector http = new ServerConnector(server, new HttpConnectionFactory());
        http.setHost("127.0.0.1");
        http.setPort(httpPort);
        server.addConnector(http);

        ServerConnector https = HttpsConnector.create(server, "127.0.0.1", httpsPort);
        tls = https.getConnectionFactory(SslConnectionFactory.class).getSslContextFactory();
        if (proxyProtocol) {
            https.addFirstConnectionFactory(new ProxyConnectionFactory());
        }
        server.addConnector(https);

        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(true, ByteBuffer.wrap(BODY.getBytes()), callback);
                return true;
            }
        });
        tlsSetup.accept(tls);
        serverSetup.accept(server);
        autocert = JettyAutocert.install(server, settings, storage, toldAutocert);
        server.start();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
