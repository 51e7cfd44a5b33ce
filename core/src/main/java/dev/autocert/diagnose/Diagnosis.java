package dev.autocert.diagnose;

/**
 * What went wrong, in words: the problem, the evidence, the fix and the setting involved. One
 * diagnosis is one log line and one status entry.
 *
 * @param kind     the named problem
 * @param evidence what was seen (the CA's words, the address, the file), never a secret
 * @param fix      what the administrator should do
 * @param setting  the setting involved, or {@code null}
 */
public record Diagnosis(Kind kind, String evidence, String fix, String setting) {

    /** The classic problems, by name. */
    public enum Kind {
        /** {@code acceptTerms} is not {@code true} and the CA has terms. */
        TERMS_NOT_ACCEPTED("terms of service not accepted"),
        /** The CA requires External Account Binding and none (or a wrong one) was given. */
        ACCOUNT_REJECTED("the CA refused the account"),
        /** The ACME directory could not be reached. */
        CA_UNREACHABLE("the CA cannot be reached"),
        /** The CA rate-limited us. */
        RATE_LIMITED("rate limited by the CA"),
        /** The CA refuses to issue for a name. */
        NAME_REJECTED("the CA refuses this name"),
        /** The CA could not resolve the name or it points elsewhere. */
        DNS_PROBLEM("DNS does not lead the CA here"),
        /** The CA could not connect to the server. */
        CONNECTION_FAILED("the CA could not connect to this server"),
        /** The CA connected but got a wrong answer (another server, or the path was eaten by the app). */
        WRONG_ANSWER("the CA got a wrong challenge answer"),
        /** No challenge the CA offers can be answered by this server. */
        NO_USABLE_CHALLENGE("no challenge type this server can answer"),
        /** The store cannot be written or read. */
        STORAGE_FAILED("the certificate store cannot be written"),
        /** Any other problem document from the CA. */
        CA_ERROR("the CA reported an error"),
        /** A timeout waiting for the CA. */
        TIMEOUT("the CA did not finish in time");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        /** @return a short phrase for logs, e.g. "rate limited by the CA" */
        public String title() {
            return title;
        }
    }

    /** @return the whole diagnosis as one log line */
    public String message() {
        return kind.title() + ": " + evidence + ". Fix: " + fix + (setting == null ? "" : " (setting '" + setting + "')");
    }

    @Override
    public String toString() {
        return message();
    }
}
