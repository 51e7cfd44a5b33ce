package dev.autocert.config;

/**
 * How one setting's value is checked on its own, before any setting is used; checks that involve
 * several settings (a wildcard needs a DNS-01 publisher, say) are made by {@link AutocertConfig}.
 */
@FunctionalInterface
public interface ValueCheck {

    /**
     * @param setting the setting, for the message
     * @param value   the trimmed, non-blank value
     * @throws ConfigException naming the setting and the fix when the value is wrong
     */
    void check(Setting setting, String value) throws ConfigException;

    /** @return whether the value names a file or folder, which adapters with a base folder resolve when relative */
    default boolean namesPath() {
        return false;
    }

    /**
     * @param check how the path is checked
     * @return the same check, marked as naming a file or folder
     */
    static ValueCheck path(ValueCheck check) {
        return new ValueCheck() {
            @Override
            public void check(Setting setting, String value) throws ConfigException {
                check.check(setting, value);
            }

            @Override
            public boolean namesPath() {
                return true;
            }
        };
    }
}
