package dev.autocert.tomcat;

import dev.autocert.jetty.HttpsConnector;
import dev.autocert.jetty.JettyAutocert;
import dev.autocert.status.AutocertJmx;
import dev.autocert.testkit.AcceptanceTestSupport;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.Postgres;
import dev.autocert.testkit.RoundRobinProxy;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.testkit.TomcatDistribution;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Jetty node (embedded, {@link JettyAutocert#install}) and one Tomcat node (the real distribution with the
 * drop-in JAR) in one cluster: same settings, same PostgreSQL, one schema. Pebble validates through a
 * round-robin proxy in front of both, so each answers the other's challenges; each certificate is ordered once,
 * and a renewal on either node goes live on the other.
 */
class MixedClusterIT extends AcceptanceTestSupport {

    private static final List<String> NAMES = List.of("a.test", "b.test");

    private final int jettyHttp = FreePorts.take();
    private final int jettyHttps = FreePorts.take();
    private final int tomcatJmx = FreePorts.take();
    private Postgres pg;
    private RoundRobinProxy proxy;
    private TomcatDistribution tomcat;
    private Server jetty;

    @Override
    protected AutoCloseable server() {
        return () -> {
            if (jetty != null) {
                jetty.stop();
            }
            if (tomcat != null) {
                tomcat.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (pg != null) {
                pg.close();
            }
        };
    }

    @Test
    void aJettyAndATomcatNodeShareOneStoreAndOrderEachCertificateOnce() throws Exception {
        pg = Postgres.start();
        String url = pg.createDatabase("mixed");
        proxy = RoundRobinProxy.start(List.of(httpPort, jettyHttp));
        pebble = Pebble.builder().httpPort(proxy.port()).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("domains", String.join(";", NAMES));
        settings.put("acceptTerms", "true");
        settings.put("preflight", "false");
        settings.put("directory", pebble.directoryUrl());
        settings.put("caTrust", pebble.caTrustPem().toString());
        settings.put("storage", url);
        settings.put("storageUser", pg.user());
        settings.put("storagePassword", pg.password());

        StringBuilder attributes = new StringBuilder();
        settings.forEach((k, v) -> attributes.append(' ').append(k).append("=\"").append(v).append('"'));
        tomcat = new TomcatDistribution(Path.of(System.getProperty("tomcat.home")), work.resolve("tomcat"), httpPort,
                FreePorts.take()).dropIn(Path.of(System.getProperty("autocert.jar")));
        tomcat.insertIntoServer("<Listener className=\"dev.autocert.tomcat.AutocertListener\"" + attributes
                + " httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\"/>");
        tomcat.jvmOption("-Dcom.sun.management.jmxremote.port=" + tomcatJmx)
                .jvmOption("-Dcom.sun.management.jmxremote.rmi.port=" + tomcatJmx)
                .jvmOption("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .jvmOption("-Djava.rmi.server.hostname=127.0.0.1")
                .jvmOption("-Dcom.sun.management.jmxremote.authenticate=false")
                .jvmOption("-Dcom.sun.management.jmxremote.ssl=false");

        jetty = new Server();
        ServerConnector http = new ServerConnector(jetty, new HttpConnectionFactory());
        http.setHost("127.0.0.1");
        http.setPort(jettyHttp);
        jetty.addConnector(http);
        jetty.addConnector(HttpsConnector.create(jetty, "127.0.0.1", jettyHttps));
        JettyAutocert jettyAutocert = JettyAutocert.install(jetty, settings, work.resolve("jetty-store"));

        CompletableFuture<Void> tomcatStarted = CompletableFuture.runAsync(tomcat::start);
        jetty.start();
        tomcatStarted.join();
        List<X509Certificate> roots = pebble.roots();
        for (String name : NAMES) {
            awaitBothServeOther(name, null, roots);
        }
        assertThat(pebble.ordersPlaced()).as("one order per certificate for both nodes").isEqualTo(NAMES.size());
        // from here on both listen: the renewals' validations land on both, whoever ordered
        long toTomcat = proxy.connectionsTo(httpPort);
        long toJetty = proxy.connectionsTo(jettyHttp);

        BigInteger a = serial(jettyHttps, "a.test", roots);
        jettyAutocert.autocert().renewNow("a.test"); // renewed on Jetty, live on Tomcat
        awaitBothServeOther("a.test", a, roots);
        BigInteger b = serial(httpsPort, "b.test", roots);
        try (JMXConnector jmx = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + tomcatJmx + "/jmxrmi"))) {
            jmx.getMBeanServerConnection().invoke(AutocertJmx.objectName(tomcat.base().resolve("conf/autocert"), "b.test"),
                    "renewNow", new Object[0], new String[0]); // renewed on Tomcat, live on Jetty
        }
        awaitBothServeOther("b.test", b, roots);
        assertThat(pebble.ordersPlaced()).isEqualTo(NAMES.size() + 2);
        assertThat(pebble.validationsFailed()).isZero();
        assertThat(proxy.connectionsTo(httpPort)).as("validations answered by Tomcat").isGreaterThan(toTomcat);
        assertThat(proxy.connectionsTo(jettyHttp)).as("validations answered by Jetty").isGreaterThan(toJetty);
        assertThat(tomcat.console()).doesNotContain("SEVERE");
    }

    private static BigInteger serial(int port, String name, List<X509Certificate> roots) throws Exception {
        return TlsProbe.javaHandshake("127.0.0.1", port, name, roots).get(0).getSerialNumber();
    }

    private void awaitBothServeOther(String name, BigInteger old, List<X509Certificate> roots) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
            List<X509Certificate> onTomcat = TlsProbe.javaHandshake("127.0.0.1", httpsPort, name, roots);
            List<X509Certificate> onJetty = TlsProbe.javaHandshake("127.0.0.1", jettyHttps, name, roots);
            TlsProbe.verifyChain(onTomcat, roots, name);
            TlsProbe.verifyChain(onJetty, roots, name);
            assertThat(onJetty.get(0).getSerialNumber()).isEqualTo(onTomcat.get(0).getSerialNumber()).isNotEqualTo(old);
        });
    }
}
