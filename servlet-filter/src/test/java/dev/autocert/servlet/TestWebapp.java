package dev.autocert.servlet;

import dev.autocert.testkit.FreePorts;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A webapp as an application team would ship it: context-params for Autocert, a "security" filter on
 * {@code /*} that refuses everything with 403 (so a test sees whether the challenge filter runs first)
 * and Tomcat's default servlet (what a real Tomcat adds from its global {@code web.xml}).
 */
final class TestWebapp {

    private TestWebapp() {
    }

    /** The application's own filter: refuses every request it sees. */
    public static final class RefuseAll implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException {
            ((HttpServletResponse) response).sendError(403, "refused by the application");
        }
    }

    /**
     * @param dir a folder of the test's own, for the store
     * @return the context-params of a webapp managing a.test at a CA nobody listens on (a mutable map)
     */
    static Map<String, String> settings(Path dir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("autocert.domains", "a.test");
        p.put("autocert.directory", "http://127.0.0.1:" + FreePorts.take() + "/dir");
        p.put("autocert.acceptTerms", "true");
        p.put("autocert.storage", dir.resolve("store").toString());
        p.put("autocert.retryDelay", "1h");
        return p;
    }

    static void write(Path docBase, Map<String, String> contextParams) throws IOException {
        StringBuilder params = new StringBuilder();
        contextParams.forEach((k, v) -> params.append("  <context-param><param-name>").append(k)
                .append("</param-name><param-value>").append(v.replace("&", "&amp;").replace("<", "&lt;"))
                .append("</param-value></context-param>\n"));
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s  <filter><filter-name>refuse</filter-name><filter-class>%s</filter-class></filter>
                  <filter-mapping><filter-name>refuse</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                  <servlet><servlet-name>default</servlet-name><servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>default</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(params, RefuseAll.class.getName());
        Files.createDirectories(docBase.resolve("WEB-INF"));
        Files.writeString(docBase.resolve("WEB-INF/web.xml"), xml);
    }
}
