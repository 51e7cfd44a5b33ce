package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import org.apache.catalina.connector.Connector;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.res.StringManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Managed certificates on a connector that uses Tomcat's OpenSSL implementation (FFM on Java 22+, or tcnative).
 * OpenSSL picks the certificate in native code, by SNI, from one context per {@code SSLHostConfig}; no Java key
 * manager is asked per handshake. So each name of each managed certificate gets its own {@code SSLHostConfig}
 * (host name = the domain; a wildcard {@code *.example.com} as Tomcat matches it), reading its own PKCS#12 keystore
 * written here through {@link Keystores} before the connector starts (the stored certificate, else the placeholder).
 * The connector's default host serves the first certificate. On renewal {@link ConnectorKeystore} rewrites each of
 * these files and reloads that one host ({@code reloadSslHostConfig(name)}), as for JSSE connectors' keystores.
 * <p>TLS-ALPN-01 is not answered on such a connector: the certificate of a handshake cannot depend on its ALPN,
 * and swapping in a challenge-only host for the validation window would change what normal clients get
 * (README "Fast TLS").
 */
final class OpenSslHosts {

    private static final Log log = LogFactory.getLog(OpenSslHosts.class);
    private static final StringManager sm = StringManager.getManager(OpenSslHosts.class);

    /** Tomcat's default for {@code defaultSSLHostConfigName}. */
    private static final String DEFAULT_HOST = "_default_";

    private OpenSslHosts() {
    }

    /**
     * Adds the host configurations of every managed certificate to {@code connector}, before it initialises.
     *
     * @param connector a TLS connector on an OpenSSL implementation, not initialised
     * @param autocert  the instance: its settings (certificates, storage folder, keystore password), and
     *                  {@link Autocert#serving}, each keystore's first content
     * @return whether the connector now serves the managed certificates; {@code false} (logged) when a keystore
     *         could not be written, and the connector is then left as server.xml made it
     */
    static boolean install(Connector connector, Autocert autocert) {
        AutocertConfig config = autocert.config();
        Path folder = config.storage().toAbsolutePath().resolve("connector").resolve("openssl-" + connector.getPortWithOffset());
        char[] password = config.keystorePassword().toCharArray();
        Map<String, SSLHostConfig> existing = new HashMap<>();
        for (SSLHostConfig host : connector.findSslHostConfigs()) {
            existing.put(host.getHostName().toLowerCase(Locale.ROOT), host);
        }
        Map<String, Path> files = new HashMap<>();
        // an on-demand name is chosen per handshake in Java, which OpenSSL does not call: such connectors serve the listed ones
        List<CertificateSpec> specs = config.certificates().isEmpty() ? List.of(autocert.defaultCertificate()) : config.certificates();
        try {
            for (CertificateSpec spec : specs) {
                Path file = folder.resolve(spec.name().replace('*', '_') + ".p12");
                Keystores.write(file, autocert.serving(spec), Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, password);
                files.put(spec.name(), file);
            }
        } catch (IOException e) {
            log.error(sm.getString("openssl.keystoreFailed", connector, folder, e.getMessage()));
            return false;
        }
        for (CertificateSpec spec : specs) {
            for (String domain : spec.domains()) {
                String name = domain.toLowerCase(Locale.ROOT);
                if (existing.containsKey(name)) {
                    // the user's own host for this name wins; ConnectorKeystore still renews it if it holds this name
                    log.warn(sm.getString("openssl.ownHost", connector, name));
                    continue;
                }
                SSLHostConfig host = new SSLHostConfig();
                host.setHostName(name);
                readFrom(host, files.get(spec.name()), config.keystorePassword());
                connector.addSslHostConfig(host);
                existing.put(name, host);
            }
        }
        Object defaultName = connector.getProperty("defaultSSLHostConfigName");
        String defaultHost = defaultName == null ? DEFAULT_HOST : defaultName.toString().toLowerCase(Locale.ROOT);
        SSLHostConfig fallback = existing.get(defaultHost);
        // clients without SNI: those connecting to an address get its certificate, others the first
        Path first = files.get(config.firstAddress().flatMap(address -> specs.stream()
                .filter(spec -> spec.domains().contains(address)).findFirst()).orElse(specs.get(0)).name());
        if (fallback == null) {
            fallback = new SSLHostConfig();
            fallback.setHostName(defaultHost);
            readFrom(fallback, first, config.keystorePassword());
            connector.addSslHostConfig(fallback);
        } else if (fallback.getCertificates().stream().noneMatch(c -> first.toString().equals(c.getCertificateKeystoreFile()))) {
            // clients without SNI get a managed certificate, not the one server.xml named
            fallback.getCertificates().clear();
            readFrom(fallback, first, config.keystorePassword());
        }
        log.info(sm.getString("openssl.wired", connector, specs.size(), folder));
        return true;
    }

    /** Makes {@code host}'s only certificate the PKCS#12 keystore {@code file}. */
    private static void readFrom(SSLHostConfig host, Path file, String password) {
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        cert.setCertificateKeystoreFile(file.toString());
        cert.setCertificateKeystorePassword(password);
        cert.setCertificateKeystoreType(Keystores.PKCS12);
        cert.setCertificateKeyAlias(FileStore.KEYSTORE_ALIAS);
        host.addCertificate(cert);
    }
}
