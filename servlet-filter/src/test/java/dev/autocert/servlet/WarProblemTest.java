package dev.autocert.servlet;

import dev.autocert.testkit.TroubleshootingPage;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The WAR's own problems are explained on docs/troubleshooting.md like core's, and their log lines point there. */
class WarProblemTest {

    @Test
    void everyProblemHasItsOwnHeadingOnThePage() {
        TroubleshootingPage page = TroubleshootingPage.read();
        Map<String, String> anchors = new LinkedHashMap<>();
        for (WarProblem problem : WarProblem.values()) {
            page.assertExplains(problem.name(), problem.anchor());
            anchors.put(problem.name(), problem.anchor());
        }
        TroubleshootingPage.assertDistinct(anchors);
        assertThat(anchors).hasSize(WarProblem.values().length);
    }

    @Test
    void theLogLineNamesTheProblemAndEndsWithItsAnchor() {
        assertThat(WarProblem.CONNECTOR_UPDATE_FAILED.message("cannot write conf/a.p12: Permission denied", "make it writable"))
                .isEqualTo("CONNECTOR_UPDATE_FAILED - the new certificate could not be handed to the TLS connector: cannot write"
                        + " conf/a.p12: Permission denied. Fix: make it writable (see docs/troubleshooting.md#war-connector-update-failed)");
    }
}
