package dev.autocert.tomcat;

import dev.autocert.testkit.ChallengeRequests;
import dev.autocert.testkit.FreePorts;
import org.apache.catalina.Context;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.IntrospectionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared list of malformed challenge requests ({@link ChallengeRequests}) on a real socket to the valve
 * in an embedded Tomcat whose ROOT webapp serves its folder (Tomcat's default servlet, {@code WEB-INF/web.xml}
 * holding the marker): only the pending token is answered, nothing else gets a file.
 */
class ChallengeRequestsValveTest {

    @TempDir
    Path dir;

    @Test
    void onlyThePendingTokenIsAnsweredAndNoRequestGetsAFile() throws Exception {
        AutocertListener listener = new AutocertListener();
        Map.of("domains", "a.test", "storage", dir.resolve("store").toString(), "httpsPort", String.valueOf(FreePorts.take()),
                "httpsAddress", "127.0.0.1", "retryDelay", "1h",
                "directory", "https://127.0.0.1:" + FreePorts.take() + "/dir") // nothing listens: no issuance here
                .forEach((name, value) -> assertThat(IntrospectionUtils.setProperty(listener, name, value)).as(name).isTrue());
        Path docBase = dir.resolve("base");
        ChallengeRequests.protect(docBase);
        int port = FreePorts.take();
        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(docBase, port, listener)) {
            // the ROOT webapp serves files instead of saying hello, so a request that reached it could get one
            Context root = (Context) tomcat.tomcat.getHost().findChild("");
            Tomcat.addServlet(root, "files", new DefaultServlet());
            root.addServletMappingDecoded("/", "files");
            tomcat.start();
            listener.getAutocert().challengeBoard().putHttp01(ChallengeRequests.TOKEN, ChallengeRequests.KEY_AUTHORIZATION);

            Map<String, Integer> statuses = ChallengeRequests.assertAll(port, 404);
            System.out.println("[challenge-requests] Tomcat valve: " + statuses);
            assertThat(ChallengeRequests.get(port, ChallengeRequests.PUBLIC_FILE).text()).as("files are served")
                    .isEqualTo(ChallengeRequests.PUBLIC_CONTENT);
            assertThat(ChallengeRequests.get(port, "/WEB-INF/web.xml").status()).as("Tomcat itself keeps WEB-INF").isEqualTo(404);
        }
    }
}
