package dev.autocert.config;

import dev.autocert.docs.Troubleshooting;

/**
 * A setting is missing or wrong. The message names the setting, what is wrong with it and how to
 * fix it, so that one log line is enough for an administrator.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;
    /** The heading of the troubleshooting page that explains bad settings. */
    static final String BAD_SETTING = "bad-setting";

    private final String setting;
    private final String problem;
    private final String fix;

    /**
     * @param setting the setting's name as the user writes it, e.g. {@code domains}
     * @param problem what is wrong, e.g. "is missing"
     * @param fix     what to do, e.g. "set domains=\"example.com\""
     */
    public ConfigException(String setting, String problem, String fix) {
        super(Troubleshooting.line("Setting '" + setting + "' " + problem, fix, null, BAD_SETTING));
        this.setting = setting;
        this.problem = problem;
        this.fix = fix;
    }

    /** @return the name of the offending setting */
    public String setting() {
        return setting;
    }

    /** @return what is wrong, e.g. "is missing" */
    public String problem() {
        return problem;
    }

    /** @return what to do */
    public String fix() {
        return fix;
    }
}
