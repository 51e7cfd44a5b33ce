package dev.autocert.store.jdbc;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Finds the container's {@code DataSource} for the cluster store by the JNDI name {@code storage} gives. Where a
 * name lives depends on the container: a webapp sees its own {@code java:comp/env}, while a server-level
 * component (the Tomcat listener) looks in the server's global resources, so each adapter may bring its own.
 */
@FunctionalInterface
public interface DataSourceLookup {

    /**
     * @param name the JNDI name, e.g. {@code java:comp/env/jdbc/autocert}
     * @return the data source bound there
     * @throws NamingException when nothing, or something else than a {@code DataSource}, is bound there
     */
    DataSource find(String name) throws NamingException;

    /** @return a lookup in the calling thread's initial context (a webapp's names, or the JVM's global ones) */
    static DataSourceLookup initialContext() {
        return name -> dataSource(name, new InitialContext().lookup(name));
    }

    /**
     * @param name  the JNDI name looked up
     * @param bound what is bound there
     * @return it, when it is a {@code DataSource}
     * @throws NamingException naming what is bound there instead
     */
    static DataSource dataSource(String name, Object bound) throws NamingException {
        if (bound instanceof DataSource ds) {
            return ds;
        }
        throw new NamingException(name + " is bound to " + (bound == null ? "nothing" : bound.getClass().getName())
                + ", not to a javax.sql.DataSource");
    }
}
