package dev.autocert.config;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DNS-01 settings of one instance: how the {@code _acme-challenge} TXT record is published (a hook
 * executable, or an RFC 2136 dynamic update signed with TSIG) and how long Autocert waits for the zone's
 * servers to answer it. Validated once, at start.
 */
public final class DnsSettings {

    /** Default of {@code rfc2136TsigAlgorithm}. */
    public static final String DEFAULT_TSIG_ALGORITHM = "hmac-sha256";
    /** The TSIG algorithms dnsjava signs with, as BIND names them. */
    public static final Set<String> TSIG_ALGORITHMS = Set.of("hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256",
            "hmac-sha384", "hmac-sha512");

    private static final Pattern KEY_BLOCK = Pattern.compile(
            "key\\s+\"?([^\"\\s{]+)\"?\\s*\\{(.*?)\\}\\s*;", Pattern.DOTALL);
    private static final Pattern KEY_ALGORITHM = Pattern.compile("algorithm\\s+\"?([^\";\\s]+)\"?\\s*;");
    private static final Pattern KEY_SECRET = Pattern.compile("secret\\s+\"([^\"]+)\"\\s*;");
    private static final Pattern IPV4_LIKE = Pattern.compile("\\d+(\\.\\d+){3}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

    /**
     * A DNS server address.
     *
     * @param host a host name or IP address (IPv6 without brackets)
     * @param port the UDP/TCP port, 53 unless given
     */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * A TSIG key. {@link #toString()} never shows the secret.
     *
     * @param name      the key's name, as the DNS server knows it
     * @param algorithm e.g. {@code hmac-sha256}
     * @param secret    the shared secret, base64
     */
    public record TsigKey(String name, String algorithm, String secret) {
        @Override
        public String toString() {
            return "TSIG key '" + name + "' (" + algorithm + ")";
        }
    }

    private final Path hook;
    private final Duration hookTimeout;
    private final HostPort rfc2136Server;
    private final String rfc2136Zone;
    private final TsigKey tsigKey;
    private final Duration propagationTimeout;
    private final Duration propagationDelay;
    private final List<HostPort> resolvers;

    private DnsSettings(Path hook, Duration hookTimeout, HostPort rfc2136Server, String rfc2136Zone, TsigKey tsigKey,
                        Duration propagationTimeout, Duration propagationDelay, List<HostPort> resolvers) {
        this.hook = hook;
        this.hookTimeout = hookTimeout;
        this.rfc2136Server = rfc2136Server;
        this.rfc2136Zone = rfc2136Zone;
        this.tsigKey = tsigKey;
        this.propagationTimeout = propagationTimeout;
        this.propagationDelay = propagationDelay;
        this.resolvers = List.copyOf(resolvers);
    }

    /** @param s the given settings, each already checked on its own ({@link Setting#check}) */
    static DnsSettings parse(Map<Setting, String> s) throws ConfigException {
        Path hook = s.containsKey(Setting.DNS_HOOK) ? parseHook(s.get(Setting.DNS_HOOK)) : null;
        Duration hookTimeout = Checks.duration(Setting.DNS_HOOK_TIMEOUT, Setting.DNS_HOOK_TIMEOUT.valueIn(s));
        HostPort server = s.containsKey(Setting.RFC2136_SERVER) ? hostPort(Setting.RFC2136_SERVER, s.get(Setting.RFC2136_SERVER)) : null;
        if (hook != null && server != null) {
            throw new ConfigException(Setting.DNS_HOOK.key(), "and rfc2136Server are both set",
                    "choose one way to publish DNS-01 records: remove dnsHook or rfc2136Server");
        }
        if (server == null) {
            for (Setting needsServer : List.of(Setting.RFC2136_ZONE, Setting.RFC2136_TSIG_KEY_NAME, Setting.RFC2136_TSIG_SECRET,
                    Setting.RFC2136_TSIG_ALGORITHM, Setting.RFC2136_TSIG_KEY_FILE)) {
                if (s.containsKey(needsServer)) {
                    throw new ConfigException(Setting.RFC2136_SERVER.key(), "is missing while " + needsServer.key() + " is set",
                            "set rfc2136Server to the DNS server that accepts dynamic updates for the zone, e.g. rfc2136Server=\"ns1.example.com\"");
                }
            }
        }
        String zone = s.containsKey(Setting.RFC2136_ZONE) ? zoneName(s.get(Setting.RFC2136_ZONE)) : null;
        TsigKey key = server == null ? null : tsigKey(s);
        Duration timeout = Checks.duration(Setting.DNS_PROPAGATION_TIMEOUT, Setting.DNS_PROPAGATION_TIMEOUT.valueIn(s));
        Duration delay = Checks.delay(Setting.DNS_PROPAGATION_DELAY, Setting.DNS_PROPAGATION_DELAY.valueIn(s));
        List<HostPort> resolvers = s.containsKey(Setting.DNS_RESOLVER) ? hostPorts(Setting.DNS_RESOLVER, s.get(Setting.DNS_RESOLVER)) : List.of();
        return new DnsSettings(hook, hookTimeout, server, zone, key, timeout, delay, resolvers);
    }

    static Path parseHook(String value) throws ConfigException {
        Path p = Checks.path(value);
        if (p == null || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new ConfigException(Setting.DNS_HOOK.key(), "names '" + value + "', which is not an executable file",
                    "point dnsHook at an executable (chmod +x) that is called as '<hook> add|remove <record name> <value>'");
        }
        return p;
    }

    /**
     * @param setting the setting, for messages
     * @param value   DNS server addresses (see {@link #hostPort}), separated by commas or spaces
     * @return the parsed addresses
     * @throws ConfigException naming {@code setting} when one is malformed
     */
    static List<HostPort> hostPorts(Setting setting, String value) throws ConfigException {
        List<HostPort> servers = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (!part.isBlank()) {
                servers.add(hostPort(setting, part));
            }
        }
        return servers;
    }

    /**
     * @param setting the setting, for messages
     * @param value   {@code host}, {@code host:port}, {@code [v6]:port} or a bare IPv6 address
     * @return the parsed address (port 53 unless given)
     * @throws ConfigException naming {@code setting} when malformed
     */
    static HostPort hostPort(Setting setting, String value) throws ConfigException {
        String v = value.trim();
        String host = v;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw badHostPort(setting, value);
            }
            host = v.substring(1, close);
            String rest = v.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw badHostPort(setting, value);
                }
                port = rest.substring(1);
            }
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        }
        if (!isHost(host)) {
            throw badHostPort(setting, value);
        }
        int p = 53;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw badHostPort(setting, value);
            }
            if (p < 1 || p > 65535) {
                throw badHostPort(setting, value);
            }
        }
        return new HostPort(host, p);
    }

    /** @return whether {@code host} is a host name, an IPv4 address or an IPv6 address (never looked up here) */
    private static boolean isHost(String host) {
        if (host.contains(":")) {
            try {
                return InetAddress.getByName(host) instanceof Inet6Address; // an IPv6 literal is parsed, not looked up
            } catch (UnknownHostException e) {
                return false;
            }
        }
        if (IPV4_LIKE.matcher(host).matches()) {
            return Arrays.stream(host.split("\\.")).allMatch(octet -> octet.length() <= 3 && Integer.parseInt(octet) <= 255);
        }
        return HOST_NAME.matcher(host).matches() && host.length() <= 253;
    }

    private static ConfigException badHostPort(Setting setting, String value) {
        return new ConfigException(setting.key(), "is not a DNS server address: '" + value + "'",
                "write host or host:port, e.g. " + setting.key() + "=\"ns1.example.com\" or \"192.0.2.53:5353\"");
    }

    static String zoneName(String value) throws ConfigException {
        String v = value.trim();
        if (v.endsWith(".")) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            v = AsciiNames.toAscii(v);
        } catch (IllegalArgumentException e) {
            v = "";
        }
        if (v.isEmpty() || v.length() > 253 || !DNS_NAME.matcher(v).matches()) {
            throw new ConfigException(Setting.RFC2136_ZONE.key(), "is not a zone name: '" + value + "'",
                    "write the zone's apex, e.g. rfc2136Zone=\"example.com\", or leave it out to find it by SOA lookup");
        }
        return v;
    }

    private static @Nullable TsigKey tsigKey(Map<Setting, String> s) throws ConfigException {
        String file = s.get(Setting.RFC2136_TSIG_KEY_FILE);
        String name = s.get(Setting.RFC2136_TSIG_KEY_NAME);
        String secret = s.get(Setting.RFC2136_TSIG_SECRET);
        String algorithm = s.get(Setting.RFC2136_TSIG_ALGORITHM);
        if (file != null) {
            if (name != null || secret != null) {
                throw new ConfigException(Setting.RFC2136_TSIG_KEY_FILE.key(), "is set together with "
                        + (name != null ? "rfc2136TsigKeyName" : "rfc2136TsigSecret"),
                        "give the key either as a key file or as rfc2136TsigKeyName + rfc2136TsigSecret, not both");
            }
            TsigKey fromFile = readKeyFile(file);
            if (algorithm != null && !algorithm(algorithm).equals(fromFile.algorithm())) {
                throw new ConfigException(Setting.RFC2136_TSIG_ALGORITHM.key(), "is '" + algorithm + "' but the key file says '"
                        + fromFile.algorithm() + "'", "remove rfc2136TsigAlgorithm; the key file's algorithm is used");
            }
            return fromFile;
        }
        if (name == null && secret == null) {
            if (algorithm != null) {
                throw new ConfigException(Setting.RFC2136_TSIG_KEY_NAME.key(), "is missing while rfc2136TsigAlgorithm is set",
                        "set rfc2136TsigKeyName and rfc2136TsigSecret (or rfc2136TsigKeyFile), or remove rfc2136TsigAlgorithm");
            }
            return null; // unsigned updates, for servers that allow them by address
        }
        if (name == null || secret == null) {
            throw new ConfigException(name == null ? Setting.RFC2136_TSIG_KEY_NAME.key() : Setting.RFC2136_TSIG_SECRET.key(),
                    "is missing while its partner is set",
                    "a TSIG key needs both rfc2136TsigKeyName and rfc2136TsigSecret (base64), as in the DNS server's key statement");
        }
        return new TsigKey(name, algorithm == null ? DEFAULT_TSIG_ALGORITHM : algorithm(algorithm),
                base64(Setting.RFC2136_TSIG_SECRET, secret));
    }

    static String algorithm(String value) throws ConfigException {
        String a = value.trim().toLowerCase(Locale.ROOT);
        if (a.endsWith(".")) {
            a = a.substring(0, a.length() - 1);
        }
        if (a.equals("hmac-md5.sig-alg.reg.int")) {
            a = "hmac-md5";
        }
        if (!TSIG_ALGORITHMS.contains(a)) {
            throw new ConfigException(Setting.RFC2136_TSIG_ALGORITHM.key(), "has the unknown algorithm '" + value + "'",
                    "use one of hmac-sha256 (default), hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1, hmac-md5");
        }
        return a;
    }

    static String base64(Setting setting, String value) throws ConfigException {
        String v = value.trim();
        try {
            if (Base64.getDecoder().decode(v).length == 0) {
                throw new IllegalArgumentException("empty");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting.key(), "is not base64",
                    "copy the secret exactly as the DNS server's key statement shows it (e.g. from tsig-keygen)");
        }
        return v;
    }

    /**
     * Reads a BIND key file as {@code tsig-keygen} writes it: {@code key "name" { algorithm hmac-sha256; secret "..."; };}.
     *
     * @param file the key file's path
     * @return the key
     * @throws ConfigException naming {@code rfc2136TsigKeyFile} when unreadable or malformed
     */
    static TsigKey readKeyFile(String file) throws ConfigException {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(Setting.RFC2136_TSIG_KEY_FILE.key(), "names a file that cannot be read: " + file,
                    "point it at a readable key file as written by tsig-keygen");
        }
        StringBuilder clean = new StringBuilder();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.startsWith("#") && !l.startsWith("//")) {
                clean.append(line).append('\n');
            }
        }
        Matcher block = KEY_BLOCK.matcher(clean);
        if (!block.find()) {
            throw new ConfigException(Setting.RFC2136_TSIG_KEY_FILE.key(), "has no key statement: " + file,
                    "use a key file as written by tsig-keygen: key \"name\" { algorithm hmac-sha256; secret \"...\"; };");
        }
        Matcher alg = KEY_ALGORITHM.matcher(block.group(2));
        Matcher secret = KEY_SECRET.matcher(block.group(2));
        if (!secret.find()) {
            throw new ConfigException(Setting.RFC2136_TSIG_KEY_FILE.key(), "has no secret in its key statement: " + file,
                    "use a key file as written by tsig-keygen: key \"name\" { algorithm hmac-sha256; secret \"...\"; };");
        }
        return new TsigKey(block.group(1), alg.find() ? algorithm(alg.group(1)) : DEFAULT_TSIG_ALGORITHM,
                base64(Setting.RFC2136_TSIG_KEY_FILE, secret.group(1)));
    }

    /** @return whether a DNS-01 publisher is configured ({@code dnsHook} or {@code rfc2136Server}) */
    public boolean enabled() {
        return hook != null || rfc2136Server != null;
    }

    /** @return the hook executable, if DNS-01 records are published by a hook */
    public Optional<Path> hook() {
        return Optional.ofNullable(hook);
    }

    /** @return how long one hook run may take */
    public Duration hookTimeout() {
        return hookTimeout;
    }

    /** @return the server that takes RFC 2136 updates, if DNS-01 records are published that way */
    public Optional<HostPort> rfc2136Server() {
        return Optional.ofNullable(rfc2136Server);
    }

    /** @return the zone to update, if given; otherwise it is found by an SOA lookup */
    public Optional<String> rfc2136Zone() {
        return Optional.ofNullable(rfc2136Zone);
    }

    /** @return the TSIG key that signs updates, if any */
    public Optional<TsigKey> tsigKey() {
        return Optional.ofNullable(tsigKey);
    }

    /** @return how long to wait for the TXT record to be answered */
    public Duration propagationTimeout() {
        return propagationTimeout;
    }

    /** @return the least time between publishing and telling the CA */
    public Duration propagationDelay() {
        return propagationDelay;
    }

    /** @return the servers to ask for the TXT record instead of the zone's authoritative ones; empty = authoritative */
    public List<HostPort> resolvers() {
        return resolvers;
    }

    @Override
    public String toString() {
        if (hook != null) {
            return "dnsHook " + hook;
        }
        if (rfc2136Server != null) {
            return "RFC 2136 at " + rfc2136Server + (tsigKey == null ? " (unsigned)" : " with " + tsigKey);
        }
        return "no DNS-01 publisher";
    }
}
