package dev.autocert.bench;

import dev.autocert.Autocert;
import dev.autocert.config.KeyType;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import dev.autocert.tomcat.BenchWiring;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One embedded Tomcat 11 server process of the whole-server benchmarks, started by {@code bench/run.sh}.
 * Binds 127.0.0.1 on a free port (port 0) and writes {@code key=value} lines to the {@code --ready}
 * file once it serves: the port, its PID and the heap figures. It runs until it is killed.
 *
 * <pre>
 * --tls                  an HTTPS connector: TLS 1.3 only, the PKCS#12 keystore {@code --keystore} (type EC)
 *   --autocert           wired as AutocertListener does it (AutocertJsseImplementation + acme-tls/1 +
 *                        the challenge valve, TomcatAutocert holding an Autocert instance)
 *   --certs N            live certificates: {@code --sni} first, then n00001.&lt;sni&gt; … (SelfSigned.temporary,
 *                        each with its own new P-256 key)
 *   --cert-cache FILE    read those extra certificates from FILE (written by {@link Fixtures#main}), or
 *                        generate them and write FILE
 * --http                 a plain-HTTP connector
 *   --valve              AcmeChallengeValve in the Engine pipeline, with --token/--keyauth pending on the board
 * --webroot DIR          the ROOT context's docBase, served by Tomcat's DefaultServlet
 * --base DIR             Tomcat's base directory (work files)
 * --ready FILE           where to write the key=value lines
 * </pre>
 */
public final class BenchServer {

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parse(args);
        boolean tls = opt.containsKey("tls");
        boolean autocertWired = opt.containsKey("autocert");
        boolean valve = opt.containsKey("valve");
        int certs = Integer.parseInt(opt.getOrDefault("certs", "0"));
        String sni = opt.getOrDefault("sni", "bench.test");
        Path base = Path.of(require(opt, "base"));
        Path webroot = Path.of(require(opt, "webroot"));
        Path ready = Path.of(require(opt, "ready"));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("pid", Long.toString(ProcessHandle.current().pid()));

        Autocert autocert = null;
        if (autocertWired || valve) {
            autocert = Fixtures.autocert(base.resolve("autocert"), sni);
            BenchWiring.install(autocert);
        }
        if (valve) {
            autocert.challengeBoard().putHttp01(require(opt, "token"), require(opt, "keyauth"));
        }

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toAbsolutePath().toString());
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        if (tls) {
            connector.setScheme("https");
            connector.setSecure(true);
            connector.setProperty("SSLEnabled", "true");
            connector.setProperty("sslImplementationName", "org.apache.tomcat.util.net.jsse.JSSEImplementation");
            SSLHostConfig host = new SSLHostConfig();
            host.setHostName("_default_");
            host.setProtocols("TLSv1.3");
            SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.EC);
            cert.setCertificateKeystoreFile(Path.of(require(opt, "keystore")).toAbsolutePath().toString());
            cert.setCertificateKeystorePassword(opt.getOrDefault("storepass", "changeit"));
            cert.setCertificateKeystoreType("PKCS12");
            host.addCertificate(cert);
            connector.addSslHostConfig(host);
            if (autocertWired) {
                BenchWiring.wireTls(connector);
            }
        }
        tomcat.setConnector(connector);
        if (autocertWired || valve) {
            BenchWiring.addValve(tomcat.getEngine());
        }
        Context ctx = tomcat.addContext("", webroot.toAbsolutePath().toString());
        Tomcat.addServlet(ctx, "default", new DefaultServlet());
        ctx.addServletMappingDecoded("/", "default");
        ctx.addMimeMapping("html", "text/html");
        ctx.addWelcomeFile("index.html");

        if (autocert != null && certs > 0) {
            // the certificate the benchmark's SNI asks for, installed before the first handshake
            CertifiedKey first = SelfSigned.temporary(List.of(sni), KeyType.EC256);
            autocert.liveCertificates().install(first);
            out.put("live_fingerprint", fingerprint(first));
        }
        tomcat.start();
        out.put("port", Integer.toString(connector.getLocalPort()));

        long before = usedHeapAfterGc();
        out.put("heap_used_after_gc_start", Long.toString(before));
        if (autocert != null && certs > 1) {
            long t0 = System.nanoTime();
            String cache = opt.get("cert-cache");
            boolean cached = Fixtures.install(autocert.liveCertificates(), sni, certs - 1,
                    cache == null || cache.isEmpty() ? null : Path.of(cache));
            out.put(cached ? "load_ms" : "generate_ms", Long.toString((System.nanoTime() - t0) / 1_000_000));
            long after = usedHeapAfterGc();
            out.put("heap_used_after_gc_loaded", Long.toString(after));
            out.put("heap_per_cert_bytes", Long.toString((after - before) / (certs - 1)));
        }
        if (autocert != null) {
            out.put("live_names", Integer.toString(autocert.liveCertificates().size()));
        }
        StringBuilder text = new StringBuilder();
        out.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        System.out.print(text);
        System.out.flush();
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
        tomcat.getServer().await();
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

    private static String fingerprint(CertifiedKey key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.leaf().getEncoded()));
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                opt.put(key, args[++i]);
            } else {
                opt.put(key, "");
            }
        }
        return opt;
    }

    private static String require(Map<String, String> opt, String key) {
        String v = opt.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
