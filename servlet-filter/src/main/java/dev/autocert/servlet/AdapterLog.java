package dev.autocert.servlet;

import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * The WAR adapter's log: slf4j like core, with the binding left to the application. When the
 * application has no slf4j binding, warnings and errors also go to {@link ServletContext#log}, so a
 * diagnosis never disappears silently.
 */
final class AdapterLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.autocert.servlet");

    private final ServletContext context;
    private final boolean fallback;

    AdapterLog(ServletContext context) {
        this.context = context;
        this.fallback = LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory;
    }

    void debug(String message) {
        LOG.debug(message);
    }

    void info(String message) {
        LOG.info(message);
    }

    void warn(String message) {
        LOG.warn(message);
        if (fallback) {
            context.log("WARN Autocert: " + message);
        }
    }

    void error(String message) {
        LOG.error(message);
        if (fallback) {
            context.log("ERROR Autocert: " + message);
        }
    }
}
