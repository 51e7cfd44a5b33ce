package dev.autocert.servlet;

import dev.autocert.diagnose.Troubleshooting;

/**
 * The problems only a WAR install has, by name, in the shape of core's
 * {@link dev.autocert.diagnose.Diagnosis}: one log line with the name, the evidence, the fix and the heading of
 * {@value Troubleshooting#PAGE} that explains it.
 */
enum WarProblem {
    /** The webapp is not the root context, so the CA's HTTP-01 requests never reach it. */
    HTTP01_NOT_AT_ROOT("HTTP-01 cannot reach this webapp", "war-not-at-root"),
    /** No TLS connector of the container reads the connector keystore. */
    CONNECTOR_NOT_FOUND("no TLS connector reads the connector keystore", "war-no-connector"),
    /** Writing the connector keystore or asking the container to reload it failed. */
    CONNECTOR_UPDATE_FAILED("the new certificate could not be handed to the TLS connector", "war-connector-update-failed");

    private final String title;
    private final String anchor;

    WarProblem(String title, String anchor) {
        this.title = title;
        this.anchor = anchor;
    }

    /** @return the heading that explains this problem in {@value Troubleshooting#PAGE} */
    String anchor() {
        return anchor;
    }

    /**
     * @param evidence what was seen
     * @param fix      what the administrator should do
     * @return the log line, ending with where the problem is explained
     */
    String message(String evidence, String fix) {
        return name() + " - " + title + ": " + evidence + ". Fix: " + fix + " " + Troubleshooting.reference(null, anchor);
    }
}
