package dev.autocert.testkit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks of the shared challenge requests catch what they are there for: a file, the answer where none is due. */
class ChallengeRequestsTest {

    private static ChallengeRequests.Case named(String name) {
        return ChallengeRequests.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static ChallengeRequests.Response response(int status, String body) {
        return new ChallengeRequests.Response(status, Map.of("content-type", "application/octet-stream"),
                body.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aFileOrTheKeyAuthorizationWhereNoneIsDueIsCaught() {
        ChallengeRequests.Case traversal = named("traversal to WEB-INF/web.xml");
        assertNull(ChallengeRequests.check(traversal, response(404, ""), 404));
        assertNotNull(ChallengeRequests.check(traversal, response(404, "<web-app><!-- " + ChallengeRequests.MARKER + " -->"), 404));
        assertNotNull(ChallengeRequests.check(traversal, response(200, "root:x:0:0:root:/root:/bin/bash"), 200));
        assertNotNull(ChallengeRequests.check(named("POST the pending token"), response(404, ChallengeRequests.KEY_AUTHORIZATION), 404));
        assertNotNull(ChallengeRequests.check(named("an empty token"), response(500, ""), 404));
    }

    @Test
    void theApplicationsStatusCountsOnlyWhereTheContainerMayHandItOver() {
        assertNull(ChallengeRequests.check(named("upper-case prefix"), response(403, ""), 403));
        assertNotNull(ChallengeRequests.check(named("upper-case prefix"), response(404, ""), 403));
        assertNotNull(ChallengeRequests.check(named("a token with / inside"), response(403, ""), 403));
    }

    @Test
    void thePendingTokenMustGetExactlyItsAnswer() {
        ChallengeRequests.Case get = named("GET the pending token");
        assertNull(ChallengeRequests.check(get, response(200, ChallengeRequests.KEY_AUTHORIZATION), 404));
        assertNotNull(ChallengeRequests.check(get, response(200, ChallengeRequests.KEY_AUTHORIZATION + "\n"), 404));
        assertNotNull(ChallengeRequests.check(get, response(404, ""), 404));
        assertTrue(ChallengeRequests.cases().size() > 20);
    }

    @Test
    void responsesAreReadAsSentChunkedOrNot() {
        ChallengeRequests.Response chunked = ChallengeRequests.parse(("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(404, chunked.status());
        assertEquals("hello world", chunked.text());
        assertEquals(0, ChallengeRequests.parse(new byte[0]).status());
        assertEquals(List.of("text/html"), List.of(ChallengeRequests.parse(
                "HTTP/1.1 400 \r\nContent-Type: text/html\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)).headers().get("content-type")));
    }
}
