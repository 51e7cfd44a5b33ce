package dev.autocert.tomcat;

import dev.autocert.Autocert;
import org.apache.catalina.Engine;
import org.apache.catalina.connector.Connector;

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
}
