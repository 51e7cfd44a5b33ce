package dev.autocert.servlet;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
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

    /**
     * The application's own filter: refuses every request it sees, except those of Arquillian's servlet protocol,
     * the channel of the in-container tests ({@link FilterOrderArquillianTest}).
     */
    public static final class RefuseAll implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            if (((HttpServletRequest) request).getServletPath().startsWith("/ArquillianServletRunner")) {
                chain.doFilter(request, response);
                return;
            }
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

    /**
     * @param store a folder of the test's own for the store
     * @return the context-params of a webapp managing {@code domains} (comma-separated) at this Pebble (a mutable map)
     */
    static Map<String, String> settings(Pebble pebble, String domains, Path store) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("autocert.domains", domains);
        p.put("autocert.directory", pebble.directoryUrl());
        p.put("autocert.caTrust", pebble.caTrustPem().toString());
        p.put("autocert.acceptTerms", "true");
        p.put("autocert.storage", store.toString());
        return p;
    }

    static void write(Path docBase, Map<String, String> contextParams) throws IOException {
        Files.createDirectories(docBase.resolve("WEB-INF"));
        Files.writeString(docBase.resolve("WEB-INF/web.xml"), webXml(contextParams, true, ""));
    }

    /**
     * @param contextParams  Autocert's settings as context-params
     * @param defaultServlet whether to declare Tomcat's default servlet (containers that add it themselves, such as
     *                       Arquillian's embedded Tomcat, refuse a second one)
     * @param more           further elements of {@code <web-app>}, e.g. a security constraint
     * @return the application's {@code web.xml}: the settings and the refuse-all filter on {@code /*}
     */
    static String webXml(Map<String, String> contextParams, boolean defaultServlet, String more) {
        StringBuilder params = new StringBuilder();
        contextParams.forEach((k, v) -> params.append("  <context-param><param-name>").append(k)
                .append("</param-name><param-value>").append(v.replace("&", "&amp;").replace("<", "&lt;"))
                .append("</param-value></context-param>\n"));
        String servlet = defaultServlet ? """
                  <servlet><servlet-name>default</servlet-name><servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>default</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
                """ : "";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s  <filter><filter-name>refuse</filter-name><filter-class>%s</filter-class></filter>
                  <filter-mapping><filter-name>refuse</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                %s%s</web-app>
                """.formatted(params, RefuseAll.class.getName(), servlet, more);
    }
}
