package dev.autocert.samples;

import dev.autocert.jetty.HttpsConnector;
import dev.autocert.jetty.JettyAutocert;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An application with its own embedded Jetty 12 that wants automatic HTTPS. Everything Autocert
 * needs is the {@link JettyAutocert#install} call in {@link #create}: the TLS connector below has no
 * keystore at all.
 * <pre>
 * java -Dautocert.domains=example.com,www.example.com -Dautocert.acceptTerms=true \
 *      -Dautocert.email=ops@example.com -Dhttp.port=80 -Dhttps.port=443 dev.autocert.samples.JettyEmbeddedApp
 * </pre>
 * Every {@code -Dautocert.<setting>} is passed on (the settings table of the README); certificates are
 * stored in {@code ./autocert} unless {@code -Dautocert.storage} says otherwise.
 */
public final class JettyEmbeddedApp {

    private JettyEmbeddedApp() {
    }

    /**
     * @param args unused; see the class comment
     * @throws Exception when Jetty cannot start
     */
    public static void main(String[] args) throws Exception {
        Server server = create(settingsFromSystemProperties(), Integer.getInteger("http.port", 8080),
                Integer.getInteger("https.port", 8443), null, Path.of("autocert"));
        server.start();
        server.join();
    }

    /**
     * Builds the server: an HTTP connector (for HTTP-01 and plain visitors), a TLS connector with h2 and
     * http/1.1, the application's handler, and Autocert.
     *
     * @param settings  Autocert settings by name, e.g. {@code domains}, {@code acceptTerms}
     * @param httpPort  the HTTP port (80 in production: the CA validates HTTP-01 there)
     * @param httpsPort the HTTPS port (443 in production: the CA validates TLS-ALPN-01 there)
     * @param host      the address to bind, or {@code null} for all
     * @param storage   where certificates are kept when {@code settings} has no {@code storage}
     * @return the server, not started
     */
    public static Server create(Map<String, String> settings, int httpPort, int httpsPort, String host, Path storage) {
        Server server = new Server();

        ServerConnector http = new ServerConnector(server);
        http.setHost(host);
        http.setPort(httpPort);
        server.addConnector(http);

        // TLS with h2 and http/1.1, and no keystore at all: Autocert fills it
        server.addConnector(HttpsConnector.create(server, host, httpsPort));

        server.setHandler(new Hello());

        // the one Autocert line: after the connectors, before server.start()
        JettyAutocert.install(server, settings, storage);
        return server;
    }

    /** @return every {@code autocert.<setting>} system property, by setting name */
    static Map<String, String> settingsFromSystemProperties() {
        Map<String, String> settings = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("autocert.") && !name.equals("autocert.tools"))
                .forEach(name -> settings.put(name.substring("autocert.".length()), System.getProperty(name)));
        return settings;
    }

    /** The application: one page that says which protocol and TLS name it was reached with. */
    static final class Hello extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String body = "hello from embedded Jetty over " + request.getConnectionMetaData().getProtocol()
                    + (request.isSecure() ? " (TLS)" : "") + "\n";
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
