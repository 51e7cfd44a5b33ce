package dev.autocert.testkit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Headings become anchors the way GitHub makes them, and a section ends where the next one of its level starts. */
class TroubleshootingPageTest {

    private static final String PAGE = """
            # Troubleshooting
            ## Connection
            ### DNS elsewhere
            `DNS_POINTS_ELSEWHERE` ... (setting 'domains'; see docs/troubleshooting.md#dns-elsewhere)
            ```
            # not a heading
            ```
            ### WAR: no connector
            only this
            ## Other
            """;

    @Test
    void anchorsAreGithubs() {
        assertEquals("dns-elsewhere", TroubleshootingPage.anchor("DNS elsewhere"));
        assertEquals("war-no-connector", TroubleshootingPage.anchor("WAR: no connector"));
        assertEquals("store-not-writable", TroubleshootingPage.anchor("Store not writable"));
    }

    @Test
    void sectionsRunToTheNextHeadingOfTheirLevel() {
        TroubleshootingPage page = TroubleshootingPage.parse(PAGE);
        assertTrue(page.section("dns-elsewhere").contains("# not a heading"));
        assertTrue(page.section("connection").contains("only this"));
        assertEquals("### WAR: no connector\nonly this", page.section("war-no-connector"));
        assertNull(page.section("not-a-heading"));
    }

    @Test
    void aProblemIsExplainedOnlyUnderItsOwnHeadingWithItsLogLine() {
        TroubleshootingPage page = TroubleshootingPage.parse(PAGE);
        page.assertExplains("DNS_POINTS_ELSEWHERE", "dns-elsewhere");
        assertThrows(AssertionError.class, () -> page.assertExplains("DNS_POINTS_ELSEWHERE", "dns-missing"));
        assertThrows(AssertionError.class, () -> page.assertExplains("CONNECTOR_NOT_FOUND", "war-no-connector"));
        assertThrows(AssertionError.class, () -> page.assertExplains("DNS_POINTS_ELSEWHERE", "DNS elsewhere"));
        assertThrows(AssertionError.class, () -> TroubleshootingPage.assertDistinct(Map.of("A", "x", "B", "x")));
        assertThrows(IllegalStateException.class, () -> TroubleshootingPage.parse("## A\n## A\n"));
    }
}
