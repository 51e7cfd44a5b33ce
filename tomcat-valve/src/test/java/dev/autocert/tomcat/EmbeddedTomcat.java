package dev.autocert.tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.nio.file.Path;

/** An embedded Tomcat with an HTTP connector (on 127.0.0.1 unless told) and a ROOT context answering "hello". */
final class EmbeddedTomcat implements AutoCloseable {

    final Tomcat tomcat = new Tomcat();

    EmbeddedTomcat(Path baseDir, int httpPort, AutocertListener listener) {
        this(baseDir, "127.0.0.1", httpPort, listener);
    }

    /** @param address the HTTP connector's address, e.g. {@code ::1} */
    EmbeddedTomcat(Path baseDir, String address, int httpPort, AutocertListener listener) {
        tomcat.setBaseDir(baseDir.toString());
        Connector http = new Connector();
        http.setPort(httpPort);
        http.setProperty("address", address);
        tomcat.getService().addConnector(http);
        if (listener != null) {
            tomcat.getServer().addLifecycleListener(listener);
        }
        Context root = tomcat.addContext("", baseDir.toAbsolutePath().toString());
        Tomcat.addServlet(root, "hello", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print("hello from the app at " + req.getRequestURI());
            }
        });
        root.addServletMappingDecoded("/", "hello");
    }

    EmbeddedTomcat start() throws LifecycleException {
        tomcat.start();
        return this;
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
