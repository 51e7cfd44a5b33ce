package dev.autocert.tomcat;

import dev.autocert.store.jdbc.DataSourceLookup;
import org.apache.catalina.Server;

import javax.naming.Context;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Finds the cluster store's {@code DataSource} among Tomcat's global naming resources ({@code <Resource>} in
 * {@code server.xml}'s {@code GlobalNamingResources}): a server listener has no {@code java:comp/env} of its own,
 * so that webapp prefix of {@code storage} is dropped and the rest looked up there. Tomcat creates those
 * resources when the server starts, after connectors are bound.
 */
final class GlobalResources implements DataSourceLookup {

    private static final String WEBAPP_PREFIX = "java:comp/env/";

    private final Server server;

    GlobalResources(Server server) {
        this.server = server;
    }

    @Override
    public DataSource find(String name) throws NamingException {
        Context global = server.getGlobalNamingContext();
        if (global == null) {
            throw new NamingException("Tomcat's global naming resources are not there (yet): the server has not started,"
                    + " or naming is off (useNaming)");
        }
        String inGlobal = name.startsWith(WEBAPP_PREFIX) ? name.substring(WEBAPP_PREFIX.length()) : name;
        return DataSourceLookup.dataSource(name, global.lookup(inGlobal));
    }
}
