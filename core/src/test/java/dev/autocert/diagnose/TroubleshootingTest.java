package dev.autocert.diagnose;

import dev.autocert.config.ConfigException;
import dev.autocert.docs.Troubleshooting;
import dev.autocert.testkit.TroubleshootingPage;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every named problem has its anchor, docs/troubleshooting.md has a heading for it, and the log line points there. */
class TroubleshootingTest {

    @Test
    void everyKindHasItsOwnHeadingOnThePage() {
        TroubleshootingPage page = TroubleshootingPage.read();
        Map<String, String> anchors = new LinkedHashMap<>();
        for (Diagnosis.Kind kind : Diagnosis.Kind.values()) {
            page.assertExplains(kind.name(), kind.anchor());
            anchors.put(kind.name(), kind.anchor());
        }
        TroubleshootingPage.assertDistinct(anchors);
        assertThat(anchors).hasSize(Diagnosis.Kind.values().length);
    }

    @Test
    void theLogLineEndsWithTheSettingAndTheAnchor() {
        Diagnosis withSetting = new Diagnosis(Diagnosis.Kind.DNS_POINTS_ELSEWHERE, "a.test: the CA connected to 203.0.113.9",
                "point the A/AAAA records of a.test at this server", "domains");
        assertThat(withSetting.message()).isEqualTo("DNS points at another server: a.test: the CA connected to 203.0.113.9."
                + " Fix: point the A/AAAA records of a.test at this server (setting 'domains'; see docs/troubleshooting.md#dns-elsewhere)");
        Diagnosis without = new Diagnosis(Diagnosis.Kind.CA_ERROR, "the order ended INVALID", "retrying later", null);
        assertThat(without.message()).endsWith(". Fix: retrying later (see docs/troubleshooting.md#ca-error)");
        assertThat(Diagnosis.Kind.TXT_NOT_VISIBLE.help()).isEqualTo("docs/troubleshooting.md#txt-not-visible");
        assertThat(Arrays.stream(Diagnosis.Kind.values()).map(Diagnosis.Kind::help))
                .allMatch(help -> help.startsWith(Troubleshooting.PAGE + "#"));
    }

    @Test
    void everyProblemIsOneLineOfOneShape() throws Exception {
        assertThat(new Diagnosis(Diagnosis.Kind.CONNECTOR_UPDATE_FAILED, "cannot write conf/a.p12: Permission denied",
                "make it writable", "connectorKeystore").message())
                .isEqualTo("the new certificate could not be handed to the TLS connector: cannot write conf/a.p12: Permission denied."
                        + " Fix: make it writable (setting 'connectorKeystore'; see docs/troubleshooting.md#war-connector-update-failed)");
        ConfigException bad = new ConfigException("retryDelay", "is not a duration: 'soon'", "write e.g. retryDelay=\"10m\"");
        assertThat(bad.getMessage()).isEqualTo("Setting 'retryDelay' is not a duration: 'soon'. Fix: write e.g. retryDelay=\"10m\""
                + " (see docs/troubleshooting.md#bad-setting)");
    }
}
