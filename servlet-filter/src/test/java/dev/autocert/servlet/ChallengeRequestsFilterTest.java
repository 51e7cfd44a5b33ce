package dev.autocert.servlet;

import dev.autocert.Autocert;
import dev.autocert.testkit.ChallengeRequests;
import dev.autocert.testkit.FreePorts;
import org.apache.catalina.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared list of malformed challenge requests ({@link ChallengeRequests}) on a real socket to the filter
 * of a WAR deployed as ROOT in an embedded Tomcat (the {@link TestWebapp}: a refuse-all security filter and
 * Tomcat's default servlet; its {@code web.xml} holding the marker): only the pending token is answered; what
 * Tomcat normalises out of the challenge path meets the application's filter (403), and nothing gets a file.
 */
class ChallengeRequestsFilterTest {

    @TempDir
    Path dir;

    @Test
    void onlyThePendingTokenIsAnsweredAndNoRequestGetsAFile() throws Exception {
        int port = FreePorts.take();
        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("tomcat"), port)) {
            Context ctx = tomcat.deploy("", dir.resolve("root"), TestWebapp.settings(dir));
            ChallengeRequests.protect(dir.resolve("root"));
            tomcat.start();
            Autocert autocert = (Autocert) ctx.getServletContext().getAttribute(AutocertContextListener.ATTRIBUTE);
            autocert.challengeBoard().putHttp01(ChallengeRequests.TOKEN, ChallengeRequests.KEY_AUTHORIZATION);

            Map<String, Integer> statuses = ChallengeRequests.assertAll(port, 403);
            System.out.println("[challenge-requests] WAR filter: " + statuses);
            assertThat(ChallengeRequests.get(port, ChallengeRequests.PUBLIC_FILE).status()).as("the application refuses the rest")
                    .isEqualTo(403);
        }
    }
}
