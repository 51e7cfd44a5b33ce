package dev.autocert.diagnose;

/**
 * The page that explains every named problem, {@value #PAGE}: one heading per anchor, with the log
 * line, what JMX and the status JSON show, and the fix. Log lines end with a reference to it.
 */
public final class Troubleshooting {

    /** The troubleshooting page, relative to the project's root. */
    public static final String PAGE = "docs/troubleshooting.md";

    private Troubleshooting() {
    }

    /**
     * @param anchor a heading's anchor, e.g. {@code dns-elsewhere}
     * @return the page and anchor, e.g. {@code docs/troubleshooting.md#dns-elsewhere}
     */
    public static String link(String anchor) {
        return PAGE + "#" + anchor;
    }

    /**
     * @param setting the setting involved, or {@code null}
     * @param anchor  the heading that explains the problem
     * @return the end of a log line, e.g. {@code (setting 'domains'; see docs/troubleshooting.md#dns-elsewhere)}
     */
    public static String reference(String setting, String anchor) {
        return "(" + (setting == null ? "" : "setting '" + setting + "'; ") + "see " + link(anchor) + ")";
    }
}
