package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.Adapter;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.res.StringManager;
import org.jspecify.annotations.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one line that gives a Tomcat server automatic HTTPS:
 * <pre>{@code
 * <Listener className="dev.autocert.tomcat.AutocertListener"
 *           domains="example.com,www.example.com;api.example.com"
 *           email="ops@example.com" acceptTerms="true"/>
 * }</pre>
 * Before the server initialises it checks the settings and installs Autocert ({@link TomcatInstall}: the valve,
 * the TLS wiring, an HTTPS connector when there is none, stored certificates served at once); once the server has
 * started it issues what is missing and keeps everything renewed. A bad setting is logged with its fix and Tomcat
 * starts without Autocert.
 * <p>Every attribute is a {@link Setting}, taken by {@link #setProperty} (server.xml) or {@link #set} (code):
 * the listener has no setter per setting, so a new setting needs no code here.
 */
public class AutocertListener implements LifecycleListener {

    private static final Log log = LogFactory.getLog(AutocertListener.class);
    private static final StringManager sm = StringManager.getManager(AutocertListener.class);

    /** The attribute of {@code <Listener>} that Tomcat's digester rule reads itself (skip the class if missing). */
    private static final String TOMCAT_OPTIONAL = "optional";

    private final Map<String, String> settings = new LinkedHashMap<>();
    private volatile boolean deferIssuing;
    private volatile @Nullable TomcatInstall installed;

    /**
     * Takes one attribute of the {@code <Listener>} element: Tomcat's digester calls this for every attribute
     * that has no setter, which is every setting ({@link Setting}, README "Settings"). Names and values are
     * checked together when the server initialises, so a bad or unknown one is one SEVERE line naming it and the
     * fix (for a typo: the closest setting), and Tomcat starts without Autocert.
     *
     * @param name  the attribute, e.g. {@code domains}
     * @param value its value, with Tomcat's {@code ${...}} replaced
     * @return {@code false} only for Tomcat's own {@code optional} attribute, which the digester then leaves to
     *         its rule; {@code true} for everything else, which this listener reports itself: the digester's
     *         generic "failed to set property" warning would only repeat it, without the correction
     */
    public boolean setProperty(String name, String value) {
        if (TOMCAT_OPTIONAL.equals(name)) {
            return false;
        }
        settings.put(name, value);
        return true;
    }

    /**
     * Gives a setting from code (embedded Tomcat), before the server initialises; checked then, like the
     * attributes of server.xml.
     *
     * @param setting the setting
     * @param value   its value as it would be written in server.xml
     */
    public void set(Setting setting, String value) {
        settings.put(setting.key(), value);
    }

    /**
     * For embedding code whose container binds its connectors only after the {@code Server} has started (Spring
     * Boot's embedded Tomcat takes them out during start-up and puts them back once the application is ready):
     * issuing then waits for {@link #startIssuing()} instead of beginning on {@code AFTER_START}, so the CA never
     * validates against a port nobody listens on yet. Call before the server initialises.
     */
    public void deferIssuing() {
        deferIssuing = true;
    }

    /**
     * Starts issuing and renewing now (once; later calls do nothing), when {@link #deferIssuing()} was called and the
     * connectors accept connections. Does nothing before the server initialised or after a bad configuration.
     */
    public void startIssuing() {
        TomcatInstall i = installed;
        if (i != null) {
            i.startIssuing();
        }
    }

    /** @return the running instance, for embedding code and tests; {@code null} before init or after a bad config */
    public @Nullable Autocert getAutocert() {
        TomcatInstall i = installed;
        return i == null ? null : i.autocert();
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (!(event.getLifecycle() instanceof Server server)) {
            if (Lifecycle.BEFORE_INIT_EVENT.equals(event.getType())) {
                log.error(sm.getString("listener.notServer", event.getLifecycle()));
            }
            return;
        }
        TomcatInstall i = installed;
        switch (event.getType()) {
            case Lifecycle.BEFORE_INIT_EVENT -> configure(server);
            case Lifecycle.AFTER_START_EVENT -> {
                if (!deferIssuing) {
                    startIssuing();
                }
            }
            case Lifecycle.BEFORE_STOP_EVENT -> {
                if (i != null) {
                    i.stop();
                }
            }
            case Lifecycle.AFTER_DESTROY_EVENT -> {
                if (i != null) {
                    i.release();
                }
                installed = null;
            }
            default -> {
            }
        }
    }

    private void configure(Server server) {
        OwnJarScanSkip.apply();
        AutocertConfig config;
        try {
            config = AutocertConfig.parse(settings, server.getCatalinaBase().toPath().resolve("conf").resolve("autocert"),
                    Adapter.TOMCAT);
        } catch (ConfigException e) {
            log.error(sm.getString("listener.badConfig", e.getMessage()));
            return;
        }
        installed = TomcatInstall.install(server, config);
    }
}
