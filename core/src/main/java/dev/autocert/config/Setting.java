package dev.autocert.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting a user can give, with the same name in every container: an attribute in
 * {@code server.xml}, {@code jetty.autocert.<name>} in Jetty, {@code autocert.<name>} as a
 * context-param or system property, {@code AUTOCERT_<NAME>} as an environment variable.
 */
public enum Setting {
    /** Certificates to manage: names separated by {@code ,}, certificates by {@code ;}. */
    DOMAINS("domains"),
    /** ACME directory URL, or {@code letsencrypt} / {@code letsencrypt-staging}. */
    DIRECTORY("directory"),
    /** Contact address of the ACME account. */
    EMAIL("email"),
    /** Must be {@code true} to create an account at a CA that has terms of service. */
    ACCEPT_TERMS("acceptTerms"),
    /** Key type of certificates: ec256, ec384, rsa2048, rsa4096. */
    KEY_TYPE("keyType"),
    /** Preference order of challenge types. */
    CHALLENGES("challenges"),
    /** Folder of the default store. */
    STORAGE("storage"),
    /** Renew this long before expiry instead of when a third of the lifetime remains. */
    RENEW_BEFORE("renewBefore"),
    /** PEM file of extra roots to trust for the CA's own HTTPS. */
    CA_TRUST("caTrust"),
    /** External Account Binding key id. */
    EAB_KID("eabKid"),
    /** External Account Binding MAC key, base64url. */
    EAB_HMAC_KEY("eabHmacKey"),
    /** ACME profile name. */
    PROFILE("profile"),
    /** Password of the PKCS#12 keystores written next to each certificate. */
    KEYSTORE_PASSWORD("keystorePassword"),
    /** First delay after a failed attempt; doubles each time up to a day. */
    RETRY_DELAY("retryDelay"),
    /** How many certificates may be ordered at the same time. */
    MAX_CONCURRENT_ORDERS("maxConcurrentOrders"),
    /** DNS-01: executable called as {@code <hook> add|remove <record name> <value>} to publish the TXT record. */
    DNS_HOOK("dnsHook"),
    /** DNS-01: how long one run of {@code dnsHook} may take before it is killed. */
    DNS_HOOK_TIMEOUT("dnsHookTimeout"),
    /** DNS-01: the DNS server ({@code host[:port]}) that accepts RFC 2136 dynamic updates for the zone. */
    RFC2136_SERVER("rfc2136Server"),
    /** DNS-01: the zone to update; found by an SOA lookup when absent. */
    RFC2136_ZONE("rfc2136Zone"),
    /** DNS-01: name of the TSIG key that signs updates. */
    RFC2136_TSIG_KEY_NAME("rfc2136TsigKeyName"),
    /** DNS-01: TSIG algorithm, e.g. {@code hmac-sha256}. */
    RFC2136_TSIG_ALGORITHM("rfc2136TsigAlgorithm"),
    /** DNS-01: TSIG secret, base64. */
    RFC2136_TSIG_SECRET("rfc2136TsigSecret"),
    /** DNS-01: a BIND key file ({@code key "name" { algorithm ...; secret "..."; };}) instead of the three settings above. */
    RFC2136_TSIG_KEY_FILE("rfc2136TsigKeyFile"),
    /** DNS-01: how long to wait for the zone's servers to answer the TXT value before giving up. */
    DNS_PROPAGATION_TIMEOUT("dnsPropagationTimeout"),
    /** DNS-01: the least time between publishing and telling the CA, even when the servers already answer. */
    DNS_PROPAGATION_DELAY("dnsPropagationDelay"),
    /** DNS-01: servers ({@code host[:port]}, comma-separated) asked for the TXT value instead of the zone's authoritative servers. */
    DNS_RESOLVER("dnsResolver"),
    /** Command run after a certificate was issued or renewed and went live (Certbot's deploy hook). */
    ON_RENEWED("onRenewed"),
    /** Command run when an attempt failed, at most hourly per certificate. */
    ON_FAILED("onFailed"),
    /** Command run when a certificate is close to expiry and not renewed yet, at most daily. */
    ON_EXPIRING("onExpiring"),
    /** Whether to fetch our own HTTP-01 answer through the public name before asking the CA. */
    PREFLIGHT("preflight"),
    /** The port the CA connects to for HTTP-01 (80); only test CAs such as Pebble use another. */
    HTTP_CHALLENGE_PORT("httpChallengePort");

    private final String key;

    Setting(String key) {
        this.key = key;
    }

    /** @return the setting's name as users write it, e.g. {@code acceptTerms} */
    public String key() {
        return key;
    }

    /** @return the environment variable for this setting, e.g. {@code AUTOCERT_ACCEPT_TERMS} */
    public String environmentVariable() {
        return "AUTOCERT_" + name();
    }

    /**
     * @param key a setting name, case-insensitive
     * @return the setting, if known
     */
    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equalsIgnoreCase(key.trim())).findFirst();
    }

    /** @return the known names, for error messages */
    static String knownKeys() {
        return String.join(", ", Arrays.stream(values()).map(Setting::key).toArray(String[]::new));
    }

    @Override
    public String toString() {
        return key;
    }
}
