package dev.autocert.tomcat;

import dev.autocert.config.CertificateSpec;
import dev.autocert.store.AtomicFiles;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.tls.CertifiedKey;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A keystore file a TLS connector reads (one {@code <Certificate>} of one {@code <SSLHostConfig>}).
 * When Autocert manages a certificate for the names the file's certificate covers, the file is
 * rewritten atomically with the new key and chain (same type, password and alias) and the
 * connector reloads that host's TLS configuration: clients without SNI, and tools that read the
 * keystore, see the renewed certificate too.
 */
public final class ConnectorKeystore {

    private final Connector connector;
    private final String hostName;
    private final Path file;
    private final String type;
    private final char[] password;
    private final String alias;
    private final List<String> names;

    private ConnectorKeystore(Connector connector, String hostName, Path file, String type, char[] password,
                              String alias, List<String> names) {
        this.connector = connector;
        this.hostName = hostName;
        this.file = file;
        this.type = type;
        this.password = password;
        this.alias = alias;
        this.names = names;
    }

    /**
     * @param connector   a TLS connector
     * @param catalinaBase where relative keystore paths start
     * @return its keystore files that could be read, with the names their certificates cover
     */
    public static List<ConnectorKeystore> of(Connector connector, Path catalinaBase) {
        List<ConnectorKeystore> out = new ArrayList<>();
        for (SSLHostConfig host : connector.findSslHostConfigs()) {
            for (SSLHostConfigCertificate cert : host.getCertificates()) {
                String location = cert.getCertificateKeystoreFile();
                if (location == null || location.isEmpty() || location.contains(":") && !location.startsWith("/")) {
                    continue; // PEM files or URLs: served through the key manager only
                }
                Path file = catalinaBase.resolve(location);
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                String type = cert.getCertificateKeystoreType() == null ? "JKS" : cert.getCertificateKeystoreType();
                String pw = cert.getCertificateKeystorePassword() == null ? "changeit" : cert.getCertificateKeystorePassword();
                try {
                    KeyStore ks = KeyStore.getInstance(type);
                    ks.load(new ByteArrayInputStream(Files.readAllBytes(file)), pw.toCharArray());
                    String alias = cert.getCertificateKeyAlias();
                    if (alias == null) {
                        alias = Collections.list(ks.aliases()).stream().filter(a -> isKey(ks, a)).findFirst().orElse(null);
                    }
                    if (alias != null && ks.getCertificate(alias) instanceof X509Certificate x) {
                        out.add(new ConnectorKeystore(connector, host.getHostName(), file, type, pw.toCharArray(), alias,
                                CertifiedKey.names(x)));
                    }
                } catch (IOException | GeneralSecurityException e) {
                    // a keystore we cannot read stays the user's business; the key manager still serves SNI clients
                }
            }
        }
        return out;
    }

    /**
     * A keystore Autocert wrote itself (the connector it added), known without reading the file back.
     *
     * @param connector the connector reading it
     * @param hostName  its host configuration's name
     * @param file      the PKCS#12 file, alias {@link FileStore#KEYSTORE_ALIAS}
     * @param password  the file's password
     * @param names     the names of the certificate written there
     * @return the keystore
     */
    public static ConnectorKeystore written(Connector connector, String hostName, Path file, String password, List<String> names) {
        return new ConnectorKeystore(connector, hostName, file, Keystores.PKCS12, password.toCharArray(), FileStore.KEYSTORE_ALIAS,
                List.copyOf(names));
    }

    /**
     * Writes the keystore of the connector Autocert adds, unless it holds {@code initial} already (a restart with the
     * certificate of the last run): PKCS#12's key derivation makes each write cost tens of milliseconds of a start.
     * The leaf's fingerprint beside the file says what it holds; {@link #replaceWith} removes it.
     *
     * @param keystore the PKCS#12 file, alias {@link FileStore#KEYSTORE_ALIAS}
     * @param initial  the certificate it must hold
     * @param password the file's password
     * @throws IOException when the file cannot be written
     */
    public static void writeUnlessCurrent(Path keystore, CertifiedKey initial, String password) throws IOException {
        Path held = heldFile(keystore);
        String fingerprint = initial.fingerprint();
        if (Files.isRegularFile(keystore) && Files.isRegularFile(held)
                && fingerprint.equals(Files.readString(held, StandardCharsets.US_ASCII).trim())) {
            return;
        }
        Files.deleteIfExists(held);
        Keystores.write(keystore, initial, Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, password.toCharArray());
        AtomicFiles.write(held, (fingerprint + "\n").getBytes(StandardCharsets.US_ASCII), false);
    }

    private static Path heldFile(Path keystore) {
        return keystore.resolveSibling(keystore.getFileName() + ".sha256");
    }

    private static boolean isKey(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * @param spec a managed certificate
     * @return whether this keystore holds a certificate for one of its names
     */
    public boolean covers(CertificateSpec spec) {
        return !Collections.disjoint(names, Set.copyOf(spec.domains()));
    }

    /**
     * Rewrites the file with {@code certificate} and reloads the connector's host configuration.
     *
     * @param certificate the new key and chain
     * @throws IOException when the file cannot be written or the reload fails
     */
    public void replaceWith(CertifiedKey certificate) throws IOException {
        Files.deleteIfExists(heldFile(file)); // the file no longer holds what a start wrote there
        Keystores.write(file, certificate, type, alias, password);
        ProtocolHandler handler = connector.getProtocolHandler();
        if (handler instanceof AbstractHttp11Protocol<?> http) {
            http.reloadSslHostConfig(hostName);
        }
    }

    /** @return the keystore file */
    public Path file() {
        return file;
    }

    /** @return the connector reading it */
    public Connector connector() {
        return connector;
    }
}
