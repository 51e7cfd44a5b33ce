package dev.autocert.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static dev.autocert.config.ValueCheck.path;

/**
 * Every setting a user can give, declared once: its name, how its value is checked, its default, an
 * example and what it does. The name is the same in every container: an attribute in {@code server.xml},
 * {@code jetty.autocert.<name>} in Jetty, {@code autocert.<name>} as a context-param or system property,
 * {@code AUTOCERT_<NAME>} as an environment variable. The adapters bind this list generically and Jetty's
 * module files are generated from it, so a new setting is one constant here (and one row in the README's
 * table, which a test holds to this list). Each constant's {@link #doc()} is its documentation.
 */
public enum Setting {
    DOMAINS("domains", (s, v) -> AutocertConfig.parseDomains(v), null, "example.com,www.example.com;api.example.com",
            "Certificates to manage: the names of one certificate separated by ',', certificates by ';'; DNS names or IP"
                    + " addresses (RFC 8738, IPv6 with or without brackets)."),
    DIRECTORY("directory", (s, v) -> AutocertConfig.parseDirectories(v), "letsencrypt", null,
            "ACME directory URL, or letsencrypt, letsencrypt-staging; several separated by ',' are tried in order"
                    + " (see caFailoverAfter), each with an account of its own."),
    CA_FAILOVER_AFTER("caFailoverAfter", Checks::count, "3", null,
            "With several CAs in directory: after this many failed attempts in a row at one CA, a certificate is"
                    + " ordered from the next; each renewal starts again at the first."),
    EMAIL("email", (s, v) -> AutocertConfig.parseEmail(v), null, "ops@example.com",
            "Contact address of the ACME account."),
    ACCEPT_TERMS("acceptTerms", Checks::bool, "false", null,
            "Must be true to create an account at a CA that has terms of service."),
    KEY_TYPE("keyType", (s, v) -> KeyType.parse(v), "ec256", null,
            "Key type of the certificates: ec256, ec384, rsa2048, rsa4096."),
    CHALLENGES("challenges", (s, v) -> AutocertConfig.parseChallenges(v), null, "http-01,tls-alpn-01",
            "Preference order of challenge types among http-01, tls-alpn-01, dns-01, tls-sni-01 (legacy, opt-in only);"
                    + " by default what the connectors can answer, then dns-01 when a DNS-01 publisher is set."),
    STORAGE("storage", path((s, v) -> AutocertConfig.parseStorage(v)), null, "/var/lib/autocert",
            "Folder of the certificate store; by default the container's (conf/autocert in Tomcat, etc/autocert in Jetty)."
                    + " A jdbc:postgresql: URL, or the java: JNDI name of the container's DataSource for one, makes a cluster:"
                    + " every node on the same database shares certificates, challenge answers and renewals (local copies"
                    + " of the files still go to the default folder)."),
    STORAGE_USER("storageUser", Checks::text, null, "autocert",
            "Cluster store: the database user (with a jdbc: storage; with a JNDI DataSource, to override its own)."),
    STORAGE_PASSWORD("storagePassword", Checks::text, null, "${env.AUTOCERT_DB_PASSWORD}",
            "Cluster store: the database user's password (with a jdbc: storage, or overriding a JNDI DataSource's)."),
    STORAGE_KEY("storageKey", (s, v) -> AutocertConfig.parseStorageKey(v), null, "/etc/autocert/storage.key",
            "Cluster store: an AES key (base64 of 16, 24 or 32 bytes, or a file holding that) that encrypts private keys"
                    + " in the database; without it they are stored in plain text, readable by whoever can read the tables."),
    STORAGE_LEASE_TIME("storageLeaseTime", Checks::duration, "2m", null,
            "Cluster store: how long a node's lease on a certificate lasts unless renewed (every third of it while it"
                    + " orders); after a node dies, another orders once this has passed."),
    HTTP01_STATELESS("http01Stateless", Checks::bool, "false", null,
            "Answer every well-formed HTTP-01 token with token.thumbprint(account key), so cluster nodes need no shared"
                    + " challenge state (all nodes must use the same account key)."),
    RENEW_BEFORE("renewBefore", Checks::duration, null, "30d",
            "Renew this long before expiry (30d, 12h, P30D) instead of when a third of the lifetime remains."),
    CA_TRUST("caTrust", path((s, v) -> AutocertConfig.parseCaTrust(v)), null, "private-ca.pem",
            "PEM file of extra roots to trust for the CA's own HTTPS (private CAs, Pebble)."),
    EAB_KID("eabKid", Checks::text, null, "kid-1",
            "External Account Binding key id, when the CA requires it (with eabHmacKey); with several CAs one entry"
                    + " per directory, separated by ',', empty for a CA without EAB."),
    EAB_HMAC_KEY("eabHmacKey", (s, v) -> AutocertConfig.parseEabHmacKey(v), null, "c2VjcmV0LWtleQ",
            "External Account Binding MAC key, base64url, as the CA shows it (with eabKid); with several CAs one entry"
                    + " per directory, like eabKid."),
    PROFILE("profile", Checks::text, null, "shortlived",
            "ACME certificate profile; must be one the CA's directory lists (checked at login, the error names them)."),
    KEYSTORE_PASSWORD("keystorePassword", Checks::text, "changeit", null,
            "Password of the PKCS#12 keystores written next to each stored certificate."),
    RETRY_DELAY("retryDelay", Checks::duration, "1m", null,
            "First delay after a failed attempt; doubles each time, up to 6 hours."),
    MAX_CONCURRENT_ORDERS("maxConcurrentOrders", Checks::count, "8", null,
            "How many certificates may be ordered at the same time."),
    DNS_HOOK("dnsHook", (s, v) -> DnsSettings.parseHook(v), null, "/usr/local/bin/dns-hook",
            "DNS-01: executable called as <hook> add|remove <record name> <value> to publish the TXT record."),
    DNS_HOOK_TIMEOUT("dnsHookTimeout", Checks::duration, "1m", null,
            "DNS-01: how long one run of dnsHook may take before it is killed."),
    RFC2136_SERVER("rfc2136Server", DnsSettings::hostPort, null, "ns1.example.com",
            "DNS-01: the DNS server (host[:port]) that accepts RFC 2136 dynamic updates for the zone."),
    RFC2136_ZONE("rfc2136Zone", (s, v) -> DnsSettings.zoneName(v), null, "example.com",
            "DNS-01: the zone to update; found by an SOA lookup when not set."),
    RFC2136_TSIG_KEY_NAME("rfc2136TsigKeyName", Checks::text, null, "autocert",
            "DNS-01: name of the TSIG key that signs the updates."),
    RFC2136_TSIG_ALGORITHM("rfc2136TsigAlgorithm", (s, v) -> DnsSettings.algorithm(v), DnsSettings.DEFAULT_TSIG_ALGORITHM, null,
            "DNS-01: TSIG algorithm: hmac-sha256, hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1, hmac-md5."),
    RFC2136_TSIG_SECRET("rfc2136TsigSecret", DnsSettings::base64, null, "c2VjcmV0LWtleQ==",
            "DNS-01: TSIG secret, base64, as in the DNS server's key statement."),
    RFC2136_TSIG_KEY_FILE("rfc2136TsigKeyFile", path((s, v) -> DnsSettings.readKeyFile(v)), null, "autocert.key",
            "DNS-01: a BIND key file (as tsig-keygen writes it) instead of the three TSIG settings above."),
    DNS_PROPAGATION_TIMEOUT("dnsPropagationTimeout", Checks::duration, "2m", null,
            "DNS-01: how long to wait for the zone's servers to answer the TXT value before giving up."),
    DNS_PROPAGATION_DELAY("dnsPropagationDelay", Checks::delay, "0s", null,
            "DNS-01: the least time between publishing and telling the CA, even when the servers already answer."),
    DNS_RESOLVER("dnsResolver", DnsSettings::hostPorts, null, "192.0.2.53:5353",
            "DNS-01: servers (host[:port], comma-separated) asked for the TXT value instead of the zone's authoritative servers."),
    ON_RENEWED("onRenewed", Checks::text, null, "/usr/local/bin/on-renewed",
            "Command run after a certificate was issued or renewed and went live (Certbot's deploy hook)."),
    ON_FAILED("onFailed", Checks::text, null, "/usr/local/bin/on-failed",
            "Command run when an attempt failed, at most hourly per certificate."),
    ON_EXPIRING("onExpiring", Checks::text, null, "/usr/local/bin/on-expiring",
            "Command run when a certificate is close to expiry and not renewed yet, at most daily."),
    PREFLIGHT("preflight", Checks::bool, "true", null,
            "Fetch our own HTTP-01 answer through the public name beside the CA's validation (advisory; logs why it fails)."),
    HTTP_CHALLENGE_PORT("httpChallengePort", Checks::port, "80", null,
            "The port the CA connects to for HTTP-01; only test CAs such as Pebble use another than 80."),
    HTTPS_PORT("httpsPort", Checks::port, "8443", null,
            "Port of the HTTPS connector added when server.xml has no TLS connector.", Adapter.TOMCAT),
    HTTPS_ADDRESS("httpsAddress", Checks::localAddress, null, "127.0.0.1",
            "Address the added HTTPS connector listens on: an IP address or a host name of this machine; all addresses when"
                    + " not set.", Adapter.TOMCAT),
    STATUS_PATH("statusPath", Checks::urlPath, null, "/.well-known/autocert-status",
            "Path of the JSON status of every certificate, for clients on this machine (in the WAR: within the webapp);"
                    + " off when not set."),
    STATUS_ROLE("statusRole", Checks::text, null, "autocert-status",
            "Role whose users may read the status from elsewhere too, over HTTPS with Basic credentials: of the Engine's"
                    + " Realm (Tomcat), the Server's LoginService (Jetty), the webapp's realm (WAR)."),
    ON_DEMAND("onDemand", Checks::bool, "false", null,
            "Obtain a certificate at the first handshake for a name domains does not list, once onDemandAsk or"
                    + " onDemandAllow approves it; domains becomes optional.", Adapter.TOMCAT, Adapter.JETTY),
    ON_DEMAND_ASK("onDemandAsk", (s, v) -> OnDemandSettings.parseAsk(v), null, "http://127.0.0.1:8080/allow-domain",
            "On-demand: URL asked GET ?domain=<name> before a new name is ordered; 200 approves, any other answer or a"
                    + " timeout refuses.", Adapter.TOMCAT, Adapter.JETTY),
    ON_DEMAND_ALLOW("onDemandAllow", (s, v) -> OnDemandSettings.parseAllow(v), null, "*.customers.example.com,shop.example.org",
            "On-demand: names approved without asking, separated by ','; *.name approves one more label.",
            Adapter.TOMCAT, Adapter.JETTY),
    ON_DEMAND_RATE("onDemandRate", Checks::count, "10", null,
            "On-demand: new certificates ordered per minute at most; names beyond it are refused for now.",
            Adapter.TOMCAT, Adapter.JETTY),
    ON_DEMAND_MAX("onDemandMax", Checks::count, "1000", null,
            "On-demand: certificates obtained on demand in total at most.", Adapter.TOMCAT, Adapter.JETTY),
    ON_DEMAND_REFUSED_CACHE("onDemandRefusedCache", Checks::duration, "10m", null,
            "On-demand: how long a refused name is refused again without asking.", Adapter.TOMCAT, Adapter.JETTY),
    ON_DEMAND_WAIT("onDemandWait", Checks::duration, "10s", null,
            "On-demand: how long the first handshake for an approved name waits for its certificate; it fails after"
                    + " that while the issuance goes on.", Adapter.TOMCAT, Adapter.JETTY),
    ON_DEMAND_REFUSED("onDemandRefused", (s, v) -> OnDemandSettings.parseRefused(v), "default", null,
            "On-demand: what a handshake for a refused name gets: default (the default certificate) or fail (a TLS"
                    + " alert).", Adapter.TOMCAT, Adapter.JETTY);

    private final String key;
    private final ValueCheck check;
    private final String defaultValue;
    private final String example;
    private final String doc;
    private final Set<Adapter> readBy;

    /**
     * @param example a typical value, for documentation and fixes; {@code null} to show the default
     * @param only    the adapters that read the setting; none for all of them
     */
    Setting(String key, ValueCheck check, String defaultValue, String example, String doc, Adapter... only) {
        this.key = key;
        this.check = check;
        this.defaultValue = defaultValue;
        this.example = example == null ? defaultValue : example;
        this.doc = doc;
        this.readBy = only.length == 0 ? EnumSet.allOf(Adapter.class) : EnumSet.copyOf(Arrays.asList(only));
    }

    /** @return the setting's name as users write it, e.g. {@code acceptTerms} */
    public String key() {
        return key;
    }

    /** @return what the setting does, one or two plain sentences */
    public String doc() {
        return doc;
    }

    /** @return the value used when the setting is not given, if it has one */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** @return a typical value: the default, or an example when there is none */
    public String example() {
        return example;
    }

    /** @return whether the value names a file or folder (relative ones are resolved by adapters with a base folder) */
    public boolean namesPath() {
        return check.namesPath();
    }

    /**
     * @param adapter a container adapter
     * @return whether that adapter reads this setting
     */
    public boolean isReadBy(Adapter adapter) {
        return readBy.contains(adapter);
    }

    /**
     * Checks a value on its own (settings that depend on each other are checked by {@link AutocertConfig}).
     *
     * @param value the value as given, not blank
     * @throws ConfigException naming this setting and the fix
     */
    public void check(String value) throws ConfigException {
        check.check(this, value.trim());
    }

    /** @return the environment variable for this setting, e.g. {@code AUTOCERT_ACCEPT_TERMS} */
    public String environmentVariable() {
        return "AUTOCERT_" + name();
    }

    /**
     * @param adapter a container adapter
     * @return the settings it reads, in declaration order
     */
    public static List<Setting> readBy(Adapter adapter) {
        return Arrays.stream(values()).filter(s -> s.isReadBy(adapter)).toList();
    }

    /**
     * @param key a setting name, case-insensitive
     * @return the setting, if known
     */
    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equalsIgnoreCase(key.trim())).findFirst();
    }

    /**
     * The setting a user meant by a name, or the one error that says what is wrong with the name.
     *
     * @param name       a setting name as written, case-insensitive
     * @param adapter    the adapter reading it, or {@code null} for code that reads every setting
     * @param otherNames names the adapter knows besides these settings, offered as corrections too
     * @return the setting
     * @throws ConfigException when no setting has this name (naming the closest known one), or the
     *                         adapter does not read it
     */
    public static Setting lookup(String name, Adapter adapter, Collection<String> otherNames) throws ConfigException {
        Optional<Setting> known = byKey(name);
        if (known.isEmpty()) {
            List<String> names = Stream.concat(Arrays.stream(values()).filter(s -> adapter == null || s.isReadBy(adapter))
                    .map(Setting::key), otherNames.stream()).toList();
            Optional<String> closest = ClosestName.among(name.trim(), names);
            throw closest.isPresent()
                    ? new ConfigException(name.trim(), "is not a known setting (did you mean '" + closest.get() + "'?)",
                            "rename it to " + closest.get())
                    : new ConfigException(name.trim(), "is not a known setting", "use one of " + String.join(", ", names));
        }
        Setting setting = known.get();
        if (adapter != null && !setting.isReadBy(adapter)) {
            throw new ConfigException(setting.key, "is read by " + setting.readBy.stream().map(Adapter::description)
                    .reduce((a, b) -> a + " and " + b).orElseThrow() + " only, not by " + adapter.description(), "remove it");
        }
        return setting;
    }

    /** @return the value given in {@code given}, else the default; {@code null} when neither exists */
    String valueIn(Map<Setting, String> given) {
        return given.getOrDefault(this, defaultValue);
    }

    @Override
    public String toString() {
        return key;
    }
}
