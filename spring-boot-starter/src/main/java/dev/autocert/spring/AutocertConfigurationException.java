package dev.autocert.spring;

import dev.autocert.config.ConfigException;

/**
 * A bad {@code autocert.*} property with {@code autocert.fail-fast=true}: the application does not start, and
 * {@link AutocertFailureAnalyzer} shows the property and the fix.
 */
public class AutocertConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;
    private final String fix;

    /**
     * @param property the property as a Boot user writes it, e.g. {@code autocert.accept-terms}
     * @param cause    core's finding
     */
    public AutocertConfigurationException(String property, ConfigException cause) {
        super("Property '" + property + "' " + cause.problem() + ". Fix: " + BootSettings.inBootSpelling(cause.fix()), cause);
        this.property = property;
        this.problem = cause.problem();
        this.fix = BootSettings.inBootSpelling(cause.fix());
    }

    /** @return the offending property, e.g. {@code autocert.domains} */
    public String property() {
        return property;
    }

    /** @return what is wrong with it */
    public String problem() {
        return problem;
    }

    /** @return what to do, in property spelling */
    public String fix() {
        return fix;
    }
}
