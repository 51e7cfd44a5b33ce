package dev.autocert.config;

import java.util.Locale;
import java.util.Optional;

/** The ACME challenge types Autocert can answer. */
public enum ChallengeType {
    /** RFC 8555 §8.3: a file at {@code /.well-known/acme-challenge/{token}} on port 80. */
    HTTP_01("http-01"),
    /** RFC 8737: a self-signed certificate presented to ALPN {@code acme-tls/1} on port 443. */
    TLS_ALPN_01("tls-alpn-01"),
    /** RFC 8555 §8.4: a TXT record at {@code _acme-challenge.<name>}. */
    DNS_01("dns-01"),
    /** The legacy draft challenge answered by SNI {@code <z1>.<z2>.acme.invalid}; opt-in only. */
    TLS_SNI_01("tls-sni-01");

    private final String acmeName;

    ChallengeType(String acmeName) {
        this.acmeName = acmeName;
    }

    /** @return the type's name in ACME, e.g. {@code http-01} */
    public String acmeName() {
        return acmeName;
    }

    /**
     * @param acmeName a type name a CA offers, e.g. {@code http-01}
     * @return the matching type, empty for a type Autocert does not know (a CA's own)
     */
    public static Optional<ChallengeType> ofAcmeName(String acmeName) {
        for (ChallengeType t : values()) {
            if (t.acmeName.equals(acmeName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * @param value an ACME type name such as {@code http-01}
     * @return the matching type
     * @throws ConfigException naming {@code challenges} when the value is unknown
     */
    public static ChallengeType parse(String value) throws ConfigException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (ChallengeType t : values()) {
            if (t.acmeName.equals(v)) {
                return t;
            }
        }
        throw new ConfigException("challenges", "has the unknown type '" + value + "'",
                "use a comma-separated preference order of http-01, tls-alpn-01, dns-01, tls-sni-01");
    }
}
