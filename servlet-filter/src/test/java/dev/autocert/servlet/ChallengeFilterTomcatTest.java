package dev.autocert.servlet;

import dev.autocert.Autocert;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter and the listener in an embedded Tomcat 11, deployed like a WAR: self-registration,
 * answers from memory ahead of the application's own filters, idle and broken configurations, and
 * no thread left after the webapp stops. The CA is an address nobody listens on.
 */
class ChallengeFilterTomcatTest {

    private static final String TOKEN = "tokenTOKENtoken_0123456789-abc";

    @TempDir
    Path dir;
    private EmbeddedTomcat tomcat;
    private LogCapture logs;

    @BeforeEach
    void setUp() {
        logs = new LogCapture();
        tomcat = new EmbeddedTomcat(dir.resolve("tomcat"), FreePorts.take());
    }

    @AfterEach
    void tearDown() throws Exception {
        tomcat.close();
        logs.close();
    }

    private Map<String, String> settings() {
        return TestWebapp.settings(dir);
    }

    @Test
    void registersItselfAheadOfTheApplicationAndAnswersFromMemory() throws Exception {
        Context ctx = tomcat.deploy("", dir.resolve("root"), settings());
        tomcat.start();
        ServletContext sc = ctx.getServletContext();

        FilterRegistration reg = sc.getFilterRegistration(AcmeChallengeFilter.NAME);
        assertThat(reg).as("registered by the initializer").isNotNull();
        assertThat(reg.getUrlPatternMappings()).containsExactly(AcmeChallengeFilter.URL_PATTERN);
        Autocert autocert = (Autocert) sc.getAttribute(AutocertContextListener.ATTRIBUTE);
        assertThat(autocert).isNotNull();
        autocert.challengeBoard().putHttp01(TOKEN, TOKEN + ".thumbprint");

        HttpResponse<String> ok = tomcat.send("GET", "/.well-known/acme-challenge/" + TOKEN, null);
        assertThat(ok.statusCode()).as("answered before the application's refuse-all filter").isEqualTo(200);
        assertThat(ok.body()).isEqualTo(TOKEN + ".thumbprint");
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        HttpResponse<String> head = tomcat.send("HEAD", "/.well-known/acme-challenge/" + TOKEN, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        assertThat(tomcat.send("POST", "/.well-known/acme-challenge/" + TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(tomcat.send("GET", "/.well-known/acme-challenge/unknownToken_0123456789", null).statusCode()).isEqualTo(404);
        assertThat(tomcat.send("GET", "/.well-known/acme-challenge/x", null).statusCode()).isEqualTo(404);
        assertThat(tomcat.send("GET", "/index.html", null).statusCode()).as("other paths reach the application").isEqualTo(403);
        assertThat(logs.text()).contains("Autocert manages 1 certificate(s) [a.test] in the webapp at '/'")
                .contains("domains (context-param autocert.domains)");

        ctx.stop();
        assertThat(EmbeddedTomcat.threadsNamed("autocert-")).as("threads left after the webapp stopped").isEmpty();
        assertThat(sc.getAttribute(AutocertContextListener.ATTRIBUTE)).isNull();
    }

    @Test
    void withoutDomainsItIsIdleAndTheApplicationKeepsTheChallengePath() throws Exception {
        Context ctx = tomcat.deploy("", dir.resolve("root"), Map.of());
        tomcat.start();

        assertThat(ctx.getServletContext().getAttribute(AutocertContextListener.ATTRIBUTE)).isNull();
        assertThat(tomcat.send("GET", "/.well-known/acme-challenge/" + TOKEN, null).statusCode())
                .as("passed on to the application, which refuses it").isEqualTo(403);
        assertThat(logs.text()).contains("Autocert is idle in the webapp at '/': no domains are set");
        assertThat(EmbeddedTomcat.threadsNamed("autocert-")).isEmpty();
    }

    @Test
    void aBadSettingIsLoggedWithItsFixAndTheWebappStillStarts() throws Exception {
        Map<String, String> p = settings();
        p.put("autocert.acceptTerms", "maybe");
        Context bad = tomcat.deploy("", dir.resolve("root"), p);
        Map<String, String> typo = settings();
        typo.put("autocert.domain", "b.test");
        Context misspelt = tomcat.deploy("/typo", dir.resolve("typo"), typo);
        tomcat.start();

        assertThat(bad.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(misspelt.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(logs.text())
                .contains("SEVERE dev.autocert.servlet: Autocert is off for the webapp at '/': Setting 'acceptTerms' must be true or false")
                .contains("Autocert is off for the webapp at '/typo': Setting 'autocert.domain' is not a known setting");
        assertThat(EmbeddedTomcat.threadsNamed("autocert-")).isEmpty();
    }

    @Test
    void withoutInitializersTheWebFragmentListenerRegistersTheFilter() throws Exception {
        Context ctx = tomcat.deploy("", dir.resolve("root"), settings());
        // as in Jetty without its annotations module: no initializer runs, the fragment's listener does
        ctx.setContainerSciFilter(AutocertInitializer.class.getName().replace(".", "\\."));
        ctx.addApplicationListener(AutocertContextListener.class.getName());
        tomcat.start();

        ServletContext sc = ctx.getServletContext();
        assertThat(sc.getFilterRegistration(AcmeChallengeFilter.NAME)).isNotNull();
        ((Autocert) sc.getAttribute(AutocertContextListener.ATTRIBUTE)).challengeBoard().putHttp01(TOKEN, "answer");
        assertThat(tomcat.send("GET", "/.well-known/acme-challenge/" + TOKEN, null).body()).isEqualTo("answer");
    }

    @Test
    void registeredByBothTheInitializerAndTheFragmentItRunsOnce() throws Exception {
        Context ctx = tomcat.deploy("", dir.resolve("root"), settings());
        ctx.addApplicationListener(AutocertContextListener.class.getName());
        tomcat.start();

        assertThat(logs.text().split("Autocert manages", -1)).hasSize(2);
        ctx.stop();
        assertThat(EmbeddedTomcat.threadsNamed("autocert-")).isEmpty();
    }
}
