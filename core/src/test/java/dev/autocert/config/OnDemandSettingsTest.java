package dev.autocert.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OnDemandSettingsTest {

    private static Map<String, String> settings(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static AutocertConfig tomcat(String... keyValues) throws ConfigException {
        return AutocertConfig.parse(settings(keyValues), Path.of("store"), Adapter.TOMCAT);
    }

    private static ConfigException rejected(Adapter adapter, String... keyValues) {
        return catchThrowableOfType(ConfigException.class, () -> AutocertConfig.parse(settings(keyValues), Path.of("store"), adapter));
    }

    @Test
    void onDemandMakesDomainsOptionalAndHasTheIssuesDefaults() throws ConfigException {
        AutocertConfig c = tomcat("onDemand", "true", "onDemandAllow", "*.Customers.Example.com, shop.example.org");

        assertThat(c.certificates()).isEmpty();
        OnDemandSettings d = c.onDemand();
        assertThat(d.enabled()).isTrue();
        assertThat(d.allow()).containsExactly("*.customers.example.com", "shop.example.org");
        assertThat(d.ask()).isEmpty();
        assertThat(d.perMinute()).isEqualTo(10);
        assertThat(d.max()).isEqualTo(1000);
        assertThat(d.refusedCache()).hasMinutes(10);
        assertThat(d.waitLimit()).hasSeconds(10);
        assertThat(d.refused()).isEqualTo(OnDemandSettings.Refused.DEFAULT);
    }

    @Test
    void listedDomainsStayManagedBesideOnDemand() throws ConfigException {
        AutocertConfig c = tomcat("domains", "a.test", "onDemand", "true", "onDemandAsk", "http://127.0.0.1:8080/allow?app=1",
                "onDemandRefused", "FAIL");

        assertThat(c.certificates()).extracting(CertificateSpec::name).containsExactly("a.test");
        assertThat(c.onDemand().ask()).contains(URI.create("http://127.0.0.1:8080/allow?app=1"));
        assertThat(c.onDemand().refused()).isEqualTo(OnDemandSettings.Refused.FAIL);
    }

    @Test
    void anAdapterRefusesOnDemandWithoutAnApproval() {
        ConfigException e = rejected(Adapter.JETTY, "onDemand", "true");

        assertThat(e.setting()).isEqualTo("onDemand");
        assertThat(e.problem()).contains("nothing approves a name");
        assertThat(e.fix()).contains("onDemandAsk").contains("onDemandAllow");
    }

    @Test
    void codeMayApproveWithAPredicateInstead() throws ConfigException {
        AutocertConfig c = AutocertConfig.parse(settings("onDemand", "true"), Path.of("store"));

        assertThat(c.onDemand().enabled()).isTrue();
        assertThat(c.certificates()).isEmpty();
    }

    @Test
    void withoutOnDemandDomainsIsStillRequiredAndOnDemandSettingsAreRefused() {
        assertThat(rejected(Adapter.TOMCAT, "email", "a@b.test").setting()).isEqualTo("domains");

        ConfigException stray = rejected(Adapter.TOMCAT, "domains", "a.test", "onDemandAllow", "*.a.test");
        assertThat(stray.setting()).isEqualTo("onDemandAllow");
        assertThat(stray.fix()).contains("onDemand=\"true\"");
    }

    @Test
    void badValuesNameTheSettingAndTheFix() {
        for (List<String> bad : List.of(List.of("onDemandAsk", "ftp://x.test/allow"), List.of("onDemandAsk", "/allow"),
                List.of("onDemandAllow", "*.*.a.test"), List.of("onDemandAllow", "192.0.2.1"), List.of("onDemandAllow", " , "),
                List.of("onDemandRate", "0"), List.of("onDemandWait", "-1s"), List.of("onDemandRefused", "drop"))) {
            ConfigException e = rejected(Adapter.TOMCAT, "onDemand", "true", "onDemandAllow", "a.test", bad.get(0), bad.get(1));
            assertThat(e).as("%s", bad).isNotNull();
            assertThat(e.setting()).as("%s", bad).isEqualTo(bad.get(0));
            assertThat(e.fix()).as("%s", bad).isNotBlank();
        }
    }

    @Test
    void theWarInstallDoesNotReadOnDemand() {
        ConfigException e = rejected(Adapter.WAR, "domains", "a.test", "onDemand", "true");

        assertThat(e.setting()).isEqualTo("onDemand");
        assertThat(e.problem()).contains("not by the WAR install");
    }

    @Test
    void orderableNamesAreDnsNamesACaCouldIssueFor() {
        assertThat(OnDemandSettings.orderableName("Shop.Example.COM.")).isEqualTo("shop.example.com");
        assertThat(OnDemandSettings.orderableName("bücher.example")).isEqualTo("xn--bcher-kva.example");
        for (String no : List.of("localhost", "192.0.2.1", "1.2.3.4.5", "*.a.test", "a..test", "a_b.test", "x".repeat(64) + ".test")) {
            assertThat(OnDemandSettings.orderableName(no)).as(no).isNull();
        }
    }
}
