package dev.autocert.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The properties only the starter has. Every core setting ({@link dev.autocert.config.Setting}) is an
 * {@code autocert.*} property too, bound by {@link BootSettings} from that one list: {@code autocert.domains},
 * {@code autocert.accept-terms}, {@code autocert.https-port}, ...
 */
@ConfigurationProperties("autocert")
public class AutocertProperties {

    /** Whether the starter wires Autocert into the embedded server at all. */
    private boolean enabled = true;

    /**
     * Whether a bad autocert.* property stops the application (a failure analysis naming the property and the fix)
     * instead of being logged while the application starts and serves without Autocert.
     */
    private boolean failFast;

    /** @return whether the starter is active */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the starter is active */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return whether a bad property stops the application */
    public boolean isFailFast() {
        return failFast;
    }

    /** @param failFast whether a bad property stops the application */
    public void setFailFast(boolean failFast) {
        this.failFast = failFast;
    }
}
