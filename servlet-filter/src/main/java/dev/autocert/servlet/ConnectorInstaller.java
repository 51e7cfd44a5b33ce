package dev.autocert.servlet;

import dev.autocert.diagnose.Diagnosis;
import dev.autocert.config.CertificateSpec;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;
import dev.autocert.tls.CertifiedKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands the first certificate of {@code domains} to the container's TLS connector: rewrites the
 * connector keystore atomically (PKCS#12, alias {@code autocert}, 0600) and has the container reload
 * it. Runs on every fresh issuance, and at start when the keystore does not hold the stored
 * certificate yet (e.g. the placeholder of the first start).
 */
final class ConnectorInstaller implements CertificateEvents {

    private final CertificateSpec first;
    private final Path keystore;
    private final char[] password;
    private final ConnectorReload reload;
    private final AdapterLog log;

    ConnectorInstaller(CertificateSpec first, Path keystore, String password, ConnectorReload reload, AdapterLog log) {
        this.first = first;
        this.keystore = keystore;
        this.password = password.toCharArray();
        this.reload = reload;
        this.log = log;
    }

    @Override
    public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
        if (!spec.equals(first)) {
            return;
        }
        if (!fresh && holds(certificate)) {
            log.info("The connector keystore " + keystore + " already holds the certificate for " + spec.domains());
            return;
        }
        try {
            Keystores.write(keystore, certificate, Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, password);
        } catch (IOException e) {
            log.warn(new Diagnosis(Diagnosis.Kind.CONNECTOR_UPDATE_FAILED, "cannot write " + keystore + ": " + e.getMessage(),
                    "make its folder writable by the container's user, or correct " + WarSetting.CONNECTOR_KEYSTORE.key(), null).message());
            return;
        }
        try {
            String how = reload.reload(keystore);
            log.info("Certificate for " + spec.domains() + " (valid until " + certificate.notAfter() + ") written to "
                    + keystore + "; " + how);
        } catch (ConnectorReload.ReloadFailure e) {
            log.warn(e.getMessage());
        }
    }

    /** @return whether the connector keystore already holds this certificate under our password */
    boolean holds(CertifiedKey certificate) {
        if (!Files.isRegularFile(keystore)) {
            return false;
        }
        try {
            return Keystores.read(Files.readAllBytes(keystore), Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, password).leaf()
                    .equals(certificate.leaf());
        } catch (IOException e) {
            return false; // another password, another alias, a damaged file: it is rewritten
        }
    }
}
