package dev.autocert.diagnose;

import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a failed HTTP-01 or TLS-ALPN-01 validation the way an experienced administrator would:
 * the CA's words (Let's Encrypt's Boulder and Pebble phrase them differently) plus what this host
 * knows about itself (its own addresses) become one of the classic problems, with its fix.
 */
public final class ValidationFailures {

    /** {@code dial tcp 203.0.113.7:80}, {@code 203.0.113.7: Connection refused}, {@code [2001:db8::1]:443}. */
    private static final Pattern ADDRESS = Pattern.compile(
            "(?:dial tcp |tcp |to |: )\\[?((?:\\d{1,3}\\.){3}\\d{1,3}|[0-9a-fA-F:]+:[0-9a-fA-F:]*)\\]?:(\\d{1,5})");
    /** Boulder starts its details with the address it used: {@code 203.0.113.7: Fetching …}. */
    private static final Pattern LEADING_ADDRESS = Pattern.compile("^\\s*((?:\\d{1,3}\\.){3}\\d{1,3}|[0-9a-fA-F]*:[0-9a-fA-F:]+): ");
    /** The URL the CA fetched: {@code http://a.example/…}, {@code https://a.example:8443/…}. */
    private static final Pattern URL = Pattern.compile("(https?)://[^/\\s:\"]+(?::(\\d{1,5}))?");
    private static final Pattern STATUS = Pattern.compile("(?:returned|Invalid response from \\S+:?) (\\d{3})");

    private final Supplier<Set<InetAddress>> localAddresses;

    /** Uses this host's network interfaces as "our" addresses. */
    public ValidationFailures() {
        this(ValidationFailures::interfaceAddresses);
    }

    /** @param localAddresses this server's own addresses (tests inject them) */
    public ValidationFailures(Supplier<Set<InetAddress>> localAddresses) {
        this.localAddresses = localAddresses;
    }

    /**
     * @param type   the problem type after {@code urn:ietf:params:acme:error:}, e.g. {@code connection}
     * @param detail the CA's detail text
     * @param name   the identifier that failed
     * @return the diagnosis, or {@code null} when the text matches no classic problem
     */
    public @Nullable Diagnosis explain(String type, String detail, String name) {
        String lower = detail.toLowerCase(Locale.ROOT);
        String evidence = name + ": the CA says \"" + detail + "\"";
        InetAddress used = addressUsed(detail);
        if (used != null && !used.isAnyLocalAddress() && !localAddresses.get().contains(used)) {
            return new Diagnosis(Diagnosis.Kind.DNS_POINTS_ELSEWHERE,
                    evidence + "; the CA connected to " + used.getHostAddress() + ", which is not an address of this server "
                            + localAddresses.get().stream().map(InetAddress::getHostAddress).sorted().toList(),
                    "point the A/AAAA records of " + name + " at this server (or at the load balancer in front of it)", "domains");
        }
        if (lower.contains("could not resolve") || lower.contains("nxdomain") || lower.contains("no valid a records")
                || lower.contains("dns problem") || lower.contains("servfail")) {
            return new Diagnosis(Diagnosis.Kind.DNS_PROBLEM, evidence,
                    "create the A/AAAA records of " + name + " pointing at this server and wait for DNS to update", "domains");
        }
        if (lower.contains("refused")) {
            return new Diagnosis(Diagnosis.Kind.CONNECTION_FAILED, evidence + "; nothing accepted the connection"
                    + (used == null ? "" : " at " + used.getHostAddress() + portUsed(detail).map(p -> ":" + p).orElse("")),
                    "make the container listen on port 80 (HTTP-01) or 443 (TLS-ALPN-01) of the public address, or forward"
                            + " those ports to it", "challenges");
        }
        if (lower.contains("timeout") || lower.contains("timed out")) {
            return new Diagnosis(Diagnosis.Kind.CONNECTION_FAILED, evidence + "; the connection attempt timed out",
                    "a firewall (host, cloud security group, router) drops the CA's packets: open port 80/443 to the internet",
                    "challenges");
        }
        Matcher status = STATUS.matcher(detail);
        if (status.find()) {
            int code = Integer.parseInt(status.group(1));
            String who = code == 401 || code == 403
                    ? "a security filter, WAF or access rule refused it"
                    : "another web server, proxy or CDN on the port, or an application route, answered instead of Autocert";
            return new Diagnosis(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED, evidence + "; HTTP " + code + " means " + who,
                    "let /.well-known/acme-challenge/ reach this container unchanged (a redirect to HTTPS on the same"
                            + " name is fine), or use tls-alpn-01 / dns-01", "challenges");
        }
        if (lower.contains("did not match") || lower.contains("incorrect response") || lower.contains("key authorization")) {
            boolean html = lower.contains("<html") || lower.contains("<!doctype") || lower.contains("login")
                    || lower.contains("<head");
            return new Diagnosis(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED, evidence
                    + (html ? "; an HTML page came back: a login redirect or the application answered the challenge path"
                            : "; the body is not this server's answer: another server answered"),
                    "exempt /.well-known/acme-challenge/ from login redirects, rewrites and security filters, and make sure"
                            + " DNS points at this server", "challenges");
        }
        if ("tls".equals(type) || lower.contains("no certs presented") || lower.contains("incorrect validation certificate")
                || lower.contains("acme-tls/1") || lower.contains("tls-alpn-01")) {
            return new Diagnosis(Diagnosis.Kind.TLS_TERMINATED_IN_FRONT, evidence
                    + "; the TLS connection did not reach Autocert's key manager",
                    "a CDN, load balancer or proxy terminates TLS in front of this server: use http-01 or dns-01",
                    "challenges");
        }
        return null;
    }

    static @Nullable InetAddress addressUsed(String detail) {
        Matcher leading = LEADING_ADDRESS.matcher(detail);
        if (leading.find()) {
            try {
                return InetAddress.getByName(leading.group(1));
            } catch (UnknownHostException e) {
                // fall through to the other forms
            }
        }
        Matcher m = ADDRESS.matcher(detail);
        while (m.find()) {
            try {
                return InetAddress.getByName(m.group(1));
            } catch (UnknownHostException e) {
                // not an address after all; keep looking
            }
        }
        return null;
    }

    /** The port after the address, else the one of the URL the CA fetched (Boulder names only the address). */
    private static java.util.Optional<String> portUsed(String detail) {
        Matcher m = ADDRESS.matcher(detail);
        if (m.find()) {
            return java.util.Optional.of(m.group(2));
        }
        Matcher url = URL.matcher(detail);
        if (url.find()) {
            return java.util.Optional.of(url.group(2) != null ? url.group(2) : "https".equals(url.group(1)) ? "443" : "80");
        }
        return java.util.Optional.empty();
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> all = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                all.addAll(Collections.list(nif.getInetAddresses()));
            }
        } catch (SocketException e) {
            // no interface list: no address comparison
        }
        return all;
    }
}
