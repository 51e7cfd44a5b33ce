package dev.autocert.docs;

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

    /**
     * The one shape of every problem Autocert logs or throws: diagnoses, bad settings, the WAR's problems.
     *
     * @param what    the problem with its evidence, e.g. {@code rate limited by the CA: ...}
     * @param fix     what the administrator should do
     * @param setting the setting involved when {@code what} does not already name it, or {@code null}
     * @param anchor  the heading that explains the problem
     * @return {@code <what>. Fix: <fix> (setting '<setting>'; see docs/troubleshooting.md#<anchor>)}
     */
    public static String line(String what, String fix, String setting, String anchor) {
        return what + ". Fix: " + fix + " " + reference(setting, anchor);
    }
}
