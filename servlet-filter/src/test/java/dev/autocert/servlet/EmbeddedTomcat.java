package dev.autocert.servlet;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.scan.StandardJarScanner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An embedded Tomcat 11 on 127.0.0.1 for the fast tests: webapps are deployed like WARs (their
 * {@code web.xml} is read and initializers run), and this module's classes come from the test class
 * path, so Tomcat finds {@link AutocertInitializer} as a container-provided initializer.
 */
final class EmbeddedTomcat implements AutoCloseable {

    private final Tomcat tomcat = new Tomcat();
    private final int httpPort;
    private final HttpClient http = HttpClient.newHttpClient();

    EmbeddedTomcat(Path baseDir, int httpPort) {
        this.httpPort = httpPort;
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Connector c = new Connector();
        c.setPort(httpPort);
        c.setProperty("address", "127.0.0.1");
        tomcat.setConnector(c);
    }

    /** Adds a TLS connector that reads a PKCS#12 keystore file, as an administrator would configure it. */
    EmbeddedTomcat https(int port, Path keystore, String password) {
        Connector c = new Connector();
        c.setPort(port);
        c.setProperty("address", "127.0.0.1");
        c.setSecure(true);
        c.setScheme("https");
        c.setProperty("SSLEnabled", "true");
        SSLHostConfig host = new SSLHostConfig();
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        cert.setCertificateKeystoreFile(keystore.toString());
        cert.setCertificateKeystorePassword(password);
        cert.setCertificateKeystoreType("PKCS12");
        host.addCertificate(cert);
        c.addSslHostConfig(host);
        tomcat.getService().addConnector(c);
        return this;
    }

    /**
     * @param path          the context path, "" for ROOT
     * @param docBase       a folder to create the webapp in
     * @param contextParams written into its {@code web.xml}
     * @return the context (not started until {@link #start()})
     */
    Context deploy(String path, Path docBase, Map<String, String> contextParams) throws IOException {
        TestWebapp.write(docBase, contextParams);
        Context ctx = tomcat.addWebapp(path, docBase.toAbsolutePath().toString());
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        ctx.setJarScanner(scanner);
        return ctx;
    }

    EmbeddedTomcat start() throws LifecycleException {
        tomcat.start();
        return this;
    }

    Tomcat tomcat() {
        return tomcat;
    }

    /** Sends a plain HTTP request to the HTTP connector. */
    HttpResponse<String> send(String method, String path, String host) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    /** The names of live threads that start with {@code prefix}. */
    static String threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).sorted().collect(Collectors.joining(", "));
    }
}
