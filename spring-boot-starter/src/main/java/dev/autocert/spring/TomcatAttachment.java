package dev.autocert.spring;

import dev.autocert.tomcat.AutocertListener;
import org.apache.catalina.Server;
import org.apache.catalina.connector.Connector;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Puts Tomcat's own {@link AutocertListener} (the drop-in's valve, JSSE wiring and added HTTPS connector) on the
 * {@code Server} of Boot's embedded Tomcat, before it initialises. Boot offers no hook on the Server itself; its
 * main connector is handed to connector customizers already inside the Server's Service, which is where this
 * reaches it. Without {@code server.ssl.*} the listener adds the HTTPS connector on {@code autocert.https-port};
 * with it, Boot's TLS connector chooses Autocert's certificate for the managed names per handshake (and its own
 * keystore for the rest).
 */
public final class TomcatAttachment {

    private final AutocertRuntime runtime;
    private final Set<Server> attached = Collections.newSetFromMap(new WeakHashMap<>());

    /** @param runtime the starter's instance */
    public TomcatAttachment(AutocertRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Boot's connector customizer: wires the Server of the main connector, once per Server.
     *
     * @param connector the embedded Tomcat's main connector, already in its Service
     */
    public synchronized void customize(Connector connector) {
        if (runtime.config().isEmpty() || connector.getService() == null || connector.getService().getServer() == null) {
            return;
        }
        Server server = connector.getService().getServer();
        if (!attached.add(server)) {
            return;
        }
        AutocertListener listener = new AutocertListener();
        for (Map.Entry<String, String> e : runtime.adapterSettings().entrySet()) {
            listener.setProperty(e.getKey(), e.getValue());
        }
        listener.deferIssuing();
        server.addLifecycleListener(listener);
        runtime.attach(listener::getAutocert, listener::startIssuing);
    }
}
