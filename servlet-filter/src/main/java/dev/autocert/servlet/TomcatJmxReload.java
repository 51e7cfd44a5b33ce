package dev.autocert.servlet;

import dev.autocert.diagnose.Diagnosis;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reloads Tomcat's TLS connectors through JMX, with no Tomcat class on the webapp's class path: finds
 * every {@code SSLHostConfigCertificate} MBean whose {@code certificateKeystoreFile} is the rewritten
 * file and calls {@code reloadSslHostConfig(hostName)} on its connector's endpoint MBean
 * ({@code Catalina:type=ThreadPool,name="https-jsse-nio-8443"}; domain {@code Tomcat} when embedded).
 * Tomcat re-reads the file, new handshakes get the new certificate, open connections are untouched.
 */
final class TomcatJmxReload implements ConnectorReload {

    private final MBeanServer server;
    private final ContainerBase base;

    TomcatJmxReload(MBeanServer server, ContainerBase base) {
        this.server = server;
        this.base = base;
    }

    @Override
    public String reload(Path keystore) throws ReloadFailure {
        Map<ObjectName, List<String>> hostsByEndpoint = new LinkedHashMap<>();
        try {
            for (ObjectName cert : server.queryNames(new ObjectName("*:type=SSLHostConfigCertificate,*"), null)) {
                Object file = server.getAttribute(cert, "certificateKeystoreFile");
                if (file instanceof String f && sameFile(f, keystore)) {
                    ObjectName endpoint = new ObjectName(cert.getDomain() + ":type=ThreadPool,name=" + cert.getKeyProperty("ThreadPool"));
                    String host = unquote(cert.getKeyProperty("Host"));
                    List<String> hosts = hostsByEndpoint.computeIfAbsent(endpoint, e -> new ArrayList<>());
                    if (!hosts.contains(host)) {
                        hosts.add(host);
                    }
                }
            }
        } catch (JMException | RuntimeException e) {
            throw new ReloadFailure(new Diagnosis(Diagnosis.Kind.CONNECTOR_UPDATE_FAILED,
                    "Tomcat's connector MBeans cannot be read: " + e, "check that Tomcat's MBean registry is enabled", null).message());
        }
        if (hostsByEndpoint.isEmpty()) {
            throw new ReloadFailure(new Diagnosis(Diagnosis.Kind.CONNECTOR_NOT_FOUND,
                    "the keystore " + keystore + " is written, but no TLS connector of this Tomcat reads it",
                    "point the connector's <Certificate certificateKeystoreFile=...> at that file (see the WAR install "
                            + "section of the README), or correct connectorKeystore; embedded Tomcat needs its MBean "
                            + "registry (Spring Boot: server.tomcat.mbeanregistry.enabled=true)", null).message());
        }
        List<String> done = new ArrayList<>();
        for (Map.Entry<ObjectName, List<String>> e : hostsByEndpoint.entrySet()) {
            for (String host : e.getValue()) {
                try {
                    server.invoke(e.getKey(), "reloadSslHostConfig", new Object[] {host}, new String[] {String.class.getName()});
                    done.add(e.getKey().getKeyProperty("name") + " host " + host);
                } catch (JMException | RuntimeException ex) {
                    throw new ReloadFailure(new Diagnosis(Diagnosis.Kind.CONNECTOR_UPDATE_FAILED,
                            "Tomcat refused to reload " + e.getKey() + " for host " + host + ": " + rootMessage(ex),
                            "check the connector's keystore password and type (connectorKeystorePassword, PKCS12)", null).message());
                }
            }
        }
        return "reloaded Tomcat connector " + String.join(", ", done);
    }

    private boolean sameFile(String configured, Path keystore) {
        Path p = base.resolve(configured);
        Path k = keystore.toAbsolutePath().normalize();
        if (p.equals(k)) {
            return true;
        }
        try {
            return Files.exists(p) && Files.exists(k) && Files.isSameFile(p, k);
        } catch (IOException e) {
            return false;
        }
    }

    private static String unquote(String value) {
        return value != null && value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
