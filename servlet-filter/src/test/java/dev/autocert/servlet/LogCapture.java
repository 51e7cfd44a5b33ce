package dev.autocert.servlet;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects what core and this module log (slf4j-jdk14 → JUL logger {@code dev.autocert}). */
final class LogCapture extends Handler implements AutoCloseable {

    private static final Logger ROOT = Logger.getLogger("dev.autocert");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture() {
        setLevel(Level.ALL);
        ROOT.setLevel(Level.INFO);
        ROOT.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    /** @return every message so far, one per line, prefixed with its level */
    String text() {
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : records) {
            sb.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ")
                    .append(new SimpleFormatter().formatMessage(r)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        ROOT.removeHandler(this);
    }
}
