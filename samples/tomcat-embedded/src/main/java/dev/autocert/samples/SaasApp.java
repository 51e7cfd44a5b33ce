package dev.autocert.samples;

import dev.autocert.config.Setting;
import dev.autocert.tomcat.AutocertListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A multi-tenant application whose customers point their own domains at it: on-demand TLS. No {@code domains}; the
 * first handshake for a customer's name obtains its certificate, after Autocert asked the application's own ask
 * endpoint ({@code GET /internal/allow-domain?domain=<name>}, 200 for a customer's domain). Names that are not a
 * customer's are never ordered, whatever SNI a client sends.
 * <pre>
 * java -Dautocert.email=ops@example.com -Dhttp.port=80 -Dhttps.port=443 \
 *      -Dcustomers=shop.example.org,blog.example.net dev.autocert.samples.SaasApp
 * </pre>
 */
public final class SaasApp {

    /** The path of the ask endpoint, answered to this machine only. */
    public static final String ASK_PATH = "/internal/allow-domain";

    private SaasApp() {
    }

    /**
     * @param args unused; see the class comment
     * @throws Exception when Tomcat cannot start
     */
    public static void main(String[] args) throws Exception {
        Set<String> customers = ConcurrentHashMap.newKeySet();
        for (String name : System.getProperty("customers", "").split(",")) {
            if (!name.isBlank()) {
                customers.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        AutocertListener autocert = new AutocertListener();
        autocert.set(Setting.EMAIL, System.getProperty("autocert.email"));
        autocert.set(Setting.ACCEPT_TERMS, "true");
        Tomcat tomcat = create(autocert, customers, Integer.getInteger("http.port", 8080), Integer.getInteger("https.port", 8443),
                null, Path.of("tomcat"));
        tomcat.start();
        tomcat.getServer().await();
    }

    /**
     * Builds the server: {@link TomcatEmbeddedApp}'s, plus the ask endpoint and the on-demand settings.
     *
     * @param autocert  the listener with the application's settings (email, acceptTerms, …)
     * @param customers the customers' domains, lower case; the application may add to it while running
     * @param httpPort  the HTTP port (80 in production), where the ask endpoint is answered too
     * @param httpsPort the HTTPS port (443 in production)
     * @param address   the address to bind, or {@code null} for all
     * @param base      Tomcat's base folder
     * @return the server, not started
     */
    public static Tomcat create(AutocertListener autocert, Set<String> customers, int httpPort, int httpsPort, String address,
                                Path base) {
        autocert.set(Setting.ON_DEMAND, "true");
        autocert.set(Setting.ON_DEMAND_ASK, "http://127.0.0.1:" + httpPort + ASK_PATH);
        Tomcat tomcat = TomcatEmbeddedApp.create(autocert, httpPort, httpsPort, address, base);
        Context root = (Context) tomcat.getHost().findChild("");
        Tomcat.addServlet(root, "allow-domain", new AllowDomain(customers)).addMapping(ASK_PATH);
        return tomcat;
    }

    /** The ask endpoint: 200 for a customer's domain, 404 for anything else and for callers on other machines. */
    static final class AllowDomain extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Set<String> customers;

        AllowDomain(Set<String> customers) {
            this.customers = customers;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String domain = req.getParameter("domain");
            boolean local = InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress();
            resp.setStatus(local && domain != null && customers.contains(domain.toLowerCase(Locale.ROOT)) ? 200 : 404);
        }
    }
}
