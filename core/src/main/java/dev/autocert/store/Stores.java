package dev.autocert.store;

import dev.autocert.config.AutocertConfig;
import dev.autocert.store.jdbc.DataSourceLookup;
import dev.autocert.store.jdbc.JdbcStore;

import java.util.Optional;

/** Opens the store a configuration names: a {@link FileStore} folder, or a {@link JdbcStore} database. */
public final class Stores {

    private Stores() {
    }

    /**
     * @param config the settings ({@code storage} and, for a database, its user, password and key)
     * @return the store; a database store connects lazily, so a database that is down does not stop a start; a
     *         JNDI name is looked up in the calling thread's initial context
     */
    public static Store open(AutocertConfig config) {
        return open(config, DataSourceLookup.initialContext());
    }

    /**
     * @param config the settings ({@code storage} and, for a database, its user, password and key)
     * @param lookup where a JNDI name in {@code storage} is found (a container's global resources)
     * @return the store, as {@link #open(AutocertConfig)}
     */
    public static Store open(AutocertConfig config, DataSourceLookup lookup) {
        FileStore local = new FileStore(config.storage(), config.keystorePassword());
        Optional<String> database = config.storageUrl().or(config::storageDataSource);
        if (database.isEmpty()) {
            return local;
        }
        return new JdbcStore(new JdbcStore.Settings(database.get(), config.storageUser().orElse(null),
                config.storagePassword().orElse(null), config.storageKey().orElse(null)), local, config.storageLeaseTime(),
                lookup);
    }
}
