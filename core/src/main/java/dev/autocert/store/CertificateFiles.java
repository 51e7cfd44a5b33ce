package dev.autocert.store;

import java.nio.file.Path;

/**
 * Where a stored certificate can be read as files, by programs outside the JVM (the event hook commands,
 * a connector keystore): the layout is the store's business, so callers ask the store.
 *
 * @param fullchain PEM leaf and intermediates
 * @param privkey   PEM private key
 * @param keystore  PKCS#12 with key and chain, alias {@value FileStore#KEYSTORE_ALIAS}
 */
public record CertificateFiles(Path fullchain, Path privkey, Path keystore) {
}
