package dev.autocert.config;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SettingTest {

    @Test
    void byKeyIsCaseInsensitive() {
        assertThat(Setting.byKey("acceptTerms")).contains(Setting.ACCEPT_TERMS);
        assertThat(Setting.byKey("ACCEPTTERMS")).contains(Setting.ACCEPT_TERMS);
        assertThat(Setting.byKey(" keytype ")).contains(Setting.KEY_TYPE);
        assertThat(Setting.byKey("accept_terms")).isEmpty();
        assertThat(Setting.byKey("nope")).isEmpty();
    }

    @Test
    void environmentVariables() {
        assertThat(Setting.ACCEPT_TERMS.environmentVariable()).isEqualTo("AUTOCERT_ACCEPT_TERMS");
        assertThat(Setting.DOMAINS.environmentVariable()).isEqualTo("AUTOCERT_DOMAINS");
        assertThat(Setting.EAB_HMAC_KEY.environmentVariable()).isEqualTo("AUTOCERT_EAB_HMAC_KEY");
    }

    @Test
    void everyKeyRoundTrips() {
        for (Setting s : Setting.values()) {
            assertThat(Setting.byKey(s.key())).contains(s);
            assertThat(s.toString()).isEqualTo(s.key());
            assertThat(Setting.knownKeys()).contains(s.key());
        }
        assertThat(Arrays.stream(Setting.values()).map(Setting::key).distinct().count()).isEqualTo(Setting.values().length);
    }
}
