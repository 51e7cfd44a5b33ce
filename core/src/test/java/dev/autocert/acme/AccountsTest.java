package dev.autocert.acme;

import dev.autocert.config.AutocertConfig;
import dev.autocert.store.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.connector.Resource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent orders each get a login on a session of their own, and a session comes back for the next order
 * ({@link StandInCa} plays the CA).
 */
class AccountsTest {

    @TempDir
    Path dir;

    private StandInCa ca;
    private Accounts accounts;

    @BeforeEach
    void startCa() throws Exception {
        ca = new StandInCa();
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "a.test", "directory", ca.directory().toString(),
                "acceptTerms", "true", "email", "ops@example.test"), dir);
        accounts = new Accounts(config, config.authorities().get(0), new MemoryStore());
    }

    @AfterEach
    void stopCa() {
        accounts.close();
        ca.close();
    }

    @Test
    void twoOrdersAtOnceHaveTwoSessionsAndTheNextOrderReusesOne() throws Exception {
        Login first;
        Login second;
        try (Accounts.Lent a = accounts.lend(); Accounts.Lent b = accounts.lend()) {
            first = a.login();
            second = b.login();
            assertThat(first).isSameAs(accounts.login()); // a single order needs no session beyond the account's own
            assertThat(second.getSession()).isNotSameAs(first.getSession());
            assertThat(second.getAccountLocation()).isEqualTo(first.getAccountLocation());
            assertThat(second.getKeyPair()).isSameAs(first.getKeyPair());
            second.getSession().resourceUrl(Resource.NEW_ORDER);
        }
        int reads = ca.directoryReads();
        try (Accounts.Lent again = accounts.lend()) {
            assertThat(again.login()).isIn(first, second);
            again.login().getSession().resourceUrl(Resource.NEW_ORDER);
        }
        assertThat(ca.directoryReads()).as("a lent session keeps the directory it read").isEqualTo(reads);
        assertThat(ca.accountsCreated()).isEqualTo(1);
    }

    @Test
    void afterCloseTheNextOrderLogsInOnANewSession() throws Exception {
        Login before;
        try (Accounts.Lent lent = accounts.lend()) {
            before = lent.login();
        }
        accounts.close();
        try (Accounts.Lent lent = accounts.lend()) {
            assertThat(lent.login()).isNotSameAs(before);
            assertThat(lent.login().getSession()).isNotSameAs(before.getSession());
        }
    }
}
