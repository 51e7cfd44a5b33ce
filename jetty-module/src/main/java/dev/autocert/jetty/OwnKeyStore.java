package dev.autocert.jetty;

import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.security.Password;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The keystore an administrator configured on a TLS connector before Autocert came
 * ({@code jetty.sslContext.keyStorePath}). Autocert replaces the connector's keystore by one in memory;
 * this reads the old one's key entries so they go in too and keep serving the names Autocert does not
 * manage. Jetty keeps the passwords to itself, so the caller has to pass them on.
 */
final class OwnKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(OwnKeyStore.class);

    private OwnKeyStore() {
    }

    /**
     * @param factory       a connector's TLS configuration
     * @param storePassword its keystore password (clear or Jetty's {@code OBF:} form), or {@code null}
     * @param keyPassword   the password of the keys when it differs, or {@code null}
     * @return the key entries by alias; empty when there is no keystore or it cannot be read (logged)
     */
    static Map<String, KeyStore.PrivateKeyEntry> read(SslContextFactory.Server factory, String storePassword, String keyPassword) {
        Map<String, KeyStore.PrivateKeyEntry> entries = new LinkedHashMap<>();
        Resource resource = factory.getKeyStoreResource();
        if (resource == null) {
            return entries;
        }
        String store = clear(storePassword);
        if (store == null) {
            LOG.warn("The TLS connector has a keystore ({}) but Autocert was not given its password; only Autocert's "
                    + "certificates are served. Set jetty.sslContext.keyStorePassword to keep it", resource);
            return entries;
        }
        KeyStore.PasswordProtection keys = new KeyStore.PasswordProtection(
                Objects.requireNonNullElse(clear(keyPassword), store).toCharArray());
        try (InputStream in = resource.newInputStream()) {
            KeyStore keyStore = KeyStore.getInstance(Objects.requireNonNullElse(factory.getKeyStoreType(), "PKCS12"));
            keyStore.load(in, store.toCharArray());
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    entries.put(alias, (KeyStore.PrivateKeyEntry) keyStore.getEntry(alias, keys));
                }
            }
            LOG.info("Keeping {} certificate(s) of {} for names Autocert does not manage", entries.size(), resource);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("Cannot read the configured keystore {} ({}); only Autocert's certificates are served. "
                    + "Check jetty.sslContext.keyStorePassword and keyManagerPassword", resource, e.toString());
            entries.clear();
        }
        return entries;
    }

    /** Jetty passwords may be obfuscated ({@code OBF:...}); the keystore needs the clear text. */
    static @Nullable String clear(String password) {
        if (password == null || password.isEmpty()) {
            return null;
        }
        return password.startsWith("OBF:") ? Password.deobfuscate(password) : password;
    }
}
