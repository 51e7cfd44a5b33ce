package dev.autocert.config;

/**
 * The container adapters that read settings. Most settings are read by all of them; a few only make
 * sense in one (Tomcat's {@code httpsPort}: only the Tomcat listener adds a connector).
 */
public enum Adapter {
    /** {@code AutocertListener} in Tomcat's {@code server.xml}, or embedded. */
    TOMCAT("the Tomcat listener"),
    /** The Jetty module ({@code jetty.autocert.<name>}) and embedded Jetty. */
    JETTY("Jetty"),
    /** The WAR install ({@code autocert.<name>}, {@code AUTOCERT_<NAME>}). */
    WAR("the WAR install");

    private final String description;

    Adapter(String description) {
        this.description = description;
    }

    /** @return how messages name the adapter, e.g. "the Tomcat listener" */
    public String description() {
        return description;
    }

    /**
     * @param setting a setting
     * @return how an administrator of this adapter writes it: {@code statusPath} (a Tomcat attribute),
     *         {@code jetty.autocert.statusPath}, {@code autocert.statusPath}
     */
    public String nameOf(Setting setting) {
        return switch (this) {
            case TOMCAT -> setting.key();
            case JETTY -> "jetty.autocert." + setting.key();
            case WAR -> "autocert." + setting.key();
        };
    }
}
