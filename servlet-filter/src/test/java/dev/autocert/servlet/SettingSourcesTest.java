package dev.autocert.servlet;

import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Precedence and naming of the three setting sources, and what {@link WarConfig} makes of them. */
class SettingSourcesTest {

    private static final String ENV = Setting.DOMAINS.environmentVariable();

    @Test
    void systemPropertyBeatsEnvironmentBeatsContextParam() {
        SettingSources all = new SettingSources(Map.of("autocert.domains", "sys.test"), Map.of(ENV, "env.test"),
                Map.of("autocert.domains", "param.test"));
        assertThat(all.get("domains", ENV)).hasValue(new SettingSources.Value("sys.test", "system property autocert.domains"));

        SettingSources noSys = new SettingSources(Map.of(), Map.of(ENV, "env.test"), Map.of("autocert.domains", "param.test"));
        assertThat(noSys.get("domains", ENV)).hasValue(new SettingSources.Value("env.test", "environment variable AUTOCERT_DOMAINS"));

        SettingSources onlyParam = new SettingSources(Map.of(), Map.of(), Map.of("autocert.domains", " param.test "));
        assertThat(onlyParam.get("domains", ENV)).hasValue(new SettingSources.Value("param.test", "context-param autocert.domains"));
    }

    @Test
    void blankValuesCountAsAbsentAndNamesAreCaseInsensitive() {
        SettingSources s = new SettingSources(Map.of("autocert.domains", " "), Map.of(ENV, ""),
                Map.of("AUTOCERT.Domains", "param.test"));
        assertThat(s.get("domains", ENV).map(SettingSources.Value::value)).hasValue("param.test");
        assertThat(s.get("email", "AUTOCERT_EMAIL")).isEmpty();
    }

    @Test
    void environmentNamesFollowCoreAndServletSettings() {
        assertThat(WarSetting.environmentVariable("acceptTerms")).isEqualTo(Setting.ACCEPT_TERMS.environmentVariable());
        assertThat(WarSetting.environmentVariable("eabHmacKey")).isEqualTo(Setting.EAB_HMAC_KEY.environmentVariable());
        assertThat(WarSetting.CONNECTOR_KEYSTORE.environmentVariable()).isEqualTo("AUTOCERT_CONNECTOR_KEYSTORE");
        assertThat(WarSetting.CONNECTOR_KEYSTORE_PASSWORD.environmentVariable()).isEqualTo("AUTOCERT_CONNECTOR_KEYSTORE_PASSWORD");
    }

    @Test
    void withoutDomainsTheWebappIsNotConfigured() throws Exception {
        SettingSources s = new SettingSources(Map.of(), Map.of(), Map.of("autocert.acceptTerms", "true"));
        assertThat(WarConfig.parse(s, ContainerBase.detect(k -> null))).isEmpty();
    }

    @Test
    void parsesCoreAndConnectorSettingsAndRecordsWhereEachCameFrom() throws Exception {
        Path base = Path.of("/srv/tomcat");
        SettingSources s = new SettingSources(Map.of("autocert.keystorePassword", "s3cret!"),
                Map.of(ENV, "a.test,www.a.test;b.test", "AUTOCERT_CONNECTOR_KEYSTORE", "conf/connector.p12"),
                Map.of("autocert.acceptTerms", "true", "autocert.directory", "letsencrypt-staging", "other.param", "x"));
        WarConfig c = WarConfig.parse(s, ContainerBase.detect(k -> k.equals("catalina.base") ? base.toString() : null)).orElseThrow();

        assertThat(c.core().certificates()).hasSize(2);
        assertThat(c.core().storage()).isEqualTo(base.resolve("conf/autocert"));
        assertThat(c.connectorKeystore()).isEqualTo(base.resolve("conf/connector.p12"));
        assertThat(c.connectorKeystorePassword()).as("defaults to keystorePassword").isEqualTo("s3cret!");
        assertThat(c.origins()).contains("domains (environment variable AUTOCERT_DOMAINS)",
                "keystorePassword (system property autocert.keystorePassword)",
                "connectorKeystore (environment variable AUTOCERT_CONNECTOR_KEYSTORE)");
        assertThat(String.join(" ", c.origins())).doesNotContain("s3cret!");
    }

    @Test
    void anUnknownAutocertContextParamIsNamed() {
        SettingSources s = new SettingSources(Map.of("autocert.tools", "ignored: not a context-param"), Map.of(),
                Map.of("autocert.domains", "a.test", "autocert.acceptTerm", "true"));
        assertThatThrownBy(() -> WarConfig.parse(s, ContainerBase.detect(k -> null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'autocert.acceptTerm' is not a known setting (did you mean 'acceptTerms'?)");
        SettingSources keystore = new SettingSources(Map.of(), Map.of(), Map.of("autocert.domains", "a.test",
                "autocert.connectorKeystor", "conf/connector.p12"));
        assertThatThrownBy(() -> WarConfig.parse(keystore, ContainerBase.detect(k -> null)))
                .hasMessageContaining("(did you mean 'connectorKeystore'?)");
    }

    @Test
    void aSettingOfTheTomcatListenerIsNamedAsSuch() {
        SettingSources s = new SettingSources(Map.of(), Map.of(), Map.of("autocert.domains", "a.test", "autocert.httpsPort", "8443"));
        assertThatThrownBy(() -> WarConfig.parse(s, ContainerBase.detect(k -> null)))
                .hasMessageContaining("Setting 'autocert.httpsPort' is read by the Tomcat listener only, not by the WAR install");
    }

    @Test
    void statusAndPortsAreCheckedByCoreFromEverySource() throws Exception {
        SettingSources status = new SettingSources(Map.of("autocert.statusPath", "/status"), Map.of("AUTOCERT_STATUS_ROLE", "ops"),
                Map.of("autocert.domains", "a.test"));
        WarConfig c = WarConfig.parse(status, ContainerBase.detect(k -> null)).orElseThrow();
        assertThat(c.core().statusPath()).contains("/status");
        assertThat(c.core().statusRole()).contains("ops");

        SettingSources port = new SettingSources(Map.of(), Map.of("AUTOCERT_HTTP_CHALLENGE_PORT", "99999"),
                Map.of("autocert.domains", "a.test"));
        assertThatThrownBy(() -> WarConfig.parse(port, ContainerBase.detect(k -> null)))
                .hasMessageContaining("Setting 'httpChallengePort' is not a port number from 1 to 65535: '99999'");
    }

    @Test
    void coreValidationStillApplies() {
        SettingSources s = new SettingSources(Map.of(), Map.of(), Map.of("autocert.domains", "a.test", "autocert.keyType", "dsa"));
        assertThatThrownBy(() -> WarConfig.parse(s, ContainerBase.detect(k -> null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keyType");
    }

    @Test
    void containerBasesGiveTheSameStoreAsTheContainerInstalls() {
        assertThat(ContainerBase.detect(k -> k.equals("catalina.base") ? "/b" : null).defaultStorage())
                .isEqualTo(Path.of("/b/conf/autocert"));
        assertThat(ContainerBase.detect(k -> k.equals("jetty.base") ? "/j" : null).defaultStorage())
                .isEqualTo(Path.of("/j/etc/autocert"));
        assertThat(ContainerBase.detect(k -> k.equals("user.home") ? "/home/u" : null).defaultStorage())
                .isEqualTo(Path.of("/home/u/.autocert"));
        assertThat(ContainerBase.detect(k -> k.equals("jetty.base") ? "/j" : null).resolve("/abs/x.p12"))
                .isEqualTo(Path.of("/abs/x.p12"));
        assertThat(List.of(ContainerBase.detect(k -> k.equals("jetty.base") ? "/j" : null).resolve("etc/x.p12")))
                .containsExactly(Path.of("/j/etc/x.p12"));
    }
}
