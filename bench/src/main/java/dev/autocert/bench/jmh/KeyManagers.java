package dev.autocert.bench.jmh;

import dev.autocert.config.KeyType;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.tls.SelfSigned;
import dev.autocert.Autocert;
import dev.autocert.tomcat.TomcatWiring;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.net.jsse.JSSEImplementation;

import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedKeyManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The key managers Tomcat's JSSE connector really uses, built the way Tomcat builds them. */
final class KeyManagers {

    private KeyManagers() {
    }

    /**
     * @param implementation {@code new JSSEImplementation()} (stock) or {@code new AutocertJsseImplementation()}
     * @param folder         where the connector keystore file is written
     * @param autocert       the instance an Autocert implementation serves, or {@code null} for the stock one
     * @return the X.509 key manager Tomcat hands to JSSE for a PKCS#12 keystore with one EC key
     * @throws Exception when the keystore cannot be built
     */
    static X509ExtendedKeyManager tomcat(JSSEImplementation implementation, Path folder, Autocert autocert) throws Exception {
        Path keystore = folder.resolve("connector.p12");
        Files.write(keystore, Keystores.encode(SelfSigned.temporary(List.of("connector.test"), KeyType.EC256),
                Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, "changeit".toCharArray()));
        SSLHostConfig host = new SSLHostConfig();
        host.setHostName("_default_");
        host.setProtocols("TLSv1.3");
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.EC);
        certificate.setCertificateKeystoreFile(keystore.toAbsolutePath().toString());
        certificate.setCertificateKeystorePassword("changeit");
        certificate.setCertificateKeystoreType("PKCS12");
        host.addCertificate(certificate);
        if (autocert != null) {
            TomcatWiring.serve(host, autocert);
        }
        for (KeyManager km : implementation.getSSLUtil(certificate).getKeyManagers()) {
            if (km instanceof X509ExtendedKeyManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509ExtendedKeyManager from " + implementation);
    }
}
