package dev.autocert.jetty;

import dev.autocert.testkit.ChallengeRequests;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared list of malformed challenge requests ({@link ChallengeRequests}) on a real socket to the handler
 * in an embedded Jetty whose application serves a folder (a context with a resource handler that keeps
 * {@code WEB-INF} to itself, {@code WEB-INF/web.xml} holding the marker): only the pending token is answered,
 * nothing else gets a file.
 */
class ChallengeRequestsHandlerTest {

    @TempDir
    Path dir;

    @Test
    void onlyThePendingTokenIsAnsweredAndNoRequestGetsAFile() throws Exception {
        Path docBase = dir.resolve("webapp");
        ChallengeRequests.protect(docBase);
        try (EmbeddedJetty jetty = new EmbeddedJetty(EmbeddedJetty.settings(), dir.resolve("store"), server -> {
            ContextHandler context = new ContextHandler("/");
            context.setProtectedTargets(new String[] {"/WEB-INF", "/META-INF"});
            ResourceHandler files = new ResourceHandler();
            files.setBaseResource(ResourceFactory.of(server).newResource(docBase));
            context.setHandler(files);
            server.setHandler(context);
        })) {
            jetty.autocert.autocert().challengeBoard().putHttp01(ChallengeRequests.TOKEN, ChallengeRequests.KEY_AUTHORIZATION);

            Map<String, Integer> statuses = ChallengeRequests.assertAll(jetty.httpPort, 404);
            System.out.println("[challenge-requests] Jetty handler: " + statuses);
            assertThat(ChallengeRequests.get(jetty.httpPort, ChallengeRequests.PUBLIC_FILE).text()).as("files are served")
                    .isEqualTo(ChallengeRequests.PUBLIC_CONTENT);
            assertThat(ChallengeRequests.get(jetty.httpPort, "/WEB-INF/web.xml").status()).as("the application keeps WEB-INF").isEqualTo(404);
        }
    }
}
