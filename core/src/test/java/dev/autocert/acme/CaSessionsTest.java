package dev.autocert.acme;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Resource;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions to one CA share their HTTP client and read the directory once, whatever caching headers it has. */
class CaSessionsTest {

    private StandInCa ca;

    @BeforeEach
    void startCa() throws IOException {
        ca = new StandInCa();
    }

    @AfterEach
    void stopCa() {
        ca.close();
    }

    /** @return when the directory a new session read expires, after {@code lookups} lookups of resource URLs */
    private ZonedDateTime readsOf(int lookups) throws Exception {
        try (CaSessions sessions = new CaSessions(ca.directory(), null)) {
            Session session = sessions.open();
            for (int i = 0; i < lookups; i++) {
                assertThat(session.resourceUrl(i % 2 == 0 ? Resource.NEW_ORDER : Resource.NEW_NONCE)).isNotNull();
            }
            return session.getDirectoryExpires();
        }
    }

    @Test
    void aDirectoryWithoutCachingHeadersIsReadOncePerSession() throws Exception {
        ZonedDateTime expires = readsOf(5);
        assertThat(ca.directoryReads()).isEqualTo(1);
        assertThat(expires).isAfter(ZonedDateTime.now().plus(CaSessions.DIRECTORY_KEPT).minusMinutes(1));
    }

    @Test
    void maxAgeZeroAsLetsEncryptSendsItIsKeptToo() throws Exception {
        ca.cacheControl("public, max-age=0, no-cache");
        readsOf(5);
        assertThat(ca.directoryReads()).isEqualTo(1);
    }

    @Test
    void aLongerLifetimeTheCaGivesIsKept() throws Exception {
        ca.cacheControl("max-age=86400");
        assertThat(readsOf(1)).isAfter(ZonedDateTime.now().plus(Duration.ofHours(23)));
    }

    @Test
    void everySessionReadsItsOwnDirectoryOnOneHttpClient() throws Exception {
        try (CaSessions sessions = new CaSessions(ca.directory(), null)) {
            Session first = sessions.open();
            Session second = sessions.open();
            first.resourceUrl(Resource.NEW_ORDER);
            second.resourceUrl(Resource.NEW_ORDER);
            assertThat(ca.directoryReads()).isEqualTo(2);
            assertThat(second.getHttpClient()).isSameAs(first.getHttpClient());
        }
    }
}
