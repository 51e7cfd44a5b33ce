package dev.autocert.challenge;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.IpAddresses;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which challenge types an instance answers, and which one answers a given authorization. The one place
 * for that decision: adapters say only what their container can serve ({@link ChallengeType#HTTP_01} for
 * an HTTP connector reaching the challenge path, {@link ChallengeType#TLS_ALPN_01} for a TLS connector
 * whose certificate Autocert picks per handshake); the settings say the rest.
 *
 * <ul>
 * <li>Default order: HTTP-01, TLS-ALPN-01, DNS-01 (when a publisher is configured); {@code challenges}, when
 *     set, is the order and the allowed set.</li>
 * <li>The legacy TLS-SNI-01 only when {@code challenges} names it, on a container that answers TLS-ALPN-01
 *     (both are a certificate chosen per handshake by SNI).</li>
 * <li>A wildcard only by DNS-01 (RFC 8555 §7.1.3); an IP address only by HTTP-01 or TLS-ALPN-01 (RFC 8738).</li>
 * <li>A type that failed for a name before is tried after the others.</li>
 * </ul>
 */
public final class ChallengePolicy {

    /** RFC 8738 §7: what validates an IP address; never dns-01, and tls-sni-01 has no reverse-name form. */
    private static final Set<ChallengeType> IP_TYPES = EnumSet.of(ChallengeType.HTTP_01, ChallengeType.TLS_ALPN_01);

    private final List<ChallengeType> usable;
    private final List<ChallengeType> configured;

    private ChallengePolicy(List<ChallengeType> usable, List<ChallengeType> configured) {
        this.usable = List.copyOf(usable);
        this.configured = List.copyOf(configured);
    }

    /**
     * @param config           the settings: {@code challenges} and whether a DNS-01 publisher is configured
     * @param containerAnswers what the container can serve: {@link ChallengeType#HTTP_01} and/or
     *                         {@link ChallengeType#TLS_ALPN_01}; other types given here are ignored
     * @return the policy of one instance
     */
    public static ChallengePolicy of(AutocertConfig config, Collection<ChallengeType> containerAnswers) {
        return of(config.challenges(), containerAnswers, config.dns().enabled());
    }

    static ChallengePolicy of(List<ChallengeType> configured, Collection<ChallengeType> containerAnswers, boolean dnsPublisher) {
        List<ChallengeType> usable = new ArrayList<>();
        if (containerAnswers.contains(ChallengeType.HTTP_01)) {
            usable.add(ChallengeType.HTTP_01);
        }
        if (containerAnswers.contains(ChallengeType.TLS_ALPN_01)) {
            usable.add(ChallengeType.TLS_ALPN_01);
            if (configured.contains(ChallengeType.TLS_SNI_01)) {
                usable.add(ChallengeType.TLS_SNI_01);
            }
        }
        if (dnsPublisher) {
            usable.add(ChallengeType.DNS_01);
        }
        return new ChallengePolicy(usable, configured);
    }

    /** @return the types this instance can answer, in default preference order: the solvers to build */
    public List<ChallengeType> usable() {
        return usable;
    }

    /**
     * @param domain       the name being validated, {@code *.} first for a wildcard
     * @param offered      the types the CA offers for it
     * @param failedBefore the types that failed for this name before
     * @return the type to answer
     * @throws DiagnosedException {@link Diagnosis.Kind#NO_USABLE_CHALLENGE}, naming what each side supports
     */
    public ChallengeType choose(String domain, Set<ChallengeType> offered, Set<ChallengeType> failedBefore)
            throws DiagnosedException {
        if (domain.startsWith("*.")) {
            if (usable.contains(ChallengeType.DNS_01) && offered.contains(ChallengeType.DNS_01)) {
                return ChallengeType.DNS_01;
            }
            throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.NO_USABLE_CHALLENGE,
                    domain + ": a wildcard needs dns-01; the CA offers " + names(offered) + " and this server "
                            + (usable.contains(ChallengeType.DNS_01) ? "can answer dns-01" : "has no DNS-01 publisher"),
                    "set dnsHook or rfc2136Server so Autocert can publish the TXT record", "dnsHook"), null);
        }
        List<ChallengeType> order = new ArrayList<>(configured.isEmpty() ? usable : configured);
        if (IpAddresses.isLiteral(domain)) {
            order.retainAll(IP_TYPES);
        }
        order.sort((a, b) -> Boolean.compare(failedBefore.contains(a), failedBefore.contains(b)));
        for (ChallengeType type : order) {
            if (usable.contains(type) && offered.contains(type)) {
                return type;
            }
        }
        throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.NO_USABLE_CHALLENGE,
                domain + ": the CA offers " + names(offered) + ", this server can answer " + names(usable)
                        + " and challenges=" + names(configured),
                "allow a type both sides support in challenges, or give the container a connector for it",
                "challenges"), null);
    }

    private static String names(Collection<ChallengeType> types) {
        return types.stream().map(ChallengeType::acmeName).collect(Collectors.joining(", ", "[", "]"));
    }
}
