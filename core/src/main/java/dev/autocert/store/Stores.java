package dev.autocert.store;

import dev.autocert.config.AutocertConfig;
import dev.autocert.store.jdbc.JdbcStore;

/** Opens the store a configuration names: a {@link FileStore} folder, or a {@link JdbcStore} database. */
public final class Stores {

    private Stores() {
    }

    /**
     * @param config the settings ({@code storage} and, for a database, its user, password and key)
     * @return the store; a database store connects lazily, so a database that is down does not stop a start
     */
    public static Store open(AutocertConfig config) {
        FileStore local = new FileStore(config.storage(), config.keystorePassword());
        if (config.storageUrl().isEmpty()) {
            return local;
        }
        return new JdbcStore(new JdbcStore.Settings(config.storageUrl().get(), config.storageUser().orElse(null),
                config.storagePassword().orElse(null), config.storageKey().orElse(null)), local, config.storageLeaseTime());
    }
}
