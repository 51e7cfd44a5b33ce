package dev.autocert.spring;

import dev.autocert.config.Setting;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BootSettingsTest {

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        // the test JVM's own autocert.* system properties (the build's autocert.tools) are no application's
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return env;
    }

    @Test
    void everySettingIsAPropertyInBootsRelaxedForms() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("autocert.domains", "a.test,www.a.test;b.test");
        props.put("autocert.accept-terms", "true");
        props.put("autocert.keyType", "ec384");                       // camel case
        props.put("autocert.rfc2136-tsig-key-name", "autocert");      // a long name
        StandardEnvironment env = environment(props);
        env.getPropertySources().addFirst(new SystemEnvironmentPropertySource("env",
                // core's names of the environment variables (Setting.environmentVariable) are Boot's too
                Map.of(Setting.HTTPS_PORT.environmentVariable(), "9443", "AUTOCERT_RETRY_DELAY", "5m", "AUTOCERT_FAIL_FAST", "true")));

        Map<String, String> settings = BootSettings.bind(env).settings();

        assertThat(settings).containsEntry("domains", "a.test,www.a.test;b.test").containsEntry("acceptTerms", "true")
                .containsEntry("keyType", "ec384").containsEntry("rfc2136TsigKeyName", "autocert")
                .containsEntry("httpsPort", "9443").containsEntry("retryDelay", "5m")
                .as("the starter's own property is no setting").hasSize(6);
    }

    @Test
    void aYamlListOfNamesIsOneCertificate() {
        Map<String, String> settings = BootSettings.bind(environment(Map.of(
                "autocert.domains[0]", "a.test", "autocert.domains[1]", "www.a.test"))).settings();
        assertThat(settings).containsEntry("domains", "a.test,www.a.test");
    }

    @Test
    void severalCasAsAListOrOneStringAndEabEntriesByPosition() {
        Map<String, String> listed = BootSettings.bind(environment(Map.of("autocert.directory[0]", "letsencrypt",
                "autocert.directory[1]", "https://acme.zerossl.com/v2/DV90", "autocert.eab-kid", ",kid-1",
                "autocert.eab-hmac-key", ",c2VjcmV0"))).settings();
        assertThat(listed).containsEntry("directory", "letsencrypt,https://acme.zerossl.com/v2/DV90")
                .containsEntry("eabKid", ",kid-1").containsEntry("eabHmacKey", ",c2VjcmV0");
        Map<String, String> inline = BootSettings.bind(environment(Map.of("autocert.directory",
                "letsencrypt,https://acme.zerossl.com/v2/DV90"))).settings();
        assertThat(inline).containsEntry("directory", "letsencrypt,https://acme.zerossl.com/v2/DV90");
    }

    @Test
    void anUnknownPropertyIsKeptForCoreToNameTheClosestSetting() {
        Map<String, String> settings = BootSettings.bind(environment(Map.of("autocert.domain", "a.test"))).settings();
        assertThat(settings).containsKey("domain").doesNotContainKey("domains");
    }

    @Test
    void propertiesAreSettingsInDashedForm() {
        assertThat(BootSettings.propertyOf(Setting.ACCEPT_TERMS)).isEqualTo("autocert.accept-terms");
        assertThat(BootSettings.propertyOf(Setting.RFC2136_TSIG_KEY_NAME)).isEqualTo("autocert.rfc2136-tsig-key-name");
        assertThat(BootSettings.propertyOf("eabHmacKey")).isEqualTo("autocert.eab-hmac-key");
        assertThat(BootSettings.inBootSpelling("set dnsHook or rfc2136Server (with rfc2136TsigKeyName), e.g. domains=\"a\""))
                .isEqualTo("set autocert.dns-hook or autocert.rfc2136-server (with autocert.rfc2136-tsig-key-name),"
                        + " e.g. autocert.domains=\"a\"");
    }
}
