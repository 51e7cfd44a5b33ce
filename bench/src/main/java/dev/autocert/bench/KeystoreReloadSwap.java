package dev.autocert.bench;

import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.tls.CertifiedKey;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The way a certbot deploy hook renews a stock Tomcat: a new PKCS#12 keystore is written next to the
 * connector's and renamed over it (t0 when the rename is done), then Tomcat's own reload,
 * {@code reloadSslHostConfigs()} of the connector's protocol handler, builds a new SSLContext from the
 * file. Here the reload is called in-process; a hook reaches it through JMX, which only adds time.
 */
final class KeystoreReloadSwap implements CertificateSwap {

    private final Path keystore;
    private final char[] password;
    private final AbstractHttp11Protocol<?> protocol;

    /**
     * @param keystore  the connector's PKCS#12 file
     * @param password  its password
     * @param connector the TLS connector reading it
     */
    KeystoreReloadSwap(Path keystore, String password, Connector connector) {
        this.keystore = keystore;
        this.password = password.toCharArray();
        this.protocol = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
    }

    @Override
    public void store(CertifiedKey next) throws IOException {
        Keystores.write(keystore, next, Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, password);
    }

    @Override
    public void activate(CertifiedKey next) {
        protocol.reloadSslHostConfigs();
    }
}
