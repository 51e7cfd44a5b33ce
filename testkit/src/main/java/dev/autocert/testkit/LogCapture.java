package dev.autocert.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Collects what a logger and those below it write through JUL (Autocert logs through slf4j-jdk14, or JULI in
 * Tomcat), for tests that assert on log lines. Close it to stop collecting.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** Collects everything under {@code dev.autocert}. */
    public LogCapture() {
        this("dev.autocert");
    }

    /** @param loggerName the logger to collect from, with the ones below it, e.g. {@code dev.autocert.acme.Issuer} */
    public LogCapture(String loggerName) {
        logger = Logger.getLogger(loggerName);
        setLevel(Level.ALL);
        logger.setLevel(Level.INFO);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    /** @return every message so far, with its parameters filled in */
    public List<String> messages() {
        SimpleFormatter formatter = new SimpleFormatter();
        return records.stream().map(formatter::formatMessage).toList();
    }

    /** @return every message so far, one per line, prefixed with its level and logger */
    public String text() {
        SimpleFormatter formatter = new SimpleFormatter();
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : records) {
            sb.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ").append(formatter.formatMessage(r)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
