package dev.autocert.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
        }
        assertThat(Arrays.stream(Setting.values()).map(Setting::key).distinct().count()).isEqualTo(Setting.values().length);
    }

    @Test
    void everySettingIsDocumentedAndItsDefaultPassesItsOwnCheck() {
        for (Setting s : Setting.values()) {
            assertThat(s.doc()).as(s.key()).isNotBlank().endsWith(".");
            assertThat(s.example()).as(s.key()).isNotBlank();
            s.defaultValue().ifPresent(d -> assertThatCode(() -> s.check(d)).as(s.key()).doesNotThrowAnyException());
        }
    }

    @Test
    void theListenerOnlySettingsAreReadByTomcatAlone() {
        assertThat(Setting.readBy(Adapter.TOMCAT)).contains(Setting.HTTPS_PORT, Setting.HTTPS_ADDRESS, Setting.STATUS_PATH);
        assertThat(Setting.readBy(Adapter.JETTY)).doesNotContain(Setting.HTTPS_PORT, Setting.HTTPS_ADDRESS)
                .contains(Setting.DOMAINS, Setting.STATUS_PATH, Setting.STATUS_ROLE);
        assertThat(Setting.readBy(Adapter.WAR)).doesNotContain(Setting.HTTPS_PORT).contains(Setting.STATUS_ROLE);
    }

    @Test
    void onlyFilesAndFoldersNamePaths() {
        assertThat(Arrays.stream(Setting.values()).filter(Setting::namesPath))
                .containsExactly(Setting.STORAGE, Setting.CA_TRUST, Setting.RFC2136_TSIG_KEY_FILE);
    }

    @ParameterizedTest
    @CsvSource({"domain, domains", "acceptTerm, acceptTerms", "httpPort, httpsPort", "ACCEPT-TERMS, acceptTerms",
            "tsigSecret, rfc2136TsigSecret", "dnsResolvers, dnsResolver", "statusPage, statusPath"})
    void anUnknownNameIsOneErrorNamingTheClosestSetting(String typed, String meant) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Setting.lookup(typed, Adapter.TOMCAT, List.of()));
        assertThat(e.setting()).isEqualTo(typed);
        assertThat(e.getMessage()).isEqualTo("Setting '" + typed + "' is not a known setting (did you mean '" + meant
                + "'?). Fix: rename it to " + meant + " (see docs/troubleshooting.md#bad-setting)");
    }

    @Test
    void aNameFarFromEverySettingListsThemAll() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Setting.lookup("colour", Adapter.JETTY, List.of()));
        assertThat(e.getMessage()).contains("is not a known setting", "use one of domains, directory").doesNotContain("httpsPort");
    }

    @Test
    void namesOfTheAdapterItselfAreOfferedToo() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Setting.lookup("connectorKeystor", Adapter.WAR, List.of("connectorKeystore")));
        assertThat(e.getMessage()).contains("did you mean 'connectorKeystore'?");
    }

    @Test
    void aSettingOfAnotherAdapterIsNamedAsSuch() throws ConfigException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Setting.lookup("httpsPort", Adapter.JETTY, List.of()));
        assertThat(e.getMessage()).isEqualTo("Setting 'httpsPort' is read by the Tomcat listener only, not by Jetty. Fix: remove it"
                + " (see docs/troubleshooting.md#bad-setting)");
        assertThat(Setting.lookup(" HTTPSPORT ", Adapter.TOMCAT, List.of())).isEqualTo(Setting.HTTPS_PORT);
        assertThat(Setting.lookup("httpsPort", null, List.of())).isEqualTo(Setting.HTTPS_PORT);
    }
}
