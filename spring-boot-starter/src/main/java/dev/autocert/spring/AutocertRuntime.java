package dev.autocert.spring;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.ConfigException;
import dev.autocert.renew.CertificateEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.context.SmartLifecycle;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The starter's one Autocert: the checked {@code autocert.*} properties, the instance the embedded server's
 * adapter made from them, and the moment issuing starts. Boot takes the embedded server's connectors out while the
 * application starts and binds them only when it is ready, so issuing starts here, in the last lifecycle phase,
 * after the web server (the CA validates against ports that answer). Health, info and metrics read the instance
 * through this bean.
 */
public final class AutocertRuntime implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(AutocertRuntime.class);

    private final BootSettings settings;
    private final Path defaultStorage;
    private final AutocertConfig config;
    private final String problem;
    private final List<CertificateEvents> listeners = new CopyOnWriteArrayList<>();
    private volatile Supplier<Autocert> instance = () -> null;
    private volatile Runnable startIssuing;
    private volatile boolean running;

    /**
     * @param settings   the bound properties
     * @param properties the starter's own properties
     * @throws AutocertConfigurationException for a bad property when {@code autocert.fail-fast=true}
     */
    public AutocertRuntime(BootSettings settings, AutocertProperties properties) {
        this(settings, properties, new ApplicationHome().getDir().toPath().resolve("autocert"));
    }

    /**
     * @param settings       the bound properties
     * @param properties     the starter's own properties
     * @param defaultStorage the store folder when {@code autocert.storage} is not set
     */
    AutocertRuntime(BootSettings settings, AutocertProperties properties, Path defaultStorage) {
        this.settings = settings;
        this.defaultStorage = defaultStorage.toAbsolutePath();
        AutocertConfig checked = null;
        String found = null;
        try {
            checked = settings.check(this.defaultStorage);
        } catch (ConfigException e) {
            AutocertConfigurationException bad = new AutocertConfigurationException(BootSettings.propertyOf(e.setting()), e);
            if (properties.isFailFast()) {
                throw bad;
            }
            found = bad.getMessage();
            LOG.error("Autocert is not active: {} The application starts without it (autocert.fail-fast=true stops it instead).",
                    found);
        }
        this.config = checked;
        this.problem = found;
    }

    /** @return the checked configuration; empty when a property was bad */
    public Optional<AutocertConfig> config() {
        return Optional.ofNullable(config);
    }

    /** @return why Autocert is not active, naming the property and the fix; empty when it is */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** @return the managed certificates; empty when a property was bad */
    public List<CertificateSpec> certificates() {
        return config == null ? List.of() : config.certificates();
    }

    /** @return the settings for an adapter, in core spelling, with the store beside the application by default */
    public Map<String, String> adapterSettings() {
        return settings.withStorage(defaultStorage);
    }

    /** @return the running instance, once the embedded server has made it */
    public Optional<Autocert> autocert() {
        return Optional.ofNullable(instance.get());
    }

    /**
     * Called by the embedded server's adapter when it wires Autocert in.
     *
     * @param autocert     the instance, available once the server initialised ({@code null} before)
     * @param startIssuing starts issuing once the connectors accept connections
     */
    public void attach(Supplier<Autocert> autocert, Runnable startIssuing) {
        this.instance = autocert;
        this.startIssuing = startIssuing;
    }

    /** @param listener told of certificates going live and failures, from the start of issuing on */
    public void addListener(CertificateEvents listener) {
        listeners.add(listener);
        if (running) {
            autocert().ifPresent(a -> a.addListener(listener));
        }
    }

    @Override
    public void start() {
        running = true;
        if (startIssuing == null) {
            if (config != null) {
                // e.g. this build's Boot line is not the application's: its embedded-server types were not found
                LOG.warn("Autocert found no embedded Tomcat or Jetty to wire into: this starter is built for Spring Boot {}"
                        + " (the application runs {}); nothing is issued or served", BootLine.BUILT_FOR,
                        SpringBootVersion.getVersion());
            }
            return;
        }
        autocert().ifPresent(a -> listeners.forEach(a::addListener));
        startIssuing.run();
    }

    @Override
    public void stop() {
        // the embedded server's adapter stops Autocert with the server
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Last: after the web server has bound its connectors. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
