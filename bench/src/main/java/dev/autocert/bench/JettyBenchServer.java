package dev.autocert.bench;

import dev.autocert.config.KeyType;
import dev.autocert.jetty.JettyAutocert;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.conscrypt.Conscrypt;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One embedded Jetty 12 server process of the Jetty benchmarks ({@code bench/lib/jetty.sh}), the
 * counterpart of {@link BenchServer}'s {@code --http} server: a plain-HTTP connector on 127.0.0.1 (free
 * port), and a context {@code /} whose {@link ResourceHandler} serves the webroot folder. The same
 * {@code --ready} file contract ({@link ReadyFile}). It runs until it is killed. It needs the Jetty class
 * path ({@code bench/target/lib-jetty}), not the Tomcat one.
 *
 * <pre>
 * --autocert          Autocert wired by its public embedding call, {@link JettyAutocert#install} (it inserts
 *                     AcmeChallengeHandler below the Server), with --token/--keyauth pending on its board;
 *                     the CA is a closed local port ({@link Fixtures#settings})
 * --tls               a TLS 1.3 connector instead, on the PKCS#12 keystore --keystore (password changeit); its
 *                     port is the one in the ready file. With --autocert: 1 live certificate for --sni
 *                     (its fingerprint is live_fingerprint), no pending token
 * --conscrypt         with --tls: Conscrypt as the SslContextFactory's provider
 * --sni NAME          Autocert's configured name (default bench.test)
 * --webroot DIR       the folder the ResourceHandler serves
 * --base DIR          the Autocert store lives in DIR/autocert
 * --ready FILE        where to write the key=value lines
 * </pre>
 */
public final class JettyBenchServer {

    private JettyBenchServer() {
    }

    /**
     * @param args the options above
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        ServerOptions opt = ServerOptions.parse(args);
        Path base = Path.of(opt.require("base"));
        Path webroot = Path.of(opt.require("webroot")).toAbsolutePath();
        Path ready = Path.of(opt.require("ready"));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("pid", Long.toString(ProcessHandle.current().pid()));

        Server server = new Server();
        boolean tls = opt.has("tls");
        ServerConnector http;
        if (tls) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(Path.of(opt.require("keystore")).toAbsolutePath().toString());
            ssl.setKeyStorePassword("changeit");
            ssl.setIncludeProtocols("TLSv1.3");
            if (opt.has("conscrypt")) {
                Provider conscrypt = Conscrypt.newProvider();
                Security.addProvider(conscrypt);
                ssl.setProvider(conscrypt.getName());
            }
            HttpConfiguration https = new HttpConfiguration();
            https.addCustomizer(new SecureRequestCustomizer(false));
            http = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        } else {
            http = new ServerConnector(server);
        }
        http.setHost("127.0.0.1");
        http.setPort(0);
        server.addConnector(http);
        ResourceHandler files = new ResourceHandler();
        files.setBaseResource(ResourceFactory.of(server).newResource(webroot));
        files.setDirAllowed(false);
        server.setHandler(new ContextHandler(files, "/"));

        if (opt.has("autocert")) {
            Path storage = base.resolve("autocert");
            JettyAutocert installed = JettyAutocert.install(server, Fixtures.settings(storage, opt.get("sni", "bench.test")), storage);
            if (installed.configurationProblem().isPresent()) {
                throw new IllegalStateException("Autocert is not active: " + installed.configurationProblem().get());
            }
            if (tls) {
                String sni = opt.get("sni", "bench.test");
                CertifiedKey first = SelfSigned.temporary(List.of(sni), KeyType.EC256);
                installed.autocert().liveCertificates().install(sni, first);
                out.put("live_fingerprint", first.fingerprint());
            } else {
                installed.autocert().challengeBoard().putHttp01(opt.require("token"), opt.require("keyauth"));
            }
        }
        server.start();
        out.put("port", Integer.toString(http.getLocalPort()));
        out.put("jetty", Jetty.VERSION);
        ReadyFile.write(ready, out);
        server.join();
    }
}
