package dev.autocert.servlet;

import dev.autocert.testkit.PebbleExtension;
import dev.autocert.testkit.Pem;
import dev.autocert.testkit.TlsProbe;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WAR whose {@code web.xml} puts everything behind the container's login ({@code <security-constraint>} on
 * {@code /*} with an auth-constraint, BASIC {@code <login-config>}) and whose own filter refuses everything: Pebble
 * still validates HTTP-01 through the challenge path and issues, while every other path asks for a login. Tomcat
 * checks security constraints before any filter runs, so this is what the fragment's unprotected
 * {@code /.well-known/acme-challenge/*} constraint is for.
 */
@Tag("arquillian")
class SecurityConstraintArquillianTest {

    private static final String PROTECTED = """
              <security-constraint>
                <web-resource-collection><web-resource-name>everything</web-resource-name><url-pattern>/*</url-pattern></web-resource-collection>
                <auth-constraint><role-name>staff</role-name></auth-constraint>
              </security-constraint>
              <login-config><auth-method>BASIC</auth-method><realm-name>staff only</realm-name></login-config>
              <security-role><role-name>staff</role-name></security-role>
            """;

    // Pebble first: the WAR names its directory, and Arquillian builds the WAR in its own beforeAll
    @RegisterExtension
    @Order(1)
    static final PebbleExtension PEBBLE = new PebbleExtension(b -> b.httpPort(ArquillianWar.httpPort()));
    @RegisterExtension
    @Order(2)
    static final ArquillianExtension ARQUILLIAN = new ArquillianExtension();

    private static final Path WORK = ArquillianWar.workDir(SecurityConstraintArquillianTest.class);

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "protected", managed = false, testable = false)
    static WebArchive war() {
        return ArquillianWar.root(TestWebapp.settings(PEBBLE.pebble(), "a.test", WORK.resolve("store")), PROTECTED);
    }

    @Test
    void pebbleValidatesThroughTheChallengePathWhileEveryOtherPathAsksForALogin() throws Exception {
        deployer.deploy("protected");
        try {
            ArquillianWar.Reply page = ArquillianWar.get("/index.html");
            assertThat(page.status()).as("the container's login, before any filter").isEqualTo(401);
            assertThat(page.headers().get("WWW-Authenticate")).startsWith("Basic realm=\"staff only\"");
            assertThat(ArquillianWar.get("/.well-known/acme-challenge/unknownToken_0123456789").status())
                    .as("the challenge filter's answer, no login asked").isEqualTo(404);

            // issued only if Pebble got the key authorization from http://a.test:<port>/.well-known/acme-challenge/<token>
            Path chain = WORK.resolve("store/certificates/a.test/fullchain.pem");
            List<X509Certificate> roots = PEBBLE.pebble().roots();
            await("a certificate from Pebble in the store").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().untilAsserted(() -> TlsProbe.verifyChain(Pem.certificates(Files.readString(chain)), roots, "a.test"));
        } finally {
            deployer.undeploy("protected");
        }
    }
}
