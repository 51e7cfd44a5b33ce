package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.CertificateSpec;
import dev.autocert.tls.CertifiedKey;
import org.apache.catalina.Engine;
import org.apache.catalina.connector.Connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Wires an embedded Tomcat the way {@link AutocertListener} wires {@code server.xml} in
 * {@code BEFORE_INIT}, without the listener's configuration parsing and without starting the
 * issuance schedule (a benchmark must not contact a CA). It lives in this package because
 * {@link TomcatAutocert#set(Autocert)} is package-private.
 */
public final class BenchWiring {

    private BenchWiring() {
    }

    /** @param autocert the instance the JSSE implementation and the valve find through {@link TomcatAutocert} */
    public static void install(Autocert autocert) {
        TomcatAutocert.set(autocert);
    }

    /**
     * What {@code AutocertListener.wire} does to a JSSE TLS connector: Autocert's JSSE implementation and
     * {@code acme-tls/1} as the last upgrade protocol.
     *
     * @param connector a TLS connector, before Tomcat starts
     */
    public static void wireTls(Connector connector) {
        connector.setProperty("sslImplementationName", AutocertJsseImplementation.class.getName());
        connector.addUpgradeProtocol(new AcmeTlsAlpnProtocol());
    }

    /** @param engine the Engine whose pipeline gets the challenge valve, as the listener does */
    public static void addValve(Engine engine) {
        engine.getPipeline().addValve(new AcmeChallengeValve());
    }

    /**
     * What {@code AutocertListener} does once a certificate went live: every keystore file of the
     * connector whose certificate covers one of the certificate's names is rewritten with it and that
     * host's TLS configuration reloaded ({@code ConnectorKeystore}, read once, as the listener does at start).
     *
     * @param connector    a TLS connector with keystore files
     * @param spec         the managed certificate
     * @param catalinaBase where relative keystore paths start
     * @return the listener's work for one installed certificate; it throws {@link UncheckedIOException}
     *         when a file cannot be written or a reload fails
     */
    public static Consumer<CertifiedKey> keystoreSync(Connector connector, CertificateSpec spec, Path catalinaBase) {
        List<ConnectorKeystore> keystores = ConnectorKeystore.of(connector, catalinaBase).stream()
                .filter(k -> k.covers(spec)).toList();
        if (keystores.isEmpty()) {
            throw new IllegalArgumentException("no keystore of " + connector + " covers " + spec.domains());
        }
        return certificate -> {
            for (ConnectorKeystore keystore : keystores) {
                try {
                    keystore.replaceWith(certificate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
