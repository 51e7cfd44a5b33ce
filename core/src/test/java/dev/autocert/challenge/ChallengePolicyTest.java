package dev.autocert.challenge;

import dev.autocert.config.ChallengeType;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.autocert.config.ChallengeType.DNS_01;
import static dev.autocert.config.ChallengeType.HTTP_01;
import static dev.autocert.config.ChallengeType.TLS_ALPN_01;
import static dev.autocert.config.ChallengeType.TLS_SNI_01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule of the challenge choice, without a CA. */
class ChallengePolicyTest {

    private static final Set<ChallengeType> ALL_OFFERED = EnumSet.of(HTTP_01, TLS_ALPN_01, DNS_01, TLS_SNI_01);

    @Test
    void theContainerAndThePublisherDecideWhatIsUsableInDefaultOrder() {
        assertThat(ChallengePolicy.of(List.of(), Set.of(HTTP_01, TLS_ALPN_01), true).usable())
                .containsExactly(HTTP_01, TLS_ALPN_01, DNS_01);
        assertThat(ChallengePolicy.of(List.of(), Set.of(TLS_ALPN_01), false).usable()).containsExactly(TLS_ALPN_01);
        assertThat(ChallengePolicy.of(List.of(), Set.of(), false).usable()).isEmpty();
    }

    @Test
    void tlsSni01OnlyWhenNamedAndOnATlsConnector() {
        assertThat(ChallengePolicy.of(List.of(), Set.of(HTTP_01, TLS_ALPN_01), false).usable()).doesNotContain(TLS_SNI_01);
        assertThat(ChallengePolicy.of(List.of(TLS_SNI_01), Set.of(TLS_ALPN_01), false).usable()).containsExactly(TLS_ALPN_01, TLS_SNI_01);
        assertThat(ChallengePolicy.of(List.of(TLS_SNI_01), Set.of(HTTP_01), false).usable()).containsExactly(HTTP_01);
        // an adapter passing TLS_SNI_01 itself changes nothing
        assertThat(ChallengePolicy.of(List.of(), Set.of(TLS_ALPN_01, TLS_SNI_01), false).usable()).containsExactly(TLS_ALPN_01);
    }

    @Test
    void theDefaultOrderAndTheConfiguredOrder() throws Exception {
        ChallengePolicy automatic = ChallengePolicy.of(List.of(), Set.of(HTTP_01, TLS_ALPN_01), true);
        assertThat(automatic.choose("a.test", ALL_OFFERED, Set.of())).isEqualTo(HTTP_01);
        assertThat(automatic.choose("a.test", EnumSet.of(TLS_ALPN_01, DNS_01), Set.of())).isEqualTo(TLS_ALPN_01);
        ChallengePolicy configured = ChallengePolicy.of(List.of(DNS_01, TLS_ALPN_01), Set.of(HTTP_01, TLS_ALPN_01), true);
        assertThat(configured.choose("a.test", ALL_OFFERED, Set.of())).isEqualTo(DNS_01);
        assertThat(configured.choose("a.test", EnumSet.of(HTTP_01, TLS_ALPN_01), Set.of())).isEqualTo(TLS_ALPN_01);
    }

    @Test
    void aTypeThatFailedBeforeIsTriedLast() throws Exception {
        ChallengePolicy policy = ChallengePolicy.of(List.of(), Set.of(HTTP_01, TLS_ALPN_01), false);
        assertThat(policy.choose("a.test", ALL_OFFERED, Set.of(HTTP_01))).isEqualTo(TLS_ALPN_01);
        assertThat(policy.choose("a.test", ALL_OFFERED, Set.of(HTTP_01, TLS_ALPN_01))).isEqualTo(HTTP_01);
    }

    @Test
    void aWildcardOnlyByDns01() throws Exception {
        ChallengePolicy withPublisher = ChallengePolicy.of(List.of(), Set.of(HTTP_01, TLS_ALPN_01), true);
        assertThat(withPublisher.choose("*.a.test", ALL_OFFERED, Set.of(DNS_01))).isEqualTo(DNS_01);
        assertThatThrownBy(() -> ChallengePolicy.of(List.of(), Set.of(HTTP_01), false).choose("*.a.test", ALL_OFFERED, Set.of()))
                .isInstanceOfSatisfying(DiagnosedException.class, e -> {
                    assertThat(e.diagnosis().kind()).isEqualTo(Diagnosis.Kind.NO_USABLE_CHALLENGE);
                    assertThat(e.diagnosis().evidence()).contains("a wildcard needs dns-01").contains("has no DNS-01 publisher");
                    assertThat(e.diagnosis().setting()).isEqualTo("dnsHook");
                });
    }

    @Test
    void anAddressNeverByDns01OrTlsSni01() throws Exception {
        ChallengePolicy dnsFirst = ChallengePolicy.of(List.of(DNS_01, TLS_SNI_01, TLS_ALPN_01, HTTP_01), Set.of(HTTP_01, TLS_ALPN_01), true);
        assertThat(dnsFirst.choose("192.0.2.1", ALL_OFFERED, Set.of())).isEqualTo(TLS_ALPN_01);
        assertThat(dnsFirst.choose("2001:db8::1", ALL_OFFERED, Set.of(TLS_ALPN_01))).isEqualTo(HTTP_01);
        assertThat(dnsFirst.choose("a.test", ALL_OFFERED, Set.of())).isEqualTo(DNS_01);
        assertThatThrownBy(() -> dnsFirst.choose("192.0.2.1", EnumSet.of(DNS_01), Set.of()))
                .isInstanceOfSatisfying(DiagnosedException.class,
                        e -> assertThat(e.diagnosis().kind()).isEqualTo(Diagnosis.Kind.NO_USABLE_CHALLENGE));
    }

    @Test
    void nothingInCommonNamesBothSides() {
        ChallengePolicy policy = ChallengePolicy.of(List.of(HTTP_01), Set.of(HTTP_01, TLS_ALPN_01), false);
        assertThatThrownBy(() -> policy.choose("a.test", EnumSet.of(TLS_ALPN_01, DNS_01), Set.of()))
                .isInstanceOfSatisfying(DiagnosedException.class, e -> {
                    assertThat(e.diagnosis().kind()).isEqualTo(Diagnosis.Kind.NO_USABLE_CHALLENGE);
                    assertThat(e.diagnosis().evidence()).isEqualTo(
                            "a.test: the CA offers [tls-alpn-01, dns-01], this server can answer [http-01, tls-alpn-01] and challenges=[http-01]");
                    assertThat(e.diagnosis().setting()).isEqualTo("challenges");
                });
    }
}
