package dev.autocert.acme;

import dev.autocert.config.KeyType;
import dev.autocert.store.MemoryStore;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;

/** The stateless HTTP-01 thumbprint is RFC 7638's of the stored account key, as jose4j computes it independently. */
class AccountThumbprintTest {

    private static final URI CA = URI.create("https://ca.test/dir");

    @Test
    void isTheJwkThumbprintOfTheStoredAccountKeyOrNullWithoutOne() throws Exception {
        MemoryStore store = new MemoryStore();
        AccountThumbprint thumbprint = new AccountThumbprint(store, CA);
        assertThat(thumbprint.current()).isNull();
        KeyPair account = KeyType.EC256.generate();
        store.saveAccountKey(CA, account);
        assertThat(thumbprint.current())
                .isEqualTo(PublicJsonWebKey.Factory.newPublicJwk(account.getPublic()).calculateBase64urlEncodedThumbprint("SHA-256"));
    }
}
