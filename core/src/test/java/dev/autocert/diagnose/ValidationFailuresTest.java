package dev.autocert.diagnose;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The CA's words, as Let's Encrypt (Boulder) and Pebble write them, become the classic problems. */
class ValidationFailuresTest {

    private final ValidationFailures failures = new ValidationFailures(() -> Set.of(address("203.0.113.10"), address("127.0.0.1")));

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAddressThatIsNotOursMeansDnsPointsElsewhere() {
        Diagnosis d = failures.explain("connection", "203.0.113.99: Fetching http://a.example/.well-known/acme-challenge/x:"
                + " Connection refused", "a.example");
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.DNS_POINTS_ELSEWHERE);
        assertThat(d.evidence()).contains("203.0.113.99").contains("203.0.113.10");
    }

    @Test
    void refusedAndTimeoutAtOurAddressAreConnectionProblems() {
        Diagnosis refused = failures.explain("connection", "Get \"http://a.test:80/x\": dial tcp 203.0.113.10:80: connect:"
                + " connection refused", "a.test");
        assertThat(refused.kind()).isEqualTo(Diagnosis.Kind.CONNECTION_FAILED);
        assertThat(refused.evidence()).contains("nothing accepted the connection at 203.0.113.10:80");
        Diagnosis boulder = failures.explain("connection", "203.0.113.10: Fetching http://a.test/.well-known/acme-challenge/x:"
                + " Connection refused", "a.test");
        assertThat(boulder.evidence()).endsWith("; nothing accepted the connection at 203.0.113.10:80");
        Diagnosis afterRedirect = failures.explain("connection", "203.0.113.10: Fetching https://a.test/.well-known/acme-challenge/x:"
                + " Connection refused", "a.test");
        assertThat(afterRedirect.evidence()).endsWith("; nothing accepted the connection at 203.0.113.10:443");
        Diagnosis timeout = failures.explain("connection", "203.0.113.10: Timeout during connect (likely firewall problem)", "a.test");
        assertThat(timeout.kind()).isEqualTo(Diagnosis.Kind.CONNECTION_FAILED);
        assertThat(timeout.fix()).contains("firewall");
    }

    @Test
    void statusCodesAndHtmlBodiesMeanSomeoneElseAnswered() {
        Diagnosis boulder404 = failures.explain("unauthorized",
                "203.0.113.10: Invalid response from http://a.test/.well-known/acme-challenge/x: 404", "a.test");
        assertThat(boulder404.kind()).isEqualTo(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED);
        assertThat(boulder404.evidence()).contains("HTTP 404");
        Diagnosis forbidden = failures.explain("unauthorized",
                "Non-200 status code from HTTP: http://a.test/.well-known/acme-challenge/x returned 403", "a.test");
        assertThat(forbidden.evidence()).contains("security filter");
        Diagnosis html = failures.explain("unauthorized", "The key authorization file from the server did not match this"
                + " challenge \"x.y\" != \"<!DOCTYPE html><html>Sign in\"", "a.test");
        assertThat(html.evidence()).contains("login redirect");
    }

    @Test
    void dnsAndTlsProblems() {
        assertThat(failures.explain("dns", "DNS problem: NXDOMAIN looking up A for a.test", "a.test").kind())
                .isEqualTo(Diagnosis.Kind.DNS_PROBLEM);
        assertThat(failures.explain("malformed", "Could not resolve URL \"a.test\"", "a.test").kind())
                .isEqualTo(Diagnosis.Kind.DNS_PROBLEM);
        assertThat(failures.explain("unauthorized", "No certs presented for tls-alpn-01 challenge", "a.test").kind())
                .isEqualTo(Diagnosis.Kind.TLS_TERMINATED_IN_FRONT);
        assertThat(failures.explain("serverInternal", "something odd", "a.test")).isNull();
    }
}
