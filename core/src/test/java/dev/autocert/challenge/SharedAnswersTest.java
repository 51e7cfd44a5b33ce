package dev.autocert.challenge;

import dev.autocert.config.ChallengeType;
import dev.autocert.store.MemoryCluster;
import dev.autocert.store.SharedChallenges;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The board asks the cluster only on a local miss, and remembers answers and misses briefly. */
class SharedAnswersTest {

    private static final String TOKEN = "token_0123456789abcdef";

    private final MemoryCluster cluster = new MemoryCluster();
    private final SharedChallenges shared = cluster.node("a").challenges();
    private final AtomicInteger queries = new AtomicInteger();
    private Instant now = Instant.parse("2026-12-01T10:00:00Z");

    private final SharedChallenges counted = new SharedChallenges() {
        @Override
        public void put(ChallengeType type, String key, String keyAuthorization) throws IOException {
            shared.put(type, key, keyAuthorization);
        }

        @Override
        public void remove(ChallengeType type, String key) throws IOException {
            shared.remove(type, key);
        }

        @Override
        public Optional<String> find(ChallengeType type, String key) throws IOException {
            queries.incrementAndGet();
            return shared.find(type, key);
        }
    };

    private final SharedAnswers answers = new SharedAnswers(counted, new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void aMissIsRememberedForASecondThenAskedAgain() throws IOException {
        assertThat(answers.http01(TOKEN)).isNull();
        assertThat(answers.http01(TOKEN)).isNull();
        assertThat(queries).as("the second miss came from the cache").hasValue(1);
        shared.put(ChallengeType.HTTP_01, TOKEN, TOKEN + ".thumb");
        now = now.plus(SharedAnswers.MISS_TTL).plusMillis(1);
        assertThat(answers.http01(TOKEN)).isEqualTo(TOKEN + ".thumb");
        assertThat(answers.http01(TOKEN)).isEqualTo(TOKEN + ".thumb");
        assertThat(queries).hasValue(2);
    }

    @Test
    void theBoardAnswersFromItsOwnEntriesFirstAndAsksTheClusterOnlyOnAMiss() throws IOException {
        ChallengeBoard board = new ChallengeBoard();
        board.fallBackTo(answers);
        board.putHttp01(TOKEN, "local");
        assertThat(board.http01(TOKEN)).isEqualTo("local");
        assertThat(queries).hasValue(0);
        shared.put(ChallengeType.HTTP_01, "other_0123456789abcdef", "remote");
        assertThat(board.http01("other_0123456789abcdef")).isEqualTo("remote");
        assertThat(new Http01Responder(board).reply("GET", Http01Responder.PATH_PREFIX + "other_0123456789abcdef").body())
                .isEqualTo("remote".getBytes());
    }

    @Test
    void aTlsAlpnAnswerOfAnotherNodeBecomesAChallengeCertificateHere() throws IOException {
        shared.put(ChallengeType.TLS_ALPN_01, "a.test", "alpn-key-authorization");
        CertifiedKey cert = answers.tlsAlpn01("A.test");
        assertThat(cert).isNotNull();
        assertThat(cert.names()).containsExactly("a.test");
        assertThat(cert.leaf().getExtensionValue("1.3.6.1.5.5.7.1.31")).as("the acmeIdentifier extension").isNotNull();
        assertThat(answers.tlsAlpn01("a.test")).as("built once").isSameAs(cert);
        assertThat(answers.tlsAlpn01("b.test")).isNull();
    }

    @Test
    void aStoreThatCannotBeReadIsAMiss() {
        cluster.down = true;
        assertThat(answers.http01(TOKEN)).isNull();
    }
}
