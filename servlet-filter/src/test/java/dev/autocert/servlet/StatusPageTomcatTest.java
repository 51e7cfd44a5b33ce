package dev.autocert.servlet;

import dev.autocert.status.StatusAccess;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.TestCa;
import dev.autocert.testkit.TlsProbe;
import jakarta.servlet.FilterRegistration;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.realm.RealmBase;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON status page of the WAR install in an embedded Tomcat 11: off by default; at
 * {@code autocert.statusPath} for clients on this machine, ahead of the application's refuse-all filter;
 * with {@code autocert.statusRole}, for that role's users in the webapp's realm, over HTTPS with Basic
 * credentials; 404 for everyone else. "Elsewhere" is a request a proxy forwarded (X-Forwarded-For): the
 * test's clients all run on this machine.
 */
class StatusPageTomcatTest {

    private static final String PATH = "/.well-known/autocert-status";
    private static final String ROLE = "autocert-status";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private final int httpPort = FreePorts.take();
    private final int httpsPort = FreePorts.take();
    private final TestCa ca = TestCa.create();
    private final CountingRealm realm = new CountingRealm();
    private EmbeddedTomcat tomcat;
    private LogCapture logs;

    @BeforeEach
    void setUp() throws Exception {
        logs = new LogCapture();
        Path keystore = dir.resolve("connector.p12");
        try (OutputStream out = Files.newOutputStream(keystore)) {
            ca.issue("a.test").keyStore("autocert", "changeit".toCharArray()).store(out, "changeit".toCharArray());
        }
        tomcat = new EmbeddedTomcat(dir.resolve("tomcat"), httpPort).https(httpsPort, keystore, "changeit");
    }

    @AfterEach
    void tearDown() throws Exception {
        tomcat.close();
        logs.close();
    }

    private Map<String, String> settings(String statusPath, String statusRole) {
        Map<String, String> p = TestWebapp.settings(dir);
        if (statusPath != null) {
            p.put("autocert.statusPath", statusPath);
        }
        if (statusRole != null) {
            p.put("autocert.statusRole", statusRole);
        }
        return p;
    }

    private Context start(Map<String, String> contextParams) throws Exception {
        Context ctx = tomcat.deploy("", dir.resolve("root"), contextParams);
        ctx.setRealm(realm);
        tomcat.start();
        return ctx;
    }

    @Test
    void offByDefault() throws Exception {
        Context ctx = start(settings(null, null));
        FilterRegistration filter = ctx.getServletContext().getFilterRegistration(AcmeChallengeFilter.NAME);
        assertThat(filter.getUrlPatternMappings()).containsExactly(AcmeChallengeFilter.URL_PATTERN);
        assertThat(local().statusCode()).as("the application's refuse-all filter answers").isEqualTo(403);
    }

    @Test
    void withoutARoleOnlyThisMachineGetsIt() throws Exception {
        Context ctx = start(settings(PATH, null));
        FilterRegistration filter = ctx.getServletContext().getFilterRegistration(AcmeChallengeFilter.NAME);
        assertThat(filter.getUrlPatternMappings()).containsExactlyInAnyOrder(AcmeChallengeFilter.URL_PATTERN, PATH);

        HttpResponse<String> r = local();
        assertThat(r.statusCode()).as("answered ahead of the application's refuse-all filter").isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json;charset=UTF-8");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.body()).contains("\"name\": \"a.test\"").contains("\"domains\": [\"a.test\"]");
        assertThat(HTTP.send(forwarded().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(fromElsewhere("ops:ops-secret").status()).isEqualTo(404);
        assertThat(logs.text()).contains("Autocert status at " + PATH + " for clients on this machine")
                .contains("statusPath (context-param autocert.statusPath)");
    }

    @Test
    void theRolesUsersGetItOverHttpsWithBasicCredentials() throws Exception {
        start(settings(PATH, ROLE));
        assertThat(local().statusCode()).isEqualTo(200);

        HttpResponse<String> plain = HTTP.send(forwarded().header("Authorization", basic("ops:ops-secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(realm.logins).as("credentials are never read over plain HTTP").hasValue(0);

        TlsProbe.HttpsResponse none = fromElsewhere(null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().get("www-authenticate")).isEqualTo(StatusAccess.CHALLENGE);
        assertThat(fromElsewhere("ops:wrong").status()).isEqualTo(401);
        assertThat(fromElsewhere("nobody:ops-secret").status()).isEqualTo(401);
        assertThat(fromElsewhere("dev:dev-secret").status()).isEqualTo(403);
        TlsProbe.HttpsResponse granted = fromElsewhere("ops:ops-secret");
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.headers().get("cache-control")).isEqualTo("no-store");
        assertThat(granted.body()).contains("\"name\": \"a.test\"");
        assertThat(realm.logins).hasValue(4);
        assertThat(granted.headers()).doesNotContainKey("set-cookie"); // the login made no session
        assertThat(logs.text()).contains("for role 'autocert-status' of the container's realm").doesNotContain("secret");
    }

    @Test
    void aUserTheWebappAlreadySignedInIsJudgedByHisRoles() throws Exception {
        Context ctx = tomcat.deploy("", dir.resolve("root"), settings(PATH, ROLE));
        ctx.setRealm(realm);
        // the webapp itself guards the path with BASIC: the container signs the user in before any filter runs
        SecurityCollection path = new SecurityCollection();
        path.addPattern(PATH);
        SecurityConstraint signedIn = new SecurityConstraint();
        signedIn.addAuthRole(SecurityConstraint.ROLE_ALL_AUTHENTICATED_USERS);
        signedIn.addCollection(path);
        ctx.addConstraint(signedIn);
        ctx.setLoginConfig(new LoginConfig("BASIC", "app", null, null));
        ctx.getPipeline().addValve(new BasicAuthenticator());
        tomcat.start();
        assertThat(fromElsewhere("ops:ops-secret").status()).isEqualTo(200);
        assertThat(fromElsewhere("dev:dev-secret").status()).isEqualTo(403);
        assertThat(realm.logins).as("no second login on top of the container's").hasValue(2);
    }

    @Test
    void withoutInitializersTheWebFragmentListenerMapsThePathToo() throws Exception {
        Context ctx = tomcat.deploy("", dir.resolve("root"), settings(PATH, null));
        // as in Jetty without its annotations module: no initializer runs, the fragment's listener does
        ctx.setContainerSciFilter(AutocertInitializer.class.getName().replace(".", "\\."));
        ctx.addApplicationListener(AutocertContextListener.class.getName());
        tomcat.start();
        assertThat(local().statusCode()).isEqualTo(200);
    }

    @Test
    void aBadPathIsLoggedWithItsFixAndTheWebappStillStarts() throws Exception {
        Context ctx = start(settings("autocert-status", ROLE));
        assertThat(ctx.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(ctx.getServletContext().getFilterRegistration(AcmeChallengeFilter.NAME).getUrlPatternMappings())
                .containsExactly(AcmeChallengeFilter.URL_PATTERN);
        assertThat(logs.text()).contains("Autocert is off for the webapp at '/': Setting 'statusPath' is not a path starting with '/'");
    }

    @Test
    void aRoleWithoutPathIsReported() throws Exception {
        start(settings(null, ROLE));
        assertThat(logs.text()).contains("autocert.statusRole 'autocert-status' has no effect without autocert.statusPath:"
                + " set autocert.statusPath=/.well-known/autocert-status");
    }

    /** The webapp's realm: ops holds the status role, dev does not. Counts the logins it is asked for. */
    private static final class CountingRealm extends RealmBase {
        private static final Map<String, String> PASSWORDS = Map.of("ops", "ops-secret", "dev", "dev-secret");
        private static final Map<String, List<String>> ROLES = Map.of("ops", List.of(ROLE), "dev", List.of("user"));
        final AtomicInteger logins = new AtomicInteger();

        @Override
        public Principal authenticate(String username, String credentials) {
            logins.incrementAndGet();
            return super.authenticate(username, credentials);
        }

        @Override
        protected String getPassword(String username) {
            return PASSWORDS.get(username);
        }

        @Override
        protected Principal getPrincipal(String username) {
            return new GenericPrincipal(username, ROLES.getOrDefault(username, List.of()));
        }
    }

    private HttpResponse<String> local() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + PATH)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder forwarded() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + PATH)).header("X-Forwarded-For", "203.0.113.7");
    }

    /** Over HTTPS (SNI a.test), through a proxy on this machine that says so, with these credentials or none. */
    private TlsProbe.HttpsResponse fromElsewhere(String credentials) {
        List<X509Certificate> roots = List.of(ca.caCertificate());
        Map<String, String> headers = credentials == null ? Map.of("X-Forwarded-For", "203.0.113.7")
                : Map.of("X-Forwarded-For", "203.0.113.7", "Authorization", basic(credentials));
        return TlsProbe.httpsGet(httpsPort, "a.test", PATH, roots, headers);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
