package dev.autocert.servlet;

/**
 * The problems only a WAR install has, by name, in the shape of core's
 * {@link dev.autocert.diagnose.Diagnosis}: one log line with the name, the evidence and the fix.
 */
enum WarProblem {
    /** The webapp is not the root context, so the CA's HTTP-01 requests never reach it. */
    HTTP01_NOT_AT_ROOT("HTTP-01 cannot reach this webapp"),
    /** No TLS connector of the container reads the connector keystore. */
    CONNECTOR_NOT_FOUND("no TLS connector reads the connector keystore"),
    /** Writing the connector keystore or asking the container to reload it failed. */
    CONNECTOR_UPDATE_FAILED("the new certificate could not be handed to the TLS connector");

    private final String title;

    WarProblem(String title) {
        this.title = title;
    }

    /**
     * @param evidence what was seen
     * @param fix      what the administrator should do
     * @return the log line
     */
    String message(String evidence, String fix) {
        return name() + " - " + title + ": " + evidence + ". Fix: " + fix;
    }
}
