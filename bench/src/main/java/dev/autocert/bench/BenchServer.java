package dev.autocert.bench;

import dev.autocert.Autocert;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.KeyType;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import dev.autocert.tomcat.ConnectorKeystore;
import dev.autocert.tomcat.TomcatWiring;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.OpenSSLLifecycleListener;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One embedded Tomcat 11 server process of the whole-server benchmarks, started by {@code bench/run.sh}.
 * Binds 127.0.0.1 on a free port (port 0) and writes {@code key=value} lines to the {@code --ready}
 * file once it serves ({@link ReadyFile}): the port, its PID and the heap figures. It runs until it is killed.
 *
 * <pre>
 * --tls                  an HTTPS connector: TLS 1.3 only, the PKCS#12 keystore {@code --keystore} (type EC)
 *   --openssl            on Tomcat's FFM OpenSSL engine (Java 22+, tomcat-coyote-ffm.jar on the class path,
 *                        {@code OpenSSLLifecycleListener}) instead of JSSE
 *   --autocert           wired as AutocertListener does it (AutocertJsseImplementation + acme-tls/1 +
 *                        the challenge valve, TomcatAutocert holding an Autocert instance); with --openssl:
 *                        one SSLHostConfig per managed name (TomcatWiring.serveOpenSsl)
 *   --certs N            live certificates: {@code --sni} first, then n00001.&lt;sni&gt; … (SelfSigned.temporary,
 *                        each with its own new P-256 key)
 *   --cert-cache FILE    read those extra certificates from FILE (written by {@link Fixtures#main}), or
 *                        generate them and write FILE
 *   --swap HOW           a {@link SwapControl} socket (its port is {@code control_port} in the ready file) that
 *                        replaces the {@code --sni} certificate on command, HOW being
 *                        autocert         Autocert's store + live install ({@link AutocertSwap}; needs --autocert)
 *                        autocert-sync    the same, then AutocertListener's rewrite + reload of the connector
 *                                         keystore covering the name (needs --autocert)
 *                        keystore-reload  a new --keystore file + Tomcat's reloadSslHostConfigs ({@link KeystoreReloadSwap})
 * --http                 a plain-HTTP connector
 *   --valve              AcmeChallengeValve in the Engine pipeline, with --token/--keyauth pending on the board
 * --webroot DIR          the ROOT context's docBase, served by Tomcat's DefaultServlet
 * --base DIR             Tomcat's base directory (work files)
 * --ready FILE           where to write the key=value lines
 * </pre>
 */
public final class BenchServer {

    /** Tomcat's FFM OpenSSL implementation, in tomcat-coyote-ffm.jar of the distribution. */
    private static final String OPENSSL = "org.apache.tomcat.util.net.openssl.panama.OpenSSLImplementation";

    private BenchServer() {
    }

    /**
     * @param args the options above
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        ServerOptions opt = ServerOptions.parse(args);
        boolean tls = opt.has("tls");
        boolean autocertWired = opt.has("autocert");
        boolean valve = opt.has("valve");
        int certs = Integer.parseInt(opt.get("certs", "0"));
        String sni = opt.get("sni", "bench.test");
        Path base = Path.of(opt.require("base"));
        Path webroot = Path.of(opt.require("webroot"));
        Path ready = Path.of(opt.require("ready"));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("pid", Long.toString(ProcessHandle.current().pid()));

        Autocert autocert = null;
        if (autocertWired || valve) {
            autocert = Fixtures.autocert(base.resolve("autocert"), sni);
        }
        if (valve) {
            autocert.challengeBoard().putHttp01(opt.require("token"), opt.require("keyauth"));
        }

        boolean openssl = opt.has("openssl");
        if (autocert != null && certs > 0) {
            // the certificate the benchmark's SNI asks for, installed before the first handshake (and before an
            // OpenSSL connector's keystores are written from it)
            CertifiedKey first = SelfSigned.temporary(List.of(sni), KeyType.EC256);
            autocert.liveCertificates().install(autocert.config().certificates().get(0).name(), first);
            out.put("live_fingerprint", first.fingerprint());
        }

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toAbsolutePath().toString());
        if (openssl) {
            tomcat.getServer().addLifecycleListener(new OpenSSLLifecycleListener());
        }
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        if (tls) {
            connector.setScheme("https");
            connector.setSecure(true);
            connector.setProperty("SSLEnabled", "true");
            connector.setProperty("sslImplementationName", openssl ? OPENSSL : "org.apache.tomcat.util.net.jsse.JSSEImplementation");
            SSLHostConfig host = new SSLHostConfig();
            host.setHostName("_default_");
            host.setProtocols("TLSv1.3");
            SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.EC);
            cert.setCertificateKeystoreFile(Path.of(opt.require("keystore")).toAbsolutePath().toString());
            cert.setCertificateKeystorePassword(opt.get("storepass", "changeit"));
            cert.setCertificateKeystoreType("PKCS12");
            host.addCertificate(cert);
            connector.addSslHostConfig(host);
            if (autocertWired && openssl) {
                if (!TomcatWiring.serveOpenSsl(connector, autocert)) {
                    throw new IllegalStateException("the OpenSSL connector's keystores could not be written");
                }
                for (SSLHostConfig h : connector.findSslHostConfigs()) {
                    h.setProtocols("TLSv1.3");
                }
            } else if (autocertWired) {
                TomcatWiring.wireTls(connector, autocert);
            }
        }
        tomcat.setConnector(connector);
        if (autocertWired || valve) {
            TomcatWiring.addValve(tomcat.getEngine(), autocert, null, null);
        }
        Context ctx = tomcat.addContext("", webroot.toAbsolutePath().toString());
        Tomcat.addServlet(ctx, "default", new DefaultServlet()).addMapping("/");
        ctx.addMimeMapping("html", "text/html");
        ctx.addWelcomeFile("index.html");

        tomcat.start();
        out.put("port", Integer.toString(connector.getLocalPort()));

        long before = usedHeapAfterGc();
        out.put("heap_used_after_gc_start", Long.toString(before));
        if (autocert != null && certs > 1) {
            long t0 = System.nanoTime();
            String cache = opt.get("cert-cache", null);
            boolean cached = Fixtures.install(autocert.liveCertificates(), sni, certs - 1, cache == null ? null : Path.of(cache));
            out.put(cached ? "load_ms" : "generate_ms", Long.toString((System.nanoTime() - t0) / 1_000_000));
            long after = usedHeapAfterGc();
            out.put("heap_used_after_gc_loaded", Long.toString(after));
            out.put("heap_per_cert_bytes", Long.toString((after - before) / (certs - 1)));
        }
        if (autocert != null) {
            out.put("live_names", Integer.toString(autocert.liveCertificates().size()));
        }
        if (opt.has("swap")) {
            SwapControl control = SwapControl.start(new SwapDriver(swap(opt, autocert, connector, base),
                    new HandshakeProbe(connector.getLocalPort(), sni), List.of(sni)));
            out.put("control_port", Integer.toString(control.port()));
        }
        ReadyFile.write(ready, out);
        tomcat.getServer().await();
    }

    /**
     * What the listener does once a certificate went live: every keystore file of the connector whose certificate
     * covers one of its names is rewritten with it and that host's TLS configuration reloaded.
     *
     * @return the work for one installed certificate; it throws {@link UncheckedIOException} when a file
     *         cannot be written or a reload fails
     */
    private static Consumer<CertifiedKey> keystoreSync(Connector connector,
            CertificateSpec spec, Path catalinaBase) {
        List<ConnectorKeystore> keystores = ConnectorKeystore.of(connector, catalinaBase).stream()
                .filter(k -> k.covers(spec)).toList();
        if (keystores.isEmpty()) {
            throw new IllegalArgumentException("no keystore of " + connector + " covers " + spec.domains());
        }
        return certificate -> {
            for (ConnectorKeystore keystore : keystores) {
                try {
                    keystore.replaceWith(certificate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The {@code --swap} way of replacing the served certificate. */
    private static CertificateSwap swap(ServerOptions opt, Autocert autocert, Connector connector, Path base) {
        String how = opt.require("swap");
        switch (how) {
            case "autocert":
                return new AutocertSwap(requireAutocert(autocert, how), null);
            case "autocert-sync":
                return new AutocertSwap(requireAutocert(autocert, how),
                        keystoreSync(connector, autocert.config().certificates().get(0), base));
            case "keystore-reload":
                return new KeystoreReloadSwap(Path.of(opt.require("keystore")), opt.get("storepass", "changeit"), connector);
            default:
                throw new IllegalArgumentException("--swap " + how + ": expected autocert, autocert-sync or keystore-reload");
        }
    }

    private static Autocert requireAutocert(Autocert autocert, String how) {
        if (autocert == null) {
            throw new IllegalArgumentException("--swap " + how + " needs --tls --autocert");
        }
        return autocert;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
