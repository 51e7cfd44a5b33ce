package dev.autocert.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated, immutable settings of one Autocert instance. Built by {@link #parse(Map, Path)}
 * from plain strings, so every container adapter shares the same names, defaults and messages.
 */
public final class AutocertConfig {

    /** Let's Encrypt's production directory. */
    public static final String LETSENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
    /** Let's Encrypt's staging directory. */
    public static final String LETSENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

    /** One label of a DNS host name, lower case (also what {@link OnDemandSettings#orderableName} checks). */
    static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    /** How a JNDI name starts ({@code java:comp/env/...}, {@code java:global/...}). */
    private static final String JNDI_PREFIX = "java:";

    private final List<CertificateSpec> certificates;
    private final List<CertificateAuthority> authorities;
    private final int caFailoverAfter;
    private final boolean caFailoverAfterGiven;
    private final String email;
    private final boolean acceptTerms;
    private final KeyType keyType;
    private final List<ChallengeType> challenges;
    private final Path storage;
    /** The JDBC URL or JNDI name of the cluster store; {@code null} for a folder store. */
    private final String storageDatabase;
    private final String storageUser;
    private final String storagePassword;
    private final byte[] storageKey;
    private final Duration storageLeaseTime;
    private final boolean http01Stateless;
    private final Duration renewBefore;
    private final Path caTrust;
    private final String profile;
    private final Map<Setting, String> hooks = new EnumMap<>(Setting.class);
    private final boolean preflight;
    private final int httpChallengePort;
    private final String keystorePassword;
    private final Duration retryDelay;
    private final int maxConcurrentOrders;
    private final int httpsPort;
    private final String httpsAddress;
    private final String statusPath;
    private final String statusRole;
    private final DnsSettings dns;
    private final OnDemandSettings onDemand;

    private AutocertConfig(Map<Setting, String> s, Path defaultStorage, boolean fromAdapter) throws ConfigException {
        onDemand = OnDemandSettings.parse(s, fromAdapter);
        certificates = onDemand.enabled() && !s.containsKey(Setting.DOMAINS) ? List.of() : parseDomains(Setting.DOMAINS.valueIn(s));
        authorities = authorities(parseDirectories(Setting.DIRECTORY.valueIn(s)), s.get(Setting.EAB_KID), s.get(Setting.EAB_HMAC_KEY));
        caFailoverAfter = Checks.count(Setting.CA_FAILOVER_AFTER, Setting.CA_FAILOVER_AFTER.valueIn(s));
        caFailoverAfterGiven = s.containsKey(Setting.CA_FAILOVER_AFTER);
        email = s.containsKey(Setting.EMAIL) ? parseEmail(s.get(Setting.EMAIL)) : null;
        acceptTerms = Checks.bool(Setting.ACCEPT_TERMS, Setting.ACCEPT_TERMS.valueIn(s));
        keyType = KeyType.parse(Setting.KEY_TYPE.valueIn(s));
        challenges = s.containsKey(Setting.CHALLENGES) ? parseChallenges(s.get(Setting.CHALLENGES)) : List.of();
        boolean database = s.containsKey(Setting.STORAGE) && isDatabase(s.get(Setting.STORAGE));
        storage = s.containsKey(Setting.STORAGE) && !database ? parseStorageFolder(s.get(Setting.STORAGE)) : defaultStorage;
        storageDatabase = database ? parseStorageUrl(s.get(Setting.STORAGE)) : null;
        storageUser = s.get(Setting.STORAGE_USER);
        storagePassword = s.get(Setting.STORAGE_PASSWORD);
        storageKey = s.containsKey(Setting.STORAGE_KEY) ? parseStorageKey(s.get(Setting.STORAGE_KEY)) : null;
        storageLeaseTime = Checks.duration(Setting.STORAGE_LEASE_TIME, Setting.STORAGE_LEASE_TIME.valueIn(s));
        checkDatabaseSettings(s);
        http01Stateless = Checks.bool(Setting.HTTP01_STATELESS, Setting.HTTP01_STATELESS.valueIn(s));
        if (http01Stateless && authorities.size() > 1) {
            throw new ConfigException("http01Stateless", "cannot be used with several CAs in directory",
                    "its answers derive from one CA's account key: list one directory, or set http01Stateless=\"false\"");
        }
        renewBefore = s.containsKey(Setting.RENEW_BEFORE) ? Checks.duration(Setting.RENEW_BEFORE, s.get(Setting.RENEW_BEFORE)) : null;
        caTrust = s.containsKey(Setting.CA_TRUST) ? parseCaTrust(s.get(Setting.CA_TRUST)) : null;
        profile = s.get(Setting.PROFILE);
        preflight = Checks.bool(Setting.PREFLIGHT, Setting.PREFLIGHT.valueIn(s));
        httpChallengePort = Checks.port(Setting.HTTP_CHALLENGE_PORT, Setting.HTTP_CHALLENGE_PORT.valueIn(s));
        for (Setting hook : List.of(Setting.ON_RENEWED, Setting.ON_FAILED, Setting.ON_EXPIRING)) {
            if (s.containsKey(hook)) {
                hooks.put(hook, s.get(hook));
            }
        }
        keystorePassword = Setting.KEYSTORE_PASSWORD.valueIn(s);
        retryDelay = Checks.duration(Setting.RETRY_DELAY, Setting.RETRY_DELAY.valueIn(s));
        maxConcurrentOrders = Checks.count(Setting.MAX_CONCURRENT_ORDERS, Setting.MAX_CONCURRENT_ORDERS.valueIn(s));
        httpsPort = Checks.port(Setting.HTTPS_PORT, Setting.HTTPS_PORT.valueIn(s));
        httpsAddress = s.get(Setting.HTTPS_ADDRESS);
        statusPath = s.get(Setting.STATUS_PATH);
        statusRole = s.get(Setting.STATUS_ROLE);
        dns = DnsSettings.parse(s);
        checkDns01();
    }

    /**
     * Wildcards and {@code challenges=dns-01} need a DNS-01 publisher; a wildcard needs dns-01 allowed; an IP address
     * needs http-01 or tls-alpn-01 allowed.
     */
    private void checkDns01() throws ConfigException {
        Optional<String> wildcard = certificates.stream().flatMap(c -> c.domains().stream())
                .filter(d -> d.startsWith("*.")).findFirst();
        if (wildcard.isPresent() && !dns.enabled()) {
            throw new ConfigException("domains", "contains the wildcard name '" + wildcard.get()
                    + "', which only DNS-01 can validate, and no DNS-01 publisher is configured",
                    "set dnsHook (an executable that adds and removes the TXT record) or rfc2136Server with"
                            + " rfc2136TsigKeyName and rfc2136TsigSecret (RFC 2136 dynamic update); or list each name instead"
                            + " of the wildcard");
        }
        if (wildcard.isPresent() && !challenges.isEmpty() && !challenges.contains(ChallengeType.DNS_01)) {
            throw new ConfigException("challenges", "leaves out dns-01, which the wildcard name '" + wildcard.get() + "' needs",
                    "add dns-01 to challenges, or remove challenges to let Autocert choose");
        }
        Optional<String> address = certificates.stream().flatMap(c -> c.domains().stream())
                .filter(IpAddresses::isLiteral).findFirst();
        if (address.isPresent() && !challenges.isEmpty()
                && !challenges.contains(ChallengeType.HTTP_01) && !challenges.contains(ChallengeType.TLS_ALPN_01)) {
            throw new ConfigException("challenges", "leaves only " + challenges.stream().map(ChallengeType::acmeName).toList()
                    + ", which cannot validate the IP address '" + address.get() + "' in domains: a CA validates an address"
                    + " over http-01 or tls-alpn-01 only (RFC 8738), never dns-01",
                    "add http-01 or tls-alpn-01 to challenges, or remove challenges to let Autocert choose");
        }
        if (challenges.contains(ChallengeType.DNS_01) && !dns.enabled()) {
            throw new ConfigException("challenges", "lists dns-01 but no DNS-01 publisher is configured",
                    "set dnsHook or rfc2136Server (with rfc2136TsigKeyName and rfc2136TsigSecret), or remove dns-01");
        }
    }

    /**
     * Validates settings given as strings, accepting every setting: for code that uses core directly.
     *
     * @param settings       setting name (as in {@link Setting#key()}, case-insensitive) to value; blank
     *                       values count as absent
     * @param defaultStorage the store folder when {@code storage} is not set, chosen by the container
     *                       adapter (e.g. {@code $CATALINA_BASE/conf/autocert})
     * @return the configuration
     * @throws ConfigException for the first bad or missing setting, naming it and the fix
     */
    public static AutocertConfig parse(Map<String, String> settings, Path defaultStorage) throws ConfigException {
        return bind(settings, defaultStorage, null);
    }

    /**
     * Validates the settings an adapter was given: names it does not read are errors too.
     *
     * @param settings       setting name (case-insensitive) to value; blank values count as absent
     * @param defaultStorage the store folder when {@code storage} is not set
     * @param adapter        the adapter that was given them
     * @return the configuration
     * @throws ConfigException for the first unknown name, name the adapter does not read, bad or missing
     *                         setting, naming it and the fix
     */
    public static AutocertConfig parse(Map<String, String> settings, Path defaultStorage, Adapter adapter) throws ConfigException {
        return bind(settings, defaultStorage, Objects.requireNonNull(adapter, "adapter"));
    }

    /** Names first, then each value on its own ({@link Setting#check}), then the settings that depend on each other. */
    private static AutocertConfig bind(Map<String, String> settings, Path defaultStorage, Adapter adapter) throws ConfigException {
        Map<Setting, String> given = new EnumMap<>(Setting.class);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            Setting setting = Setting.lookup(e.getKey(), adapter, List.of());
            if (e.getValue() != null && !e.getValue().isBlank()) {
                given.put(setting, e.getValue().trim());
            }
        }
        for (Map.Entry<Setting, String> e : given.entrySet()) {
            e.getKey().check(e.getValue());
        }
        return new AutocertConfig(given, defaultStorage, adapter != null);
    }

    /** @param value {@code domains}, or {@code null} when not given */
    static List<CertificateSpec> parseDomains(String value) throws ConfigException {
        if (value == null) {
            throw new ConfigException("domains", "is missing",
                    "list the names to get certificates for, e.g. domains=\"example.com,www.example.com;api.example.com\"");
        }
        List<CertificateSpec> specs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String group : value.split(";")) {
            List<String> names = new ArrayList<>();
            for (String raw : group.split(",")) {
                if (raw.isBlank()) {
                    continue;
                }
                String name = normalizeDomain(raw.trim());
                if (!seen.add(name)) {
                    throw new ConfigException("domains", "lists '" + name + "' twice",
                            "name each host once; a name belongs to exactly one certificate");
                }
                names.add(name);
            }
            if (!names.isEmpty()) {
                specs.add(new CertificateSpec(names));
            }
        }
        if (specs.isEmpty()) {
            throw new ConfigException("domains", "has no names", "e.g. domains=\"example.com,www.example.com\"");
        }
        return List.copyOf(specs);
    }

    /**
     * @param raw a host name as a user wrote it, possibly an IDN or with a wildcard label; or an IP address (IPv6 with
     *            or without brackets)
     * @return the name in lower-case ASCII (punycode); an address as {@link IpAddresses#canonical} writes it
     * @throws ConfigException naming {@code domains} when it is neither a valid DNS name nor an IP address
     */
    static String normalizeDomain(String raw) throws ConfigException {
        Optional<String> address = ipAddress(raw);
        if (address.isPresent()) {
            return address.get();
        }
        String name = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
        boolean wildcard = name.startsWith("*.");
        String rest = wildcard ? name.substring(2) : name;
        if (wildcard && ipAddress(rest).isPresent()) {
            throw new ConfigException("domains", "contains the wildcard '" + raw + "', but a wildcard cannot cover an IP address",
                    "list the address itself, e.g. domains=\"" + ipAddress(rest).get() + "\"");
        }
        if (rest.matches("[0-9.]+") || rest.contains(":") || rest.contains("[") || rest.contains("%")) {
            throw new ConfigException("domains", "contains '" + raw + "', which is neither a DNS name nor an IP address",
                    "write an IPv4 address as four decimal numbers without leading zeros (192.0.2.1), an IPv6 address"
                            + " without a zone (2001:db8::1 or [2001:db8::1]), or a DNS name");
        }
        String ascii;
        try {
            ascii = AsciiNames.toAscii(rest);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("domains", "contains the invalid name '" + raw + "'", "use a valid DNS host name");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2 || ascii.length() > 253) {
            throw new ConfigException("domains", "contains '" + raw + "', which is not a fully qualified name",
                    "use a name with a registered domain, e.g. www.example.com; CAs refuse single-label names");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new ConfigException("domains", "contains the invalid name '" + raw + "'",
                        "use letters, digits and hyphens only, labels of at most 63 characters; a '*' only as the whole first label");
            }
        }
        return wildcard ? "*." + ascii : ascii;
    }

    /**
     * @param raw a name as a user wrote it
     * @return the IP address it is, in {@link IpAddresses#canonical} form; an IPv6 address may be written in brackets
     */
    private static Optional<String> ipAddress(String raw) {
        String bare = raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
        return IpAddresses.parse(bare).filter(a -> bare.indexOf(':') >= 0 || !raw.startsWith("[")).map(IpAddresses::canonical);
    }

    /**
     * @param value {@code directory}: one CA, or several separated by ',' (each a URL or a short name)
     * @return the directory URLs, in the order given
     */
    static List<URI> parseDirectories(String value) throws ConfigException {
        List<URI> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            URI uri = parseDirectory(part);
            if (out.contains(uri)) {
                throw new ConfigException("directory", "lists " + uri + " twice",
                        "name each CA once; the next CA is tried when the one before keeps failing");
            }
            out.add(uri);
        }
        if (out.isEmpty()) {
            throw new ConfigException("directory", "names no CA", "e.g. directory=\"letsencrypt\"");
        }
        return List.copyOf(out);
    }

    private static URI parseDirectory(String value) throws ConfigException {
        String v = value.trim();
        if (v.equalsIgnoreCase("letsencrypt")) {
            v = LETSENCRYPT;
        } else if (v.equalsIgnoreCase("letsencrypt-staging")) {
            v = LETSENCRYPT_STAGING;
        }
        try {
            URI uri = new URI(v);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(v, "not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("directory", "is not an ACME directory URL: '" + value + "'",
                    "use letsencrypt, letsencrypt-staging or the CA's directory URL, e.g. https://acme.example.com/directory");
        }
    }

    static String parseEmail(String value) throws ConfigException {
        String v = value.startsWith("mailto:") ? value.substring(7) : value;
        if (!EMAIL.matcher(v).matches()) {
            throw new ConfigException("email", "is not an e-mail address: '" + value + "'", "write it as ops@example.com");
        }
        return v;
    }

    static List<ChallengeType> parseChallenges(String value) throws ConfigException {
        List<ChallengeType> types = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                ChallengeType t = ChallengeType.parse(part);
                if (!types.contains(t)) {
                    types.add(t);
                }
            }
        }
        return List.copyOf(types);
    }

    static Object parseStorage(String value) throws ConfigException {
        return isDatabase(value) ? parseStorageUrl(value) : parseStorageFolder(value);
    }

    private static Path parseStorageFolder(String value) throws ConfigException {
        Path folder = Checks.path(value);
        if (folder == null) {
            throw new ConfigException("storage", "is not a folder name: '" + value + "'",
                    "use a folder, e.g. storage=\"/var/lib/autocert\", or a jdbc:postgresql:// URL");
        }
        return folder;
    }

    private static boolean isDatabase(String value) {
        String v = value.trim();
        return v.regionMatches(true, 0, "jdbc:", 0, 5) || namesDataSource(v);
    }

    /**
     * @param storage a database {@code storage} value
     * @return whether it is the JNDI name of a container's {@code DataSource} ({@code java:...}) rather than a JDBC URL
     */
    public static boolean namesDataSource(String storage) {
        return storage.startsWith(JNDI_PREFIX);
    }

    /**
     * A cluster store: PostgreSQL only, the database the store's SQL (upserts, LISTEN/NOTIFY) is written for, named
     * by a JDBC URL or by the JNDI name of the container's {@code DataSource} for it.
     */
    static String parseStorageUrl(String value) throws ConfigException {
        String v = value.trim();
        boolean url = v.startsWith("jdbc:postgresql://") && v.length() > "jdbc:postgresql://".length();
        boolean jndi = namesDataSource(v) && v.length() > JNDI_PREFIX.length() && !v.endsWith("/");
        if (!url && !jndi) {
            throw new ConfigException("storage", "names a database Autocert cannot use: '" + v + "'",
                    "use PostgreSQL, e.g. storage=\"jdbc:postgresql://db.internal:5432/autocert\" or the JNDI name of the"
                            + " container's DataSource, e.g. storage=\"java:comp/env/jdbc/autocert\"; or a folder");
        }
        return v;
    }

    /**
     * @param value base64 of an AES key, or a file holding that
     * @return the key's bytes (16, 24 or 32)
     */
    static byte[] parseStorageKey(String value) throws ConfigException {
        String text = value.trim();
        Path file = Checks.path(text);
        boolean fromFile = file != null && Files.isRegularFile(file);
        if (fromFile) {
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new ConfigException("storageKey", "names a file that cannot be read: " + value,
                        "make it readable by the server's user (and nobody else: chmod 600)");
            }
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new ConfigException("storageKey", (fromFile ? "names a file that does not hold" : "is neither a readable file nor")
                    + " base64 of a 16, 24 or 32 byte AES key",
                    "create one with: openssl rand -base64 32 > storage.key; chmod 600 storage.key, and give that file");
        }
        return key;
    }

    /** The database settings mean nothing with a folder store: say so rather than ignore them. */
    private void checkDatabaseSettings(Map<Setting, String> s) throws ConfigException {
        if (storageDatabase != null) {
            return;
        }
        for (Setting only : List.of(Setting.STORAGE_USER, Setting.STORAGE_PASSWORD, Setting.STORAGE_KEY, Setting.STORAGE_LEASE_TIME)) {
            if (s.containsKey(only)) {
                throw new ConfigException(only.key(), "is set but storage is a folder, not a database",
                        "set storage to a jdbc:postgresql:// URL or a java: JNDI name, or remove " + only.key());
            }
        }
    }

    static Path parseCaTrust(String value) throws ConfigException {
        Path p = Checks.path(value);
        if (p == null || !Files.isReadable(p)) {
            throw new ConfigException("caTrust", "names a file that cannot be read: " + value,
                    "point it at a readable PEM file with the CA's root certificate(s)");
        }
        return p;
    }

    /**
     * Pairs each directory with its External Account Binding: {@code eabKid} and {@code eabHmacKey} hold one entry
     * per directory, separated by ',' in the same order, empty for a CA that needs none (one CA: one value).
     */
    private static List<CertificateAuthority> authorities(List<URI> directories, String kids, String keys) throws ConfigException {
        List<String> kid = eabEntries(Setting.EAB_KID, kids, directories.size());
        List<String> key = eabEntries(Setting.EAB_HMAC_KEY, keys, directories.size());
        List<CertificateAuthority> out = new ArrayList<>();
        for (int i = 0; i < directories.size(); i++) {
            if ((kid.get(i) == null) != (key.get(i) == null)) {
                throw new ConfigException(kid.get(i) == null ? "eabKid" : "eabHmacKey",
                        "is missing while its partner is set" + (directories.size() > 1 ? " for " + directories.get(i) : ""),
                        "External Account Binding needs both eabKid and eabHmacKey from your CA"
                                + (directories.size() > 1 ? ", each at the position of the CA in directory" : ""));
            }
            out.add(new CertificateAuthority(i + 1, directories.get(i), kid.get(i), key.get(i)));
        }
        return List.copyOf(out);
    }

    /** @return one entry per CA, {@code null} where none is given */
    private static List<String> eabEntries(Setting setting, String value, int cas) throws ConfigException {
        List<String> out = new ArrayList<>();
        if (value == null) {
            for (int i = 0; i < cas; i++) {
                out.add(null);
            }
            return out;
        }
        for (String part : value.split(",", -1)) {
            out.add(part.isBlank() ? null : part.trim());
        }
        if (out.size() != cas) {
            throw new ConfigException(setting.key(), "has " + out.size() + (out.size() == 1 ? " entry" : " entries")
                    + " but directory lists " + cas + (cas == 1 ? " CA" : " CAs"),
                    "give one entry per CA of directory, in the same order, separated by ',' and empty for a CA"
                            + " without External Account Binding, e.g. directory=\"letsencrypt,https://acme.zerossl.com/v2/DV90\" "
                            + setting.key() + "=\"," + setting.example() + "\"");
        }
        return out;
    }

    /** @return the value, each of whose ','-separated entries is empty or base64url */
    static String parseEabHmacKey(String value) throws ConfigException {
        for (String entry : value.split(",", -1)) {
            try {
                Base64.getUrlDecoder().decode(entry.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("eabHmacKey", "is not base64url", "copy the MAC key exactly as the CA shows it");
            }
        }
        return value;
    }

    /** @return the certificates to manage, in the order given; empty only with {@code onDemand} and no {@code domains} */
    public List<CertificateSpec> certificates() {
        return certificates;
    }

    /**
     * @return the first IP address in {@code domains}, if any: its certificate is served to clients that send no SNI
     *         (those connecting to an address)
     */
    public Optional<String> firstAddress() {
        return certificates.stream().flatMap(c -> c.domains().stream()).filter(IpAddresses::isLiteral).findFirst();
    }

    /** @return the ACME directory URL of the first CA, the one every certificate is ordered from first */
    public URI directory() {
        return authorities.get(0).directory();
    }

    /** @return the CAs of {@code directory} in order, each with its External Account Binding; at least one */
    public List<CertificateAuthority> authorities() {
        return authorities;
    }

    /** @return the directory URL of every CA, in order, separated by ',' as in the setting: for logs and JMX */
    public String directories() {
        return String.join(",", authorities.stream().map(CertificateAuthority::toString).toList());
    }

    /** @return after how many failed attempts in a row at one CA a certificate is ordered from the next */
    public int caFailoverAfter() {
        return caFailoverAfter;
    }

    /** @return the account contact address, if any */
    public Optional<String> email() {
        return Optional.ofNullable(email);
    }

    /** @return whether the user accepted the CA's terms of service */
    public boolean acceptTerms() {
        return acceptTerms;
    }

    /** @return the certificate key type */
    public KeyType keyType() {
        return keyType;
    }

    /** @return the challenge types in preference order; empty means "whatever the adapters can answer" */
    public List<ChallengeType> challenges() {
        return challenges;
    }

    /** @return the store folder; with a database store, the folder of the local copies of its files */
    public Path storage() {
        return storage;
    }

    /** @return the JDBC URL of the cluster store, when {@code storage} names a database by URL */
    public Optional<String> storageUrl() {
        return Optional.ofNullable(storageDatabase).filter(u -> !namesDataSource(u));
    }

    /**
     * @return the JNDI name of the container's {@code DataSource} for the cluster store, when {@code storage} names
     *         one (e.g. {@code java:comp/env/jdbc/autocert})
     */
    public Optional<String> storageDataSource() {
        return Optional.ofNullable(storageDatabase).filter(AutocertConfig::namesDataSource);
    }

    /** @return the database user of the cluster store, if given */
    public Optional<String> storageUser() {
        return Optional.ofNullable(storageUser);
    }

    /** @return the database password of the cluster store, if given */
    public Optional<String> storagePassword() {
        return Optional.ofNullable(storagePassword);
    }

    /** @return the AES key that encrypts private keys in the cluster store, if given (a copy) */
    public Optional<byte[]> storageKey() {
        return Optional.ofNullable(storageKey).map(byte[]::clone);
    }

    /** @return how long a cluster node's lease on a certificate lasts unless renewed */
    public Duration storageLeaseTime() {
        return storageLeaseTime;
    }

    /** @return whether HTTP-01 is answered from the account key alone, for any well-formed token */
    public boolean http01Stateless() {
        return http01Stateless;
    }

    /** @return the fixed renewal margin, if set; otherwise a third of the lifetime is used */
    public Optional<Duration> renewBefore() {
        return Optional.ofNullable(renewBefore);
    }

    /** @return the extra CA roots to trust for the ACME server's HTTPS, if any */
    public Optional<Path> caTrust() {
        return Optional.ofNullable(caTrust);
    }

    /**
     * @param event {@link Setting#ON_RENEWED}, {@link Setting#ON_FAILED} or {@link Setting#ON_EXPIRING}
     * @return the command to run for that event, if set
     */
    public Optional<String> hook(Setting event) {
        return Optional.ofNullable(hooks.get(event));
    }

    /** @return whether to self-check HTTP-01 answers beside the CA's validation */
    public boolean preflight() {
        return preflight;
    }

    /** @return the port the CA connects to for HTTP-01 */
    public int httpChallengePort() {
        return httpChallengePort;
    }

    /** @return the ACME profile to ask for, if any */
    public Optional<String> profile() {
        return Optional.ofNullable(profile);
    }

    /** @return the password of the written PKCS#12 keystores */
    public String keystorePassword() {
        return keystorePassword;
    }

    /** @return the first retry delay after a failure */
    public Duration retryDelay() {
        return retryDelay;
    }

    /** @return how many orders may run at once */
    public int maxConcurrentOrders() {
        return maxConcurrentOrders;
    }

    /** @return the port of the HTTPS connector an adapter adds when the container has no TLS connector */
    public int httpsPort() {
        return httpsPort;
    }

    /** @return the address that connector listens on, if not all of them */
    public Optional<String> httpsAddress() {
        return Optional.ofNullable(httpsAddress);
    }

    /** @return the path of the JSON status page, if it is published */
    public Optional<String> statusPath() {
        return Optional.ofNullable(statusPath);
    }

    /** @return the role whose users may read the status page from elsewhere, if any */
    public Optional<String> statusRole() {
        return Optional.ofNullable(statusRole);
    }

    /**
     * Settings that are valid one by one but do nothing together, for the adapter to log as warnings at start.
     *
     * @param adapter the adapter reading them, for how the message spells the settings
     * @return one message per such combination, each naming the setting to add; empty when there is none
     */
    public List<String> ineffective(Adapter adapter) {
        List<String> out = new ArrayList<>();
        if (statusRole != null && statusPath == null) {
            out.add(adapter.nameOf(Setting.STATUS_ROLE) + " '" + statusRole + "' has no effect without "
                    + adapter.nameOf(Setting.STATUS_PATH) + ": set " + adapter.nameOf(Setting.STATUS_PATH) + "="
                    + Setting.STATUS_PATH.example() + " to publish the status page");
        }
        Optional<String> address = firstAddress();
        boolean letsEncrypt = authorities.stream().map(a -> a.directory().toString())
                .anyMatch(d -> d.equals(LETSENCRYPT) || d.equals(LETSENCRYPT_STAGING));
        if (address.isPresent() && letsEncrypt && !"shortlived".equals(profile)) {
            out.add(adapter.nameOf(Setting.DOMAINS) + " lists the IP address " + address.get() + ", which Let's Encrypt"
                    + " certifies only under its shortlived profile (about 6 days): set " + adapter.nameOf(Setting.PROFILE)
                    + "=\"shortlived\", or its orders for the address are refused");
        }
        if (caFailoverAfterGiven && authorities.size() == 1) {
            out.add(adapter.nameOf(Setting.CA_FAILOVER_AFTER) + " has no effect with one CA: list the next CA in "
                    + adapter.nameOf(Setting.DIRECTORY) + ", separated by ',', e.g. letsencrypt,https://acme.zerossl.com/v2/DV90");
        }
        return out;
    }

    /** @return the on-demand settings; {@link OnDemandSettings#enabled()} tells whether certificates are obtained at handshakes */
    public OnDemandSettings onDemand() {
        return onDemand;
    }

    /** @return the DNS-01 settings; {@link DnsSettings#enabled()} tells whether a publisher is configured */
    public DnsSettings dns() {
        return dns;
    }
}
