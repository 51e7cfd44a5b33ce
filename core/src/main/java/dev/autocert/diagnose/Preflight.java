package dev.autocert.diagnose;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.DnsSettings;
import dev.autocert.config.IpAddresses;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The self-check beside the CA's validation: fetch our own HTTP-01 answer through the public name, the
 * way the CA does (resolve AAAA and A records, through every configured {@code dnsResolver} in turn; connect
 * to port 80 of an IPv6 address first, falling back to the next address only when the connection fails;
 * {@code Host:} the name).
 * Advisory only — a NAT without hairpinning can make a working setup fail here — but when it
 * fails, the log says why before the CA's failed-validation budget is spent.
 */
public final class Preflight {

    /** Resolves a name to the addresses the CA would connect to. */
    @FunctionalInterface
    public interface Resolver {
        /**
         * @param name a DNS name
         * @return its IPv4/IPv6 addresses, empty when it has none
         * @throws IOException when the lookup itself fails
         */
        List<InetAddress> resolve(String name) throws IOException;
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_RESPONSE = 16 * 1024;

    private final Resolver resolver;
    private final int port;

    /**
     * @param resolver how names are resolved
     * @param port     the port the CA connects to for HTTP-01 (80)
     */
    public Preflight(Resolver resolver, int port) {
        this.resolver = resolver;
        this.port = port;
    }

    /**
     * @param config the settings: {@code dnsResolver} (else the system resolver) and {@code httpChallengePort}
     * @return the self-check for that configuration
     */
    public static Preflight of(AutocertConfig config) {
        List<DnsSettings.HostPort> resolvers = config.dns().resolvers();
        Resolver resolver = resolvers.isEmpty() ? name -> List.of(InetAddress.getAllByName(name)) : dnsResolver(resolvers);
        return new Preflight(resolver, config.httpChallengePort());
    }

    /**
     * @param servers DNS servers, asked in turn until one answers (dnsjava's extended resolver)
     * @return a resolver of AAAA and A records through them, IPv6 first as Let's Encrypt tries them
     */
    static Resolver dnsResolver(List<DnsSettings.HostPort> servers) {
        return name -> {
            List<org.xbill.DNS.Resolver> each = new ArrayList<>();
            for (DnsSettings.HostPort server : servers) {
                SimpleResolver r = new SimpleResolver(server.host());
                r.setPort(server.port());
                r.setTimeout(TIMEOUT);
                each.add(r);
            }
            ExtendedResolver resolver = new ExtendedResolver(each);
            resolver.setTimeout(TIMEOUT);
            List<InetAddress> out = new ArrayList<>();
            for (int type : new int[] {Type.AAAA, Type.A}) {
                try {
                    Lookup lookup = new Lookup(name, type);
                    lookup.setResolver(resolver);
                    lookup.setCache(null);
                    Record[] records = lookup.run();
                    if (records != null) {
                        for (Record rec : records) {
                            out.add(rec instanceof AAAARecord v6 ? v6.getAddress() : ((ARecord) rec).getAddress());
                        }
                    }
                } catch (TextParseException e) {
                    throw new UnknownHostException(name);
                }
            }
            return out;
        };
    }

    /**
     * @param domain           the name the CA will validate
     * @param token            the challenge token
     * @param keyAuthorization the answer Autocert publishes
     * @return what would make the CA fail, or empty when our answer came back
     */
    public Optional<Diagnosis> check(String domain, String token, String keyAuthorization) {
        String path = "/.well-known/acme-challenge/" + token;
        Optional<InetAddress> literal = IpAddresses.parse(domain);
        List<InetAddress> addresses;
        try {
            // an address is where the CA connects (RFC 8738): nothing to resolve
            addresses = literal.isPresent() ? List.of(literal.get()) : resolver.resolve(domain);
        } catch (IOException e) {
            addresses = List.of();
        }
        if (addresses.isEmpty()) {
            return Optional.of(new Diagnosis(Diagnosis.Kind.DNS_PROBLEM,
                    "preflight: " + domain + " does not resolve from this server",
                    "create A/AAAA records for " + domain + " pointing at this server", "domains"));
        }
        // like Let's Encrypt: IPv6 first, the next address only when the connection fails, not when one answers wrongly
        List<InetAddress> ordered = addresses.stream()
                .sorted(Comparator.comparing((InetAddress a) -> !(a instanceof Inet6Address))).toList();
        Optional<Diagnosis> firstFailure = Optional.empty();
        for (InetAddress address : ordered) {
            Optional<Diagnosis> result = checkAt(address, domain, path, keyAuthorization);
            if (result.isEmpty() || result.get().kind() != Diagnosis.Kind.CONNECTION_FAILED) {
                return result;
            }
            firstFailure = firstFailure.or(() -> result);
        }
        return firstFailure;
    }

    private Optional<Diagnosis> checkAt(InetAddress address, String domain, String path, String keyAuthorization) {
        String where = urlHost(IpAddresses.canonical(address)) + ":" + port;
        Response response;
        try {
            response = get(address, domain, path);
        } catch (IOException e) {
            return Optional.of(new Diagnosis(Diagnosis.Kind.CONNECTION_FAILED,
                    "preflight: http://" + urlHost(domain) + path + " at " + where + " from this server: " + e.getMessage(),
                    "make port " + port + " of " + domain + " reach this container (firewall, port forward, connector)",
                    "challenges"));
        }
        if (response.status() / 100 == 3) {
            URI location = URI.create(response.location() == null ? "" : response.location());
            boolean sameNameHttps = "https".equalsIgnoreCase(location.getScheme()) && urlHost(domain).equalsIgnoreCase(location.getHost());
            return sameNameHttps ? Optional.empty() : Optional.of(new Diagnosis(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED,
                    "preflight: http://" + urlHost(domain) + path + " redirects to " + response.location(),
                    "let /.well-known/acme-challenge/ reach this container; only a redirect to HTTPS on the same name is harmless",
                    "challenges"));
        }
        if (response.status() == 200 && response.body().strip().equals(keyAuthorization)) {
            return Optional.empty();
        }
        String body = response.body().toLowerCase(Locale.ROOT);
        String what = response.status() != 200 ? "HTTP " + response.status()
                : body.contains("<html") || body.contains("<!doctype") ? "an HTML page" : "a different body";
        return Optional.of(new Diagnosis(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED,
                "preflight: http://" + urlHost(domain) + path + " at " + where + " answered " + what + ", not this server's answer",
                "make sure DNS points here and nothing in front (another program on the port, a proxy, a filter or login"
                        + " redirect) answers /.well-known/acme-challenge/", "challenges"));
    }

    /** @return the name as a URL or {@code Host:} header writes it: an IPv6 address in brackets */
    private static String urlHost(String domain) {
        return domain.indexOf(':') >= 0 ? "[" + domain + "]" : domain;
    }

    private record Response(int status, String location, String body) {
    }

    private Response get(InetAddress address, String domain, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            String host = port == 80 ? urlHost(domain) : urlHost(domain) + ":" + port;
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nUser-Agent: Autocert-preflight\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String text = read(socket.getInputStream());
            int headerEnd = text.indexOf("\r\n\r\n");
            String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ");
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new IOException("no HTTP response");
            }
            String location = null;
            for (String line : lines) {
                if (line.regionMatches(true, 0, "Location:", 0, 9)) {
                    location = line.substring(9).trim();
                }
            }
            return new Response(Integer.parseInt(statusLine[1]), location, headerEnd < 0 ? "" : text.substring(headerEnd + 4));
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while (out.size() < MAX_RESPONSE && (n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
