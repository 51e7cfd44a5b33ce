package dev.autocert.diagnose;

import dev.autocert.docs.Troubleshooting;
import org.jspecify.annotations.Nullable;

/**
 * What went wrong, in words: the problem, the evidence, the fix and the setting involved. One
 * diagnosis is one log line and one status entry; its {@link Kind} names the heading of
 * {@value Troubleshooting#PAGE} that explains it.
 *
 * @param kind     the named problem
 * @param evidence what was seen (the CA's words, the address, the file), never a secret
 * @param fix      what the administrator should do
 * @param setting  the setting involved, or {@code null}
 */
public record Diagnosis(Kind kind, String evidence, String fix, @Nullable String setting) {

    /** The classic problems, by name, each with its anchor in {@value Troubleshooting#PAGE}. */
    public enum Kind {
        /** {@code acceptTerms} is not {@code true} and the CA has terms. */
        TERMS_NOT_ACCEPTED("terms of service not accepted", "terms-not-accepted"),
        /** The CA requires External Account Binding and none (or a wrong one) was given. */
        ACCOUNT_REJECTED("the CA refused the account", "account-rejected"),
        /** The ACME directory could not be reached. */
        CA_UNREACHABLE("the CA cannot be reached", "ca-unreachable"),
        /** The CA rate-limited us. */
        RATE_LIMITED("rate limited by the CA", "rate-limited"),
        /** The CA refuses to issue for a name. */
        NAME_REJECTED("the CA refuses this name", "name-rejected"),
        /** The CA could not resolve the name or it points elsewhere. */
        DNS_PROBLEM("DNS does not lead the CA here", "dns-invalid"),
        /** The CA could not connect to the server. */
        CONNECTION_FAILED("the CA could not connect to this server", "connection-failed"),
        /** The CA connected but got a wrong answer (another server, or the path was eaten by the app). */
        WRONG_ANSWER("the CA got a wrong challenge answer", "wrong-answer"),
        /** The name resolves to an address that is not this server's. */
        DNS_POINTS_ELSEWHERE("DNS points at another server", "dns-elsewhere"),
        /** Something else answered the challenge path: another server, a proxy, a filter, a login redirect. */
        CHALLENGE_PATH_NOT_SERVED("the challenge path is answered by something else", "path-not-served"),
        /** A CDN, proxy or load balancer terminates TLS before this server. */
        TLS_TERMINATED_IN_FRONT("TLS is terminated in front of this server", "tls-in-front"),
        /** No challenge the CA offers can be answered by this server. */
        NO_USABLE_CHALLENGE("no challenge type this server can answer", "no-usable-challenge"),
        /** The store cannot be written or read. */
        STORAGE_FAILED("the certificate store cannot be written", "store-not-writable"),
        /** An operator's request (JMX, status page, embedding code) names no managed certificate or an unknown value. */
        INVALID_REQUEST("the request cannot be carried out", "invalid-request"),
        /** A webapp (WAR install) that is not the root context: the CA's HTTP-01 requests never reach it. */
        HTTP01_NOT_AT_ROOT("HTTP-01 cannot reach this webapp", "war-not-at-root"),
        /** The WAR install wrote the connector keystore, but no TLS connector of the container reads it. */
        CONNECTOR_NOT_FOUND("no TLS connector reads the connector keystore", "war-no-connector"),
        /** Writing a connector keystore, or asking the container to reload it, failed. */
        CONNECTOR_UPDATE_FAILED("the new certificate could not be handed to the TLS connector", "war-connector-update-failed"),
        /** Any other problem document from the CA. */
        CA_ERROR("the CA reported an error", "ca-error"),
        /** A timeout waiting for the CA. */
        TIMEOUT("the CA did not finish in time", "ca-timeout"),
        /** The DNS-01 TXT record could not be added or removed by RFC 2136 update (server, TSIG, zone, policy). */
        DNS_UPDATE_FAILED("the DNS-01 record could not be published", "dns-update-failed"),
        /** The {@code dnsHook} executable failed, timed out or could not be run. */
        DNS_HOOK_FAILED("the DNS-01 hook failed", "dns-hook-failed"),
        /** The zone's servers did not answer the DNS-01 TXT value within {@code dnsPropagationTimeout}. */
        TXT_NOT_VISIBLE("the DNS-01 record is not visible at the zone's servers", "txt-not-visible");

        private final String title;
        private final String anchor;

        Kind(String title, String anchor) {
            this.title = title;
            this.anchor = anchor;
        }

        /** @return a short phrase for logs, e.g. "rate limited by the CA" */
        public String title() {
            return title;
        }

        /** @return the heading that explains this problem in {@value Troubleshooting#PAGE}, e.g. {@code rate-limited} */
        public String anchor() {
            return anchor;
        }

        /** @return where this problem is explained, e.g. {@code docs/troubleshooting.md#rate-limited} */
        public String help() {
            return Troubleshooting.link(anchor);
        }
    }

    /** @return the whole diagnosis as one log line, ending with the setting and where the problem is explained */
    public String message() {
        return Troubleshooting.line(kind.title() + ": " + evidence, fix, setting, kind.anchor());
    }

    @Override
    public String toString() {
        return message();
    }
}
