package dev.autocert.store;

import dev.autocert.tls.CertifiedKey;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.util.Optional;

/**
 * Where account keys and certificates survive a restart. Every write is all-or-nothing; a failed
 * write leaves the previous state readable.
 */
public interface Store {

    /**
     * @param directory the ACME directory the account belongs to
     * @return the account key, if one was saved for that CA
     * @throws IOException when the store cannot be read
     */
    Optional<KeyPair> loadAccountKey(URI directory) throws IOException;

    /**
     * @param directory the ACME directory the account belongs to
     * @param keys      the account key pair
     * @throws IOException when the store cannot be written
     */
    void saveAccountKey(URI directory, KeyPair keys) throws IOException;

    /**
     * @param name a certificate's name ({@link dev.autocert.config.CertificateSpec#name()})
     * @return the stored certificate with its key, if any and readable
     * @throws IOException when the store cannot be read
     */
    Optional<CertifiedKey> loadCertificate(String name) throws IOException;

    /**
     * @param name        a certificate's name
     * @param certificate the certificate with its key
     * @throws IOException when the store cannot be written
     */
    void saveCertificate(String name, CertifiedKey certificate) throws IOException;
}
