package dev.autocert.samples;

import dev.autocert.config.Setting;
import dev.autocert.tomcat.AutocertListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An application with its own embedded Tomcat 11 that wants automatic HTTPS. Everything Autocert needs
 * is the {@link AutocertListener} added to the {@code Server} in {@link #create}: no keystore, no TLS
 * connector of its own (the listener adds one on {@code httpsPort}).
 * <pre>
 * java -Dautocert.domains=example.com,www.example.com -Dautocert.email=ops@example.com \
 *      -Dhttp.port=80 -Dhttps.port=443 dev.autocert.samples.TomcatEmbeddedApp
 * </pre>
 * Certificates are kept in {@code ./tomcat/conf/autocert} (the listener's default under the base folder).
 */
public final class TomcatEmbeddedApp {

    private TomcatEmbeddedApp() {
    }

    /**
     * @param args unused; see the class comment
     * @throws Exception when Tomcat cannot start
     */
    public static void main(String[] args) throws Exception {
        AutocertListener autocert = new AutocertListener();
        autocert.set(Setting.DOMAINS, System.getProperty("autocert.domains", "example.com"));
        autocert.set(Setting.EMAIL, System.getProperty("autocert.email"));
        autocert.set(Setting.ACCEPT_TERMS, "true");
        Tomcat tomcat = create(autocert, Integer.getInteger("http.port", 8080), Integer.getInteger("https.port", 8443),
                null, Path.of("tomcat"));
        tomcat.start();
        tomcat.getServer().await();
    }

    /**
     * Builds the server: an HTTP connector (for HTTP-01 and plain visitors), the application, and Autocert
     * with an HTTPS connector of its own.
     *
     * @param autocert  the listener with the application's settings (domains, email, acceptTerms, …)
     * @param httpPort  the HTTP port (80 in production: the CA validates HTTP-01 there)
     * @param httpsPort the HTTPS port (443 in production: the CA validates TLS-ALPN-01 there)
     * @param address   the address to bind, or {@code null} for all
     * @param base      Tomcat's base folder
     * @return the server, not started
     */
    public static Tomcat create(AutocertListener autocert, int httpPort, int httpsPort, String address, Path base) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector http = new Connector();
        http.setPort(httpPort);
        if (address != null) {
            http.setProperty("address", address);
        }
        tomcat.getService().addConnector(http);

        Context root = tomcat.addContext("", base.toAbsolutePath().toString());
        Tomcat.addServlet(root, "hello", new Hello()).addMapping("/");

        // the one Autocert line, before start: the listener wires the server in BEFORE_INIT
        autocert.set(Setting.HTTPS_PORT, String.valueOf(httpsPort));
        autocert.set(Setting.HTTPS_ADDRESS, address);
        tomcat.getServer().addLifecycleListener(autocert);
        return tomcat;
    }

    /** The application: one page that says how it was reached. */
    static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().println("hello from embedded Tomcat over " + req.getScheme());
        }
    }
}
