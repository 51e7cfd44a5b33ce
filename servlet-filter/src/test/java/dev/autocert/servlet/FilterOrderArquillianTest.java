package dev.autocert.servlet;

import dev.autocert.Autocert;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR install as a user ships it, in Arquillian's embedded Tomcat: {@code autocert-servlet.jar} in
 * {@code WEB-INF/lib} next to an application whose own filter on {@code /*} refuses everything. Inside the webapp:
 * the initializer and the filter come from that JAR (the container's class path has no copy) and the running
 * Autocert takes a challenge. From outside, as the CA: the challenge path gets the key authorization, every other
 * path goes through the application's filter. (The filter order itself is not visible through the Servlet API:
 * {@code getFilterRegistrations()} is an unordered map in Tomcat; the responses are what shows it.)
 */
@Tag("arquillian")
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilterOrderArquillianTest {

    private static final String TOKEN = "arquillianTOKEN_0123456789-abcdef";
    private static final String KEY_AUTHORIZATION = TOKEN + ".thumbprintOfTheAccountKey";

    @Deployment
    static WebArchive war() {
        return ArquillianWar.root(TestWebapp.settings(ArquillianWar.workDir(FilterOrderArquillianTest.class)), "")
                .addClass(Context.class);
    }

    /** Holds the webapp's context for the in-container test (declared by annotation, as applications do). */
    @WebListener
    public static final class Context implements ServletContextListener {
        static volatile ServletContext context;

        @Override
        public void contextInitialized(ServletContextEvent event) {
            context = event.getServletContext();
        }
    }

    @Test
    @Order(1)
    void insideTheWebappTheInitializerFromTheJarRegisteredTheFilterAndAutocertRuns() {
        ServletContext sc = Context.context;
        assertNotNull(sc, "listener ran");
        String jar = AutocertInitializer.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertTrue(jar.endsWith("/WEB-INF/lib/autocert-servlet.jar"), "initializer loaded from " + jar);
        assertEquals(sc.getClassLoader(), AcmeChallengeFilter.class.getClassLoader(), "the webapp's class loader");

        FilterRegistration filter = sc.getFilterRegistration(AcmeChallengeFilter.NAME);
        assertNotNull(filter, "registered by the initializer");
        assertEquals(List.of(AcmeChallengeFilter.URL_PATTERN), List.copyOf(filter.getUrlPatternMappings()));
        assertNotNull(sc.getFilterRegistration("refuse"), "the application's filter");
        Autocert autocert = (Autocert) sc.getAttribute(AutocertContextListener.ATTRIBUTE);
        assertNotNull(autocert, "the listener runs Autocert");
        // what Autocert does while the CA validates: the next test asks for it over HTTP
        autocert.challengeBoard().putHttp01(TOKEN, KEY_AUTHORIZATION);
    }

    @Test
    @Order(2)
    @RunAsClient
    void theCaGetsTheKeyAuthorizationAndEveryOtherRequestMeetsTheApplicationsFilter() throws Exception {
        ArquillianWar.Reply challenge = ArquillianWar.get("/.well-known/acme-challenge/" + TOKEN);
        assertEquals(200, challenge.status(), "answered ahead of the application's refuse-all filter");
        assertEquals(KEY_AUTHORIZATION, challenge.body());
        assertEquals("application/octet-stream", challenge.headers().get("Content-Type"));
        assertEquals(404, ArquillianWar.get("/.well-known/acme-challenge/unknownToken_0123456789").status(),
                "unknown tokens: the filter's 404, not the application's 403");

        ArquillianWar.Reply page = ArquillianWar.get("/index.html");
        assertEquals(403, page.status(), "other paths go through the application's filter");
        assertTrue(page.body().contains("refused by the application"), page.body());
    }
}
