package dev.autocert.bench;

import dev.autocert.config.Setting;
import dev.autocert.tomcat.AutocertListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server of {@code bench/run.sh --only ondemand}: embedded Tomcat 11 with the {@link AutocertListener} as an
 * application adds it, one listed certificate ({@code domains}) and {@code onDemand} approving {@code *.<zone>} through
 * {@code onDemandAllow}, against the run's Pebble. Binds 127.0.0.1; writes its PID and ports to the ready file once
 * it listens, and runs until it is killed.
 *
 * <pre>
 * OnDemandServer HTTP_PORT HTTPS_PORT DIRECTORY CA_PEM BASE LISTED ZONE READY_FILE
 * </pre>
 */
public final class OnDemandServer {

    private OnDemandServer() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when Tomcat cannot start
     */
    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        int httpsPort = Integer.parseInt(args[1]);
        Path base = Path.of(args[4]);
        AutocertListener autocert = new AutocertListener();
        autocert.set(Setting.DOMAINS, args[5]);
        autocert.set(Setting.ON_DEMAND, "true");
        autocert.set(Setting.ON_DEMAND_ALLOW, "*." + args[6]);
        autocert.set(Setting.ON_DEMAND_RATE, "1000");
        autocert.set(Setting.DIRECTORY, args[2]);
        autocert.set(Setting.CA_TRUST, args[3]);
        autocert.set(Setting.ACCEPT_TERMS, "true");
        autocert.set(Setting.HTTP_CHALLENGE_PORT, String.valueOf(httpPort));
        autocert.set(Setting.HTTPS_PORT, String.valueOf(httpsPort));
        autocert.set(Setting.HTTPS_ADDRESS, "127.0.0.1");

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector http = new Connector();
        http.setPort(httpPort);
        http.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(http);
        Context root = tomcat.addContext("", base.toAbsolutePath().toString());
        Tomcat.addServlet(root, "hello", new Hello()).addMapping("/");
        tomcat.getServer().addLifecycleListener(autocert);
        tomcat.start();

        Map<String, String> ready = new LinkedHashMap<>();
        ready.put("pid", String.valueOf(ProcessHandle.current().pid()));
        ready.put("port", String.valueOf(httpsPort));
        ready.put("jvm_uptime_ms", String.valueOf(ManagementFactory.getRuntimeMXBean().getUptime()));
        ReadyFile.write(Path.of(args[7]), ready);
        tomcat.getServer().await();
    }

    /** A one-line page, so the handshake benchmark can also fetch something. */
    static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().println("hello");
        }
    }
}
